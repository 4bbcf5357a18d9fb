package export

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// csvListLossy is the Lossy reason of a collection Export-Csv wrote as its type name.
const csvListLossy = "collection written as its type name: Export-Csv lost the items; export with Export-Clixml, or join the items in a calculated property (@{n='X';e={$_.X -join ','}})"

// csvJoinedLossy is the Lossy reason of a collection whose items hold blanks, joined with blanks.
const csvJoinedLossy = "collection joined with blanks: its items hold blanks themselves, so where one ends is lost; export with Export-Clixml"

// csvBlankFreeList reports whether k (lower case) is a collection property of the exported cmdlets whose items never hold a
// blank, comma or bar (bindings, domains, server names, IP ranges, address spaces, connection
// settings). In a remote session Export-Csv writes such a collection, deserialized, as its items
// joined by $OFS (a blank), and export scripts join them with ',' or '|' (Posh365), so the items
// come back exactly by splitting there.
func csvBlankFreeList(k string) bool {
	switch k {
	case "bindings", "certificatedomains", "remoteipranges", "addressspaces", "smarthosts",
		"connecteddomains", "sourcetransportservers", "receivingtransportservers",
		"sendingtransportservers", "clientaccessservers", "edgetransportservers", "domains",
		"features", "tlsdomaincapabilities", "externalconnectionsettings",
		"internalconnectionsettings", "sslbindings", "unencryptedortlsbindings", "dnsnamelist",
		"externalipaddresses", "connectedserversname":
		return true
	}
	return false
}

// csvBlankList reports whether k (lower case) is a collection property whose items may hold
// blanks: joined with blanks they cannot be split again.
func csvBlankList(k string) bool { return k == "wiasupporteduseragents" }

// csvField is one field of a CSV record.
type csvField struct {
	text   string
	quoted bool
	line   int
}

// csvReader splits Export-Csv text into records: fields separated by the delimiter, each either
// wrapped in double quotes (an inner quote doubled, line breaks allowed) or bare.
type csvReader struct {
	text  []byte
	pos   int
	line  int
	delim byte
}

// record reads the next record; nil at the end of the text. Blank lines are skipped.
func (r *csvReader) record() ([]csvField, int, error) {
	for r.pos < len(r.text) && (r.text[r.pos] == '\n' || r.text[r.pos] == '\r') {
		if r.text[r.pos] == '\n' {
			r.line++
		}
		r.pos++
	}
	if r.pos >= len(r.text) {
		return nil, 0, nil
	}
	start := r.line
	var fields []csvField
	for {
		f, err := r.field()
		if err != nil {
			return nil, 0, err
		}
		fields = append(fields, f)
		if r.pos >= len(r.text) {
			return fields, start, nil
		}
		switch r.text[r.pos] {
		case r.delim:
			r.pos++
		case '\r', '\n':
			if r.text[r.pos] == '\r' {
				r.pos++
			}
			if r.pos < len(r.text) && r.text[r.pos] == '\n' {
				r.pos++
			}
			r.line++
			return fields, start, nil
		}
	}
}

