// Command gen writes the Format-List and Format-Table fixtures of testdata/exports the way
// Windows PowerShell 5.1 and PowerShell 7 write them (notes/powershell-exports.md a.1-a.5, b.1),
// together with a .want.json file per fixture that holds the source values put in here: the
// expected values of the tests come from this file, never from certswap's output.
//
// Run from the repository root: go run ./testdata/exports/gen
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

// prop is one property of a source object. A list is a collection; Null prints as nothing.
type prop struct {
	Name  string
	Value string
	List  []string
	IsLst bool
}

type object []prop

func s(name, value string) prop           { return prop{Name: name, Value: value} }
func l(name string, items ...string) prop { return prop{Name: name, List: items, IsLst: true} }

// want is what a fixture must read back as.
type want struct {
	Format  string    `json:"format"`
	Objects []wantObj `json:"objects"`
	Notes   []string  `json:"notes,omitempty"`
}

type wantObj struct {
	Kind       string     `json:"kind"`
	Identity   string     `json:"identity"`
	Server     string     `json:"server"`
	Properties []wantProp `json:"properties"`
}

type wantProp struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	// Lossy: the value cannot be rebuilt (truncated collection or cell); the reader must say so.
	Lossy bool `json:"lossy,omitempty"`
	// MayBeAmbiguous: trimming removed a blank at a wrap in a way no reader can prove; the
	// reader must either rebuild Value exactly or mark the property ambiguous.
	MayBeAmbiguous bool `json:"mayBeAmbiguous,omitempty"`
}

// enumLimit is $FormatEnumerationLimit's default.
const enumLimit = 4

// collection prints a list as Format-List does, cut at enumLimit with the ellipsis of the
// PowerShell version ("..." in 5.1, "…" in 6.2+).
func collection(items []string, ellipsis string) (string, bool) {
	if len(items) > enumLimit {
		return "{" + strings.Join(items[:enumLimit], ", ") + ellipsis + "}", true
	}
	return "{" + strings.Join(items, ", ") + "}", false
}

func (p prop) text(ellipsis string) (string, bool) {
	if p.IsLst {
		return collection(p.List, ellipsis)
	}
	return p.Value, false
}

func u16len(s string) int { return len(utf16.Encode([]rune(s))) }

// wordWrap splits one line of a value the way GenerateLinesWithWordWrap does: words end at a
// blank or tab, which stays with the word; a word wider than the field is poured character by
// character into the current line and cut at the field edge.
func wordWrap(v string, field int) []string {
	if u16len(v) <= field {
		return []string{v}
	}
	var words []string
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' || v[i] == '\t' {
			words = append(words, v[start:i+1])
			start = i + 1
		}
	}
	words = append(words, v[start:])
	var out []string
	var cur []rune
	left := field
	for _, w := range words {
		ww := u16len(w)
		if ww > field {
			for _, c := range w {
				if left < 1 {
					out = append(out, string(cur))
					cur = cur[:0]
					left = field
				}
				cur = append(cur, c)
				left--
			}
			continue
		}
		if ww > left {
			out = append(out, string(cur))
			cur = cur[:0]
			left = field
		}
		cur = append(cur, []rune(w)...)
		left -= ww
	}
	return append(out, string(cur))
}

// hardSplit cuts one line of a value every field characters (GenerateLinesWithoutWordWrap).
func hardSplit(v string, field int) []string {
	r := []rune(v)
	if len(r) <= field {
		return []string{v}
	}
	var out []string
	for len(r) > field {
		out = append(out, string(r[:field]))
		r = r[field:]
	}
	return append(out, string(r))
}

// listStyle says how a Format-List file is laid out.
type listStyle struct {
	ps51     bool // Windows PowerShell 5.1 (wraps, "...", 2 leading and 3 trailing blank lines)
	width    int  // line width for 5.1
	wordWrap bool // en/fr/de/it/pt/es culture
}

