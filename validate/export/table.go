package export

import (
	"fmt"
	"strings"
)

// column is one Format-Table column as its dash run shows it (positions in characters).
type column struct {
	name       string
	start, end int // the dash run: [start, end)
	right      bool
}

// readTable reads one Format-Table section: a header line, the dash underline, and one object
// per row up to the next blank line (notes/powershell-exports.md a.5).
func readTable(name string, s *lineSource, header line, file *File, emit func(*Object) error) error {
	dash, _ := s.next()
	hdr := []rune(header.text)
	d := []rune(dash.text)
	var cols []column
	for i := 0; i < len(d); {
		if d[i] != '-' {
			i++
			continue
		}
		j := i
		for j < len(d) && d[j] == '-' {
			j++
		}
		cols = append(cols, column{start: i, end: j})
		i = j
	}
	for i := range cols {
		cols[i].name = strings.TrimSpace(sub(hdr, cols[i].start, cols[i].end))
		if i+1 == len(cols) && cols[i].end >= len(d) {
			// The last header may run past its dashes when the underline was cut short.
			cols[i].name = strings.TrimSpace(sub(hdr, cols[i].start, len(hdr)))
		}
		if cols[i].name == "" {
			return &ParseError{Line: header.n, Err: fmt.Errorf("table column %d has no header", i+1)}
		}
	}
	if len(cols) > MaxProperties {
		return &ParseError{Line: header.n, Err: fmt.Errorf("table has more than %d columns", MaxProperties)}
	}
	// Rows are read in batches so that a table of any length is read in bounded memory; the
	// first batch decides the columns' alignment, widths only grow.
	tableWidth := len(hdr)
	colEnd := make([]int, len(cols))
	for batch := 0; ; batch++ {
		var rows []line
		for len(rows) < tableBatch {
			nx, ok := s.peek(0)
			if !ok || isBlank(nx.text) {
				break
			}
			l, _ := s.next()
			rows = append(rows, l)
		}
		if len(rows) == 0 {
			return nil
		}
		for _, r := range rows {
			if n := len([]rune(r.text)); n > tableWidth {
				tableWidth = n
			}
		}
		if batch == 0 {
			alignColumns(cols, rows)
		}
		if err := tableRows(name, cols, rows, tableWidth, colEnd, emit); err != nil {
			return err
		}
		if len(rows) < tableBatch {
			return nil
		}
	}
}

// tableBatch is how many rows of a table are read before their objects are handed out.
const tableBatch = 10000

// alignColumns marks the right-aligned columns: every row fills the column's last dash
// position and some row leaves its first one blank (numbers under a wider header, such as
// PortNumber).
func alignColumns(cols []column, rows []line) {
	for i := range cols {
		if i == 0 {
			continue
		}
		allEnd, someStartBlank := true, false
		for _, r := range rows {
			rr := []rune(r.text)
			if at(rr, cols[i].end-1) == ' ' {
				allEnd = false
			}
			if at(rr, cols[i].start) == ' ' {
				someStartBlank = true
			}
		}
		cols[i].right = allEnd && someStartBlank && len(rows) > 0
	}
}