// field reads one field and stops at the delimiter, a line end or the end of the text.
func (r *csvReader) field() (csvField, error) {
	f := csvField{line: r.line}
	if r.pos < len(r.text) && r.text[r.pos] == '"' {
		f.quoted = true
		r.pos++
		var b strings.Builder
		for {
			i := bytes.IndexByte(r.text[r.pos:], '"')
			if i < 0 {
				return f, &ParseError{Line: f.line, Err: errors.New("a quoted field never ends (a double quote is missing)")}
			}
			chunk := r.text[r.pos : r.pos+i]
			r.line += bytes.Count(chunk, []byte{'\n'})
			b.Write(chunk)
			r.pos += i + 1
			if r.pos < len(r.text) && r.text[r.pos] == '"' {
				b.WriteByte('"')
				r.pos++
				continue
			}
			break
		}
		if r.pos < len(r.text) {
			switch c := r.text[r.pos]; {
			case c == r.delim, c == '\r', c == '\n':
			default:
				if r.line != f.line {
					return f, &ParseError{Line: f.line, Err: fmt.Errorf("text after the closing double quote of a field that runs on to line %d: a double quote is missing or extra", r.line)}
				}
				return f, &ParseError{Line: f.line, Err: fmt.Errorf("text after the closing double quote of a field: %q", c)}
			}
		}
		f.text = b.String()
		return f, nil
	}
	i := r.pos
	for i < len(r.text) && r.text[i] != r.delim && r.text[i] != '\r' && r.text[i] != '\n' {
		if r.text[i] == '"' {
			return f, &ParseError{Line: r.line, Err: errors.New("a double quote inside a field that is not quoted")}
		}
		i++
	}
	f.text = string(r.text[r.pos:i])
	r.pos = i
	return f, nil
}

// csvDelimiter tells the delimiter from the header line: the character after the first quoted
// name when PowerShell quoted it, else the most frequent of comma, semicolon and tab.
func csvDelimiter(header []byte) byte {
	if len(header) > 0 && header[0] == '"' {
		for i := 1; i < len(header); i++ {
			if header[i] != '"' {
				continue
			}
			if i+1 < len(header) && header[i+1] == '"' {
				i++
				continue
			}
			if i+1 < len(header) && header[i+1] != '\r' && header[i+1] != '\n' {
				return header[i+1]
			}
			break
		}
		return ','
	}
	best, n := byte(','), 0
	for _, d := range []byte{',', ';', '\t'} {
		if c := bytes.Count(header, []byte{d}); c > n {
			best, n = d, c
		}
	}
	return best
}