// formatList renders objects as Format-List writes them and reports for every property
// whether trimming trailing blanks would hide a blank at a wrap (hardBlank) in a way a
// reader cannot prove.
func formatList(objs []object, st listStyle) (lines []string, hidden, wrapped map[[2]int]bool) {
	ellipsis := "…"
	if st.ps51 {
		ellipsis = "..."
	}
	hidden, wrapped = map[[2]int]bool{}, map[[2]int]bool{}
	if st.ps51 {
		lines = append(lines, "", "")
	} else {
		lines = append(lines, "")
	}
	for oi, o := range objs {
		lw := 0
		for _, p := range o {
			if n := len(p.Name); n > lw {
				lw = n
			}
		}
		indent := strings.Repeat(" ", lw+3)
		for pi, p := range o {
			v, _ := p.text(ellipsis)
			pieces := strings.Split(strings.ReplaceAll(v, "\r", ""), "\n")
			var out []string
			for _, piece := range pieces {
				if !st.ps51 {
					out = append(out, piece)
					continue
				}
				field := st.width - (lw + 3)
				var parts []string
				if st.wordWrap {
					parts = wordWrap(piece, field)
				} else {
					parts = hardSplit(piece, field)
				}
				if len(parts) > 1 {
					wrapped[[2]int{oi, pi}] = true
				}
				for i, part := range parts {
					if i+1 < len(parts) && strings.HasSuffix(part, " ") {
						hidden[[2]int{oi, pi}] = true
					}
				}
				out = append(out, parts...)
			}
			for i, x := range out {
				if i == 0 {
					lines = append(lines, p.Name+strings.Repeat(" ", lw-len(p.Name))+" : "+x)
				} else {
					lines = append(lines, indent+x)
				}
			}
		}
		lines = append(lines, "")
	}
	if st.ps51 {
		lines = append(lines, "", "")
	}
	return lines, hidden, wrapped
}

// tableCol is one Format-Table column: its header, width and alignment.
type tableCol struct {
	name  string
	width int
	right bool
}

// formatTable renders objects as Format-Table writes them: one blank between columns, the
// header and the dashes (as many as the shorter of header and column), cells cut to their
// column with the ellipsis, the last column cut at the table width.
func formatTable(objs []object, cols []tableCol, ps51 bool) ([]string, map[[2]int]bool) {
	ellipsis := "…"
	if ps51 {
		ellipsis = "..."
	}
	cut := map[[2]int]bool{}
	cell := func(v string, c tableCol) (string, bool) {
		r := []rune(v)
		if len(r) <= c.width {
			if c.right {
				return strings.Repeat(" ", c.width-len(r)) + v, false
			}
			return v + strings.Repeat(" ", c.width-len(r)), false
		}
		e := []rune(ellipsis)
		keep := c.width - len(e)
		if c.right {
			return ellipsis + string(r[len(r)-keep:]), true
		}
		return string(r[:keep]) + ellipsis, true
	}
	row := func(cells []string) string {
		return strings.TrimRight(strings.Join(cells, " "), " ")
	}
	var hdr, dash []string
	for _, c := range cols {
		h, _ := cell(c.name, c)
		hdr = append(hdr, h)
		n := len(c.name)
		if c.width < n {
			n = c.width
		}
		d := strings.Repeat("-", n)
		if c.right {
			d = strings.Repeat(" ", c.width-n) + d
		} else {
			d += strings.Repeat(" ", c.width-n)
		}
		dash = append(dash, d)
	}
	lines := []string{""}
	lines = append(lines, row(hdr), row(dash))
	for oi, o := range objs {
		var cells []string
		for ci, c := range cols {
			v := ""
			for _, p := range o {
				if p.Name == c.name {
					v, _ = p.text(ellipsis)
				}
			}
			x, wasCut := cell(v, c)
			if wasCut {
				cut[[2]int{oi, ci}] = true
			}
			cells = append(cells, x)
		}
		lines = append(lines, row(cells))
	}
	lines = append(lines, "", "")
	return lines, cut
}