// tableRows cuts rows into objects, marks the cut cells and hands the objects out.
func tableRows(name string, cols []column, rows []line, tableWidth int, colEnd []int, emit func(*Object) error) error {
	objs := make([]*Object, len(rows))
	ends := make([][]int, len(rows))
	for k, r := range rows {
		objs[k], ends[k] = tableRow(name, cols, r)
		for i, e := range ends[k] {
			if e > colEnd[i] {
				colEnd[i] = e
			}
		}
	}
	// A cell ending in "..." or "…" was cut only when it fills its column: a left-aligned cell
	// then reaches as far as the column's widest cell, the last column's as far as the table.
	for k, o := range objs {
		for i := range cols {
			p := &o.Properties[i]
			t := p.Value.Text
			var cut bool
			if cols[i].right {
				cut = strings.HasPrefix(t, "...") || strings.HasPrefix(t, "…")
			} else {
				// The column's width is known when the next column is left-aligned; before a
				// right-aligned one, a cut cell is as wide as the widest cell of the column.
				var edge int
				switch {
				case i+1 == len(cols):
					edge = tableWidth
				case !cols[i+1].right:
					edge = cols[i+1].start - 1
				default:
					edge = colEnd[i]
				}
				cut = (strings.HasSuffix(t, "...") || strings.HasSuffix(t, "…")) && ends[k][i] >= edge
			}
			switch {
			case cut:
				p.Lossy = LossyTruncatedCell
			case isTruncatedCollection(t):
				p.Lossy = LossyTruncatedCollection
			case isMasked(p.Name, t):
				p.Lossy = LossyMasked
			default:
				continue
			}
			o.Warnings = append(o.Warnings, PropertyWarning{Property: p.Name, Line: p.Line, Message: p.Lossy})
		}
		classify(o, nil)
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}

// tableRow cuts one row into its cells and returns, for each, where its text ends.
func tableRow(name string, cols []column, r line) (*Object, []int) {
	rr := []rune(r.text)
	o := &Object{File: name, Line: r.n}
	// bounds[i] is where column i's text starts; a right-aligned column starts after the last
	// blank before its dash run ends.
	bounds := make([]int, len(cols)+1)
	for i, c := range cols {
		bounds[i] = c.start
		if c.right {
			p := c.end - 1
			for p > 0 && at(rr, p-1) != ' ' {
				p--
			}
			if i == 0 || p > bounds[i-1] {
				bounds[i] = p
			}
		}
	}
	bounds[len(cols)] = len(rr)
	ends := make([]int, len(cols))
	for i, c := range cols {
		end := bounds[i+1]
		if c.right {
			end = c.end
		}
		raw := sub(rr, bounds[i], end)
		ends[i] = bounds[i] + len([]rune(strings.TrimRight(raw, " ")))
		o.Properties = append(o.Properties, Property{Name: c.name, Value: Value{Text: strings.TrimSpace(raw)}, Line: r.n})
	}
	return o, ends
}

// sub returns r[i:j] as a string, clipped to r.
func sub(r []rune, i, j int) string {
	if i < 0 {
		i = 0
	}
	if j > len(r) {
		j = len(r)
	}
	if i >= j {
		return ""
	}
	return string(r[i:j])
}

// at returns r[i], or a blank outside r.
func at(r []rune, i int) rune {
	if i < 0 || i >= len(r) {
		return ' '
	}
	return r[i]
}

// isHeaderLine reports whether t looks like a Format-Table header: two or more property names
// (letters and digits) separated by blanks.
func isHeaderLine(t string) bool {
	words := strings.Fields(t)
	if len(words) < 2 || t[0] == ' ' {
		return false
	}
	for _, w := range words {
		for i := 0; i < len(w); i++ {
			c := w[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				return false
			}
		}
	}
	return true
}

// readBareTable reads a table whose dash underline a web page ate (exchcert-4, rc-3; notes
// a.6): each column starts where its header word starts; where the rows do not line up with
// the header (the padding collapsed too), a row is cut into as many cells as the header has
// words, a {...} collection kept whole and the last column taking the rest of the line. A row
// that cannot be cut so is skipped with a warning.
func readBareTable(name string, s *lineSource, header line, file *File, emit func(*Object) error) error {
	hdr := []rune(header.text)
	var cols []column
	for i := 0; i < len(hdr); {
		if hdr[i] == ' ' {
			i++
			continue
		}
		j := i
		for j < len(hdr) && hdr[j] != ' ' {
			j++
		}
		cols = append(cols, column{name: string(hdr[i:j]), start: i, end: j})
		i = j
	}
	file.Warnings = append(file.Warnings, Warning{Line: header.n, Message: "table without its dash underline (a web copy?): columns taken from the header words"})
	var rows []line
	for {
		nx, ok := s.peek(0)
		if !ok || isBlank(nx.text) {
			break
		}
		l, _ := s.next()
		rows = append(rows, l)
	}
	aligned := true
	for _, r := range rows {
		rr := []rune(r.text)
		for _, c := range cols[1:] {
			if c.start < len(rr) && (at(rr, c.start-1) != ' ' || at(rr, c.start) == ' ') {
				aligned = false
			}
		}
	}
	tableWidth := 0
	for _, r := range rows {
		if n := len([]rune(r.text)); n > tableWidth {
			tableWidth = n
		}
	}
	for _, r := range rows {
		var cells []string
		var full []bool // the cell fills its column, so an ellipsis at its end is a cut
		if aligned {
			rr := []rune(r.text)
			for i, c := range cols {
				end, edge := len(rr), tableWidth
				if i+1 < len(cols) {
					end = cols[i+1].start
					edge = end - 1
				}
				raw := sub(rr, c.start, end)
				cells = append(cells, strings.TrimSpace(raw))
				full = append(full, c.start+len([]rune(strings.TrimRight(raw, " "))) >= edge)
			}
		} else {
			var ok bool
			if cells, ok = cutCollapsed(r.text, len(cols)); !ok {
				file.Warnings = append(file.Warnings, Warning{Line: r.n, Message: "table row skipped: without the dash underline it can be cut into columns more than one way: " + excerpt(r.text)})
				continue
			}
			for i := range cells {
				cells[i] = strings.Clone(cells[i]) // the row's text dies with the line source's release
			}
		}
		o := &Object{File: name, Line: r.n}
		for i, c := range cols {
			p := Property{Name: c.name, Value: Value{Text: cells[i]}, Line: r.n}
			if isMasked(c.name, cells[i]) {
				p.Lossy = LossyMasked
			} else if isTruncatedCollection(cells[i]) {
				p.Lossy = LossyTruncatedCollection
			} else if (strings.HasSuffix(cells[i], "...") || strings.HasSuffix(cells[i], "…")) &&
				(full != nil && full[i] || full == nil && strings.Trim(cells[i], ".") != "") {
				p.Lossy = LossyTruncatedCell
			}
			if p.Lossy != "" {
				o.Warnings = append(o.Warnings, PropertyWarning{Property: c.name, Line: r.n, Message: p.Lossy})
			}
			o.Properties = append(o.Properties, p)
		}
		classify(o, nil)
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}

// cutCollapsed cuts a row whose padding collapsed into n cells: blank-separated words, a
// {...} collection kept whole, the last cell taking the rest of the line. It fails when the
// row has fewer words than cells.
func cutCollapsed(t string, n int) ([]string, bool) {
	t = strings.TrimSpace(t)
	var cells []string
	for len(cells) < n-1 {
		t = strings.TrimLeft(t, " ")
		if t == "" {
			return nil, false
		}
		end := strings.IndexByte(t, ' ')
		if t[0] == '{' {
			if e := strings.IndexByte(t, '}'); e > 0 {
				end = e + 1
			}
		}
		if end < 0 {
			end = len(t)
		}
		cells = append(cells, t[:end])
		t = t[end:]
	}
	t = strings.TrimSpace(t)
	if t == "" {
		return nil, false
	}
	return append(cells, t), true
}