// parseCSV reads an Export-Csv file (already decoded to UTF-8): an optional "#TYPE name" line
// (Windows PowerShell 5.1 without -NoTypeInformation), a header row and one row per object. A bare
// empty field is $null; a quoted empty field is the empty string.
func parseCSV(name string, text []byte) ([]*Object, []Warning, error) {
	text = bytes.TrimPrefix(text, []byte("\uFEFF"))
	if line, ok := csvLinesFit(text); !ok {
		return nil, nil, &ParseError{Line: line, Err: fmt.Errorf("line longer than %d characters", MaxLineLength)}
	}
	r := &csvReader{text: text, line: 1}
	var typeNames []string
	// Skip blank lines, then an optional #TYPE line.
	for r.pos < len(text) && (text[r.pos] == '\n' || text[r.pos] == '\r') {
		if text[r.pos] == '\n' {
			r.line++
		}
		r.pos++
	}
	if bytes.HasPrefix(text[r.pos:], []byte("#")) {
		end := bytes.IndexByte(text[r.pos:], '\n')
		if end < 0 {
			end = len(text) - r.pos
		}
		first := strings.TrimRight(string(text[r.pos:r.pos+end]), "\r")
		if !strings.HasPrefix(first, "#TYPE ") {
			return nil, nil, &ParseError{Line: r.line, Err: fmt.Errorf("a line starting with # that is not Export-Csv's #TYPE line")}
		}
		typeNames = []string{strings.TrimSpace(strings.TrimPrefix(first, "#TYPE "))}
		r.pos += end
		if r.pos < len(text) {
			r.pos++
			r.line++
		}
	}
	hdrEnd := bytes.IndexByte(text[r.pos:], '\n')
	if hdrEnd < 0 {
		hdrEnd = len(text) - r.pos
	}
	r.delim = csvDelimiter(text[r.pos : r.pos+hdrEnd])

	header, hdrLine, err := r.record()
	if err != nil {
		return nil, nil, err
	}
	if header == nil {
		return nil, nil, &ParseError{Line: r.line, Err: errors.New("no header row")}
	}
	if len(header) > MaxProperties {
		return nil, nil, &ParseError{Line: hdrLine, Err: fmt.Errorf("header has more than %d columns", MaxProperties)}
	}
	seen := map[string]bool{}
	for _, h := range header {
		if h.text == "" {
			return nil, nil, &ParseError{Line: hdrLine, Err: errors.New("header row has an empty column name")}
		}
		k := strings.ToLower(h.text)
		if seen[k] {
			return nil, nil, &ParseError{Line: hdrLine, Err: fmt.Errorf("header row names column %q twice", h.text)}
		}
		seen[k] = true
	}

	var objs []*Object
	for {
		row, line, err := r.record()
		if err != nil {
			return nil, nil, err
		}
		if row == nil {
			break
		}
		if len(row) != len(header) {
			return nil, nil, &ParseError{Line: line, Err: fmt.Errorf("row has %d fields, the header has %d", len(row), len(header))}
		}
		o := &Object{File: name, Line: line, Properties: make([]Property, 0, len(row))}
		for i, f := range row {
			pr := Property{Name: header[i].text, Line: f.line}
			switch {
			case !f.quoted && f.text == "":
				pr.Value = Value{Null: true}
			case csvIsListTypeName(f.text):
				pr.Value = Value{Text: f.text}
				pr.Lossy = csvListLossy
				o.Warnings = append(o.Warnings, PropertyWarning{Property: pr.Name, Line: pr.Line, Message: csvListLossy})
			case csvBlankFreeList(strings.ToLower(pr.Name)):
				items := strings.FieldsFunc(f.text, func(r rune) bool { return r == ' ' || r == ',' || r == '|' })
				if items == nil {
					items = []string{}
				}
				pr.Value = Value{IsList: true, List: items}
				if len(items) > 1 {
					o.Warnings = append(o.Warnings, PropertyWarning{Property: pr.Name, Line: pr.Line,
						Message: fmt.Sprintf("read as %d items: Export-Csv joins a deserialized collection's items with blanks ($OFS), scripts often with ',' or '|'", len(items))})
				}
			case csvBlankList(strings.ToLower(pr.Name)) && strings.Contains(f.text, " "):
				pr.Value = Value{Text: f.text}
				pr.Lossy = csvJoinedLossy
				o.Warnings = append(o.Warnings, PropertyWarning{Property: pr.Name, Line: pr.Line, Message: csvJoinedLossy})
			default:
				pr.Value = Value{Text: f.text}
			}
			o.Properties = append(o.Properties, pr)
		}
		classify(o, typeNames)
		objs = append(objs, o)
	}
	if len(objs) == 0 {
		return nil, nil, &ParseError{Line: hdrLine, Err: errors.New("the file holds no objects (a header row only)")}
	}
	return objs, nil, nil
}

// csvIsListTypeName reports whether a cell holds the type name of a collection, which is what
// Export-Csv writes for a collection (ToString of the collection).
func csvIsListTypeName(s string) bool {
	if !isJSONTypeName(s) {
		return false
	}
	return strings.HasSuffix(s, "[]") || strings.Contains(s, "`") ||
		strings.Contains(s, "MultiValuedProperty") || strings.Contains(s, "Collection") ||
		strings.HasSuffix(s, "ArrayList") || strings.HasSuffix(s, "Hashtable")
}

// csvLinesFit reports the first line longer than MaxLineLength characters (ok false), the limit
// every line-oriented export has.
func csvLinesFit(text []byte) (line int, ok bool) {
	for line = 1; len(text) > 0; line++ {
		n := bytes.IndexByte(text, '\n')
		if n < 0 {
			n = len(text)
		}
		if n > MaxLineLength && utf8.RuneCount(bytes.TrimSuffix(text[:n], []byte("\r"))) > MaxLineLength {
			return line, false
		}
		if n == len(text) {
			break
		}
		text = text[n+1:]
	}
	return 0, true
}