// encode writes lines in one of the encodings PowerShell writes.
func encode(lines []string, enc, eol string) []byte {
	text := strings.Join(lines, eol)
	var b bytes.Buffer
	switch enc {
	case "utf16le-bom":
		b.Write([]byte{0xFF, 0xFE})
		for _, u := range utf16.Encode([]rune(text)) {
			b.WriteByte(byte(u))
			b.WriteByte(byte(u >> 8))
		}
	case "utf8-bom":
		b.WriteString("\ufeff")
		b.WriteString(text)
	default:
		b.WriteString(text)
	}
	return b.Bytes()
}

// trimLines removes the blanks at the ends of lines, as web pages and editors do.
func trimLines(lines []string) []string {
	out := make([]string, len(lines))
	for i, x := range lines {
		out[i] = strings.TrimRight(x, " ")
	}
	return out
}

func write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		panic(err)
	}
}

func writeWant(path string, w want) {
	b, err := json.MarshalIndent(w, "", "  ")
	if err != nil {
		panic(err)
	}
	write(path, append(b, '\n'))
}

// fixture is one source export.
type fixture struct {
	name     string
	kind     string
	objs     []object
	identity func(object) string
	server   func(object) string
	table    []tableCol // for the table view
	// tableObjs are the objects of the table view when it shows other values (the
	// Get-ExchangeCertificate table prints Services as its letter code).
	tableObjs []object
}

func get(o object, name string) string {
	for _, p := range o {
		if p.Name == name {
			v, _ := p.text("...")
			return v
		}
	}
	return ""
}

func wantList(f fixture, ellipsis string, hidden map[[2]int]bool) want {
	w := want{Format: "Format-List"}
	for oi, o := range f.objs {
		wo := wantObj{Kind: f.kind, Identity: strings.ReplaceAll(f.identity(o), "\r", ""), Server: f.server(o)}
		for pi, p := range o {
			v, lossy := p.text(ellipsis)
			// Format-List drops every carriage return of a value (SplitLines): a file can
			// only show the value without them.
			v = strings.ReplaceAll(v, "\r", "")
			wo.Properties = append(wo.Properties, wantProp{Name: p.Name, Value: v, Lossy: lossy, MayBeAmbiguous: hidden[[2]int{oi, pi}]})
		}
		w.Objects = append(w.Objects, wo)
	}
	return w
}

func main() {
	root := "testdata/exports"
	for _, f := range fixtures() {
		// Format-List as Windows PowerShell 5.1 writes it on an English server (119 columns,
		// word wrap), re-encoded in the four combinations of UTF-16 LE BOM / UTF-8 and CRLF / LF.
		lines, _, _ := formatList(f.objs, listStyle{ps51: true, width: 119, wordWrap: true})
		write(filepath.Join(root, "list", f.name+".utf16le-bom.crlf.txt"), encode(lines, "utf16le-bom", "\r\n"))
		write(filepath.Join(root, "list", f.name+".utf16le-bom.lf.txt"), encode(lines, "utf16le-bom", "\n"))
		write(filepath.Join(root, "list", f.name+".utf8.crlf.txt"), encode(lines, "utf8", "\r\n"))
		write(filepath.Join(root, "list", f.name+".utf8.lf.txt"), encode(lines, "utf8", "\n"))
		writeWant(filepath.Join(root, "list", f.name+".want.json"), wantList(f, "...", nil))
		// The same copied off a web page: trailing blanks trimmed, UTF-8, LF.
		lines51, hidden, wrapped := formatList(f.objs, listStyle{ps51: true, width: 119, wordWrap: true})
		trimmed := trimLines(lines51)
		if countWidth(trimmed, 119) < 2 {
			for k := range wrapped {
				hidden[k] = true
			}
		}
		write(filepath.Join(root, "list", f.name+".trimmed.utf8.lf.txt"), encode(trimmed, "utf8", "\n"))
		writeWant(filepath.Join(root, "list", f.name+".trimmed.want.json"), wantList(f, "...", hidden))
		// The same as a forum page shows it (hybrid-1/3, rc-1): trailing blanks trimmed, then a
		// blank line after every line and two blanks (a Markdown line break) after every
		// non-blank one.
		var web []string
		for _, x := range trimmed {
			if x != "" {
				x += "  "
			}
			web = append(web, x, "")
		}
		write(filepath.Join(root, "list", f.name+".webcopy.utf8.lf.txt"), encode(web, "utf8", "\n"))
		// PowerShell 7: no wrap, "…", UTF-8 without BOM.
		lines7, _, _ := formatList(f.objs, listStyle{})
		write(filepath.Join(root, "list", f.name+".ps7.utf8.lf.txt"), encode(lines7, "utf8", "\n"))
		writeWant(filepath.Join(root, "list", f.name+".ps7.want.json"), wantList(f, "…", nil))
		if f.table != nil {
			tobjs := f.objs
			if f.tableObjs != nil {
				tobjs = f.tableObjs
			}
			tl, cut := formatTable(tobjs, f.table, true)
			write(filepath.Join(root, "table", f.name+".utf16le-bom.crlf.txt"), encode(tl, "utf16le-bom", "\r\n"))
			write(filepath.Join(root, "table", f.name+".utf8.lf.txt"), encode(tl, "utf8", "\n"))
			w := want{Format: "Format-Table"}
			for oi, o := range tobjs {
				wo := wantObj{Kind: f.kind, Identity: "", Server: f.server(o)}
				for ci, c := range f.table {
					v := get(o, c.name)
					if cut[[2]int{oi, ci}] {
						r := []rune(v)
						if c.right {
							v = "..." + string(r[len(r)-(c.width-3):])
						} else {
							v = string(r[:c.width-3]) + "..."
						}
					}
					wo.Properties = append(wo.Properties, wantProp{Name: c.name, Value: v, Lossy: cut[[2]int{oi, ci}]})
				}
				wo.Identity = wo.Properties[0].Value
				w.Objects = append(w.Objects, wo)
			}
			writeWant(filepath.Join(root, "table", f.name+".want.json"), w)
		}
	}

	// The wrapping matrix of issue 3: one long TlsCertificateName at three widths, word wrap
	// and hard split, with and without trailing blanks.
	wrap := wrapFixture()
	for _, width := range []int{80, 119, 200} {
		for _, ww := range []bool{true, false} {
			lines, hidden, wrapped := formatList(wrap.objs, listStyle{ps51: true, width: width, wordWrap: ww})
			mode := "word"
			if !ww {
				mode = "hard"
			}
			base := filepath.Join(root, "wrap", fmt.Sprintf("w%d-%s", width, mode))
			write(base+".kept.txt", encode(lines, "utf16le-bom", "\r\n"))
			writeWant(base+".kept.want.json", wantList(wrap, "...", nil))
			trimmed := trimLines(lines)
			// Once trailing blanks are gone, the width a file was wrapped at shows only where
			// two or more lines reach it; with fewer, a reader cannot tell a line cut at the
			// width from one word-wrapped at a wider one, and may say so for every wrapped value.
			if countWidth(trimmed, width) < 2 {
				for k := range wrapped {
					hidden[k] = true
				}
			}
			write(base+".trimmed.txt", encode(trimmed, "utf8", "\n"))
			writeWant(base+".trimmed.want.json", wantList(wrap, "...", hidden))
		}
	}

	// The field story: Get-ReceiveConnector | fl > rc.txt on EX01 (Windows PowerShell 5.1,
	// UTF-16 LE, 119 columns) while both Frontend connectors still name the old certificate.
	story := fieldStory()
	lines, _, _ := formatList(story.objs, listStyle{ps51: true, width: 119, wordWrap: true})
	write(filepath.Join(root, "exchange-field-story", "Get-ReceiveConnector.txt"), encode(lines, "utf16le-bom", "\r\n"))
	writeWant(filepath.Join(root, "exchange-field-story", "Get-ReceiveConnector.want.json"), wantList(story, "...", nil))
}

// countWidth counts the lines exactly width characters wide.
func countWidth(lines []string, width int) int {
	n := 0
	for _, x := range lines {
		if u16len(x) == width {
			n++
		}
	}
	return n
}
