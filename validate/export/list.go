package export

import (
	"fmt"
	"strings"
)

// Lossy reasons set on Format-List and Format-Table properties.
const (
	LossyTruncatedCollection = "truncated collection: $FormatEnumerationLimit cut it; export with $FormatEnumerationLimit = -1 or Export-Clixml"
	LossyAmbiguousWrap       = "ambiguous wrap: the file lost the blanks at the ends of its lines, so a blank where the value was wrapped may be missing; export with Export-Clixml"
	LossyTruncatedCell       = "truncated cell: Format-Table cut the value to fit its column; export with Format-List or Export-Clixml"
	LossyMasked              = "masked value: part of it was replaced by asterisks; export the value again from the server"
	LossyTagsStripped        = "the <I> and <S> tags are missing (a web page removed them as HTML?): where the issuer ends and the subject starts is lost; export the file itself, or with Export-Clixml"
	LossyJoinedLine          = "a run of blanks as long as the continuation indent: a wrapped line may have been joined back onto the value (a web copy?); export with Export-Clixml"
)

// listParser reads Format-List objects. Its state is about the whole file: the width the
// file was wrapped at (the widest line so far), whether the file kept the blanks at the ends
// of its lines, and whether it was cut without word wrap.
type listParser struct {
	name string

	width     int // widest Format-List line so far, in cells
	widthSeen int // lines of exactly that width followed by a continuation line

	trailingBlank bool // some line ends in a blank: the file kept trailing blanks
	trimmedEmpty  bool // some "Label :" line lost the blank after its colon
	hardSplit     bool // the file was cut at the width without word wrap (non-wrapping culture)
	hardEv        int  // breaks in a trimmed file that only a cut without word wrap makes
	wordEv        int  // breaks in a trimmed file that only word wrap makes
	upper         int  // the widest the file can be, from its word-wrap breaks (0: unknown)

	lastNames []string // property names of the last object classified from scratch
	lastKind  Kind

	props  []rawProp               // the properties of the object being read (reused)
	names  map[string]internedName // interned property names, by their padded labels
	labels []internedName          // the last object's labels, by position
}

// rawProp is one property as laid out on its lines, before its value is rebuilt.
type rawProp struct {
	name       string
	line       int
	first      string // value text on the label line
	firstCells int    // cells of the whole label line
	conts      []cont
	warnings   []string
	unindented bool // a continuation line lost its indent (warned once)
}

// cont is one continuation line of a value.
type cont struct {
	text  string // the line without the continuation indent
	cells int    // cells of the whole line
	line  int
}

// labelColon returns the position of the colon of a "Label<pad> : value" line, or false.
func labelColon(t string) (int, bool) {
	if t == "" || t[0] == ' ' || t[0] == '\t' {
		return 0, false
	}
	for i := 1; i < len(t); i++ {
		if t[i] != ':' {
			continue
		}
		// t[0] is not a blank, so a colon after a blank has a label before it.
		if t[i-1] == ' ' && (i+1 == len(t) || t[i+1] == ' ') {
			return i, true
		}
		return 0, false
	}
	return 0, false
}

// labelAt reports whether t is a property line whose colon is at column col.
func labelAt(t string, col int) bool {
	if t == "" || t[0] == ' ' || t[0] == '\t' || len(t) <= col || t[col] != ':' || t[col-1] != ' ' {
		return false
	}
	// t[0] is not a blank and t[col-1] is: there is a label before the colon.
	return col+1 == len(t) || t[col+1] == ' '
}

// object reads one Format-List object starting at its first property line. The lines it reads
// are valid only until the line source is released; everything the object keeps is copied: the
// values into one string per object, the names through the parser's interned names.
func (lp *listParser) object(s *lineSource, first line) (*Object, error) {
	col, _ := labelColon(first.text)
	indent := col + 2
	o := &Object{File: lp.name, Line: first.n}
	props := lp.props[:0]
	props = lp.newProp(props, col, first)
	maxCells := props[0].firstCells
	size := len(props[0].first) // an upper bound of the bytes of all values
	for {
		nx, ok := s.peek(0)
		if !ok {
			break
		}
		t := nx.text
		cur := &props[len(props)-1]
		if isBlank(t) {
			// A value that ends in a line break leaves a last line of only the indent (or an
			// empty line where the blanks were trimmed) before the next property of the same
			// object; the next object starts again with a label this object already has.
			// PowerShell separates objects with empty lines; a line of exactly the indent is
			// always a line of a value.
			if l2, ok := s.peek(1); isPad(t, indent) || ok && labelAt(l2.text, col) && t == "" && lp.trimmed() && !hasLabel(props, strings.TrimRight(l2.text[:col-1], " ")) {
				l, _ := s.next()
				maxCells = lp.addCont(cur, l, "", maxCells)
				size++
				continue
			}
			// A blank line inside a multi-line value is followed by another continuation line.
			j := 1
			for ; j < 8; j++ {
				l2, ok := s.peek(j)
				if !ok || !isBlank(l2.text) {
					break
				}
			}
			l2, ok := s.peek(j)
			if !ok || !hasIndent(l2.text, indent) || isBlank(l2.text) {
				break
			}
			for k := 0; k < j; k++ {
				l, _ := s.next()
				text := ""
				if len(l.text) > indent {
					text = l.text[indent:]
				}
				maxCells = lp.addCont(cur, l, text, maxCells)
				size += len(text) + 1
			}
			continue
		}
		l, _ := s.next()
		switch {
		case labelAt(t, col):
			if len(props) >= MaxProperties {
				lp.props = props
				return nil, &ParseError{Line: l.n, Err: fmt.Errorf("object has more than %d properties", MaxProperties)}
			}
			props = lp.newProp(props, col, l)
			p := &props[len(props)-1]
			if p.firstCells > maxCells {
				maxCells = p.firstCells
			}
			size += len(p.first)
		case hasIndent(t, indent):
			maxCells = lp.addCont(cur, l, t[indent:], maxCells)
			size += len(t) - indent + 1
		default:
			// A continuation line that lost (part of) its indent (web copies, a.6).
			text := strings.TrimLeft(t, " \t")
			maxCells = lp.addCont(cur, l, text, maxCells)
			size += len(text) + 1
			cur.conts[len(cur.conts)-1].cells = indent + cells(text)
			if !cur.unindented {
				cur.unindented = true
				cur.warnings = append(cur.warnings, fmt.Sprintf("line %d: continuation line without its indent of %d blanks (a web copy?): joined to the value", l.n, indent))
			}
		}
	}
	lp.props = props
	if maxCells > lp.width {
		lp.width, lp.widthSeen = maxCells, 0
	}
	o.Properties = make([]Property, len(props))
	for i := range props {
		p := &props[i]
		if p.firstCells == lp.width && len(p.conts) > 0 {
			lp.widthSeen++
		}
		for j, c := range p.conts {
			if c.cells == lp.width && j+1 < len(p.conts) {
				lp.widthSeen++
			}
		}
	}
	lp.evidence(props, indent)
	var values strings.Builder
	values.Grow(size)
	for i := range props {
		p := &props[i]
		warns := lp.rebuild(p, indent, &values, &o.Properties[i])
		for _, w := range warns {
			o.Warnings = append(o.Warnings, PropertyWarning{Property: p.name, Line: p.line, Message: w})
		}
	}
	// Objects of one pipeline share one property list: their kind is told once.
	if k, ok := lp.kindCache(o); ok {
		classifyAs(o, k)
	} else {
		classify(o, nil)
		lp.lastNames = lp.lastNames[:0]
		for i := range o.Properties {
			lp.lastNames = append(lp.lastNames, o.Properties[i].Name)
		}
		lp.lastKind = o.Kind
	}
	return o, nil
}

// newProp appends the property that starts on line l, whose colon is at col, reusing the
// slots (and continuation slices) of earlier objects.
func (lp *listParser) newProp(props []rawProp, col int, l line) []rawProp {
	if len(props) < cap(props) {
		props = props[:len(props)+1]
	} else {
		props = append(props, rawProp{})
	}
	p := &props[len(props)-1]
	// Field by field, not a struct assignment: the slot is reused, and a whole-struct copy
	// costs a bulk write barrier while the GC runs.
	p.name, p.line, p.firstCells = lp.intern(len(props)-1, l.text[:col-1]), l.n, cells(l.text)
	p.first, p.conts, p.warnings, p.unindented = "", p.conts[:0], nil, false
	if len(l.text) > col+2 {
		p.first = l.text[col+2:]
	}
	if strings.HasSuffix(l.text, " ") {
		lp.trailingBlank = true
	} else if len(l.text) == col+1 {
		lp.trimmedEmpty = true
	}
	return props
}

// addCont adds line l, whose value text is text, to p's continuation lines and returns the
// widest line so far.
func (lp *listParser) addCont(p *rawProp, l line, text string, maxCells int) int {
	c := cont{text: text, cells: cells(l.text), line: l.n}
	if strings.HasSuffix(l.text, " ") {
		lp.trailingBlank = true
	}
	p.conts = append(p.conts, c)
	return max(maxCells, c.cells)
}

// maxInterned bounds the property names a parser keeps: a hostile file of endless distinct
// labels must not grow it without end.
const maxInterned = 4096

// intern returns the property name of a label padded with blanks, the i-th of its object, as
// a string of its own, the same one for every object of the file: the ~60 labels of an object
// repeat, padded alike and in the same order, in every object, and the label itself lies in a
// line buffer that is reused. The label the last object had at i is tried first, then the map.
func (lp *listParser) intern(i int, padded string) string {
	if i < len(lp.labels) && lp.labels[i].label == padded {
		return lp.labels[i].name
	}
	e, ok := lp.names[padded]
	if !ok {
		e = internedName{label: strings.Clone(padded), name: strings.Clone(strings.TrimRight(padded, " "))}
		if lp.names == nil {
			lp.names = make(map[string]internedName, 64)
		}
		if len(lp.names) < maxInterned {
			lp.names[e.label] = e
		}
	}
	if i < len(lp.labels) {
		lp.labels[i] = e
	} else if i == len(lp.labels) {
		lp.labels = append(lp.labels, e)
	}
	return e.name
}

// internedName is a property name and the padded label it was read from.
type internedName struct {
	label, name string
}

// isPad reports whether t is exactly n blanks: the last line of a value that ends in a line break.
func isPad(t string, n int) bool {
	return len(t) == n && hasIndent(t, n)
}

// hasIndent reports whether t starts with n blanks.
func hasIndent(t string, n int) bool {
	if len(t) < n {
		return false
	}
	for i := 0; i < n; i++ {
		if t[i] != ' ' {
			return false
		}
	}
	return true
}

// kindCache returns the kind of the previous object when o has the same property names.
func (lp *listParser) kindCache(o *Object) (Kind, bool) {
	if len(lp.lastNames) == 0 || len(lp.lastNames) != len(o.Properties) {
		return "", false
	}
	for i := range o.Properties {
		if o.Properties[i].Name != lp.lastNames[i] {
			return "", false
		}
	}
	return lp.lastKind, true
}

// rebuild joins a property's lines into its value (notes/powershell-exports.md a.3), written
// onto the object's values: the value is a string of values, which only grows.
func (lp *listParser) rebuild(p *rawProp, indent int, values *strings.Builder, prop *Property) []string {
	prop.Name, prop.Line = p.name, p.line
	warns := p.warnings
	start := values.Len()
	values.WriteString(p.first)
	ambiguous, inserted, newline := false, false, false
	if len(p.conts) > 0 {
		prevText, prevCells := p.first, p.firstCells
		for i, c := range p.conts {
			sep, amb := lp.join(prevText, prevCells, c.text, c.cells, i == len(p.conts)-1, indent, i == 0)
			if amb {
				ambiguous = true
			}
			switch {
			case sep == " ":
				inserted = true
			case sep == "\n" && prevText != "" && c.text != "":
				newline = true
			}
			values.WriteString(sep)
			values.WriteString(c.text)
			prevText, prevCells = c.text, c.cells
		}
	}
	v := values.String()[start:]
	if lp.trimmed() && (inserted || newline) && hasInnerBlankRun(v) {
		// Where the file lost its trailing blanks, a value that holds runs of blanks may
		// have lost a run, not one blank: a re-inserted blank, or a line break read from
		// the width a next word needed, cannot be proven.
		ambiguous = true
	}
	if strings.IndexByte(v, '[') >= 0 && strings.Contains(v, "[http") {
		if r, ok := unlink(v); ok {
			v = r
			warns = append(warns, "link brackets around a URL removed (a web copy?)")
		}
	}
	prop.Value.Text = v // prop is new: the rest of its value is already zero
	switch {
	case ambiguous:
		prop.Lossy = LossyAmbiguousWrap
	case isTruncatedCollection(v):
		prop.Lossy = LossyTruncatedCollection
	case isMasked(p.name, v):
		prop.Lossy = LossyMasked
	case indent >= 4 && strings.Contains(v, "    ") && hasBlankRun(v, indent):
		prop.Lossy = LossyJoinedLine
	case strings.EqualFold(p.name, "TlsCertificateName") && v != "" && !strings.Contains(v, "<I>") && !strings.Contains(v, "<S>"):
		prop.Lossy = LossyTagsStripped
	}
	if prop.Lossy != "" {
		warns = append(warns, prop.Lossy)
	}
	return warns
}

// unlink removes the brackets a web page put around a URL: "[http://x/]" becomes "http://x/"
// when the brackets hold one http:// or https:// URL and nothing else.
func unlink(v string) (string, bool) {
	var b strings.Builder
	changed := false
	for {
		i := strings.Index(v, "[http")
		if i < 0 {
			break
		}
		rest := v[i+1:]
		end := strings.IndexByte(rest, ']')
		url := ""
		if end > 0 {
			url = rest[:end]
		}
		if (strings.HasPrefix(url, "http://") || strings.HasPrefix(url, "https://")) && !strings.ContainsAny(url, " \t[") {
			b.WriteString(v[:i])
			b.WriteString(url)
			v = rest[end+1:]
			changed = true
			continue
		}
		b.WriteString(v[:i+1])
		v = rest
	}
	b.WriteString(v)
	return b.String(), changed
}

// isTruncatedCollection reports whether v is a collection cut at $FormatEnumerationLimit.
func isTruncatedCollection(v string) bool {
	return strings.HasPrefix(v, "{") && (strings.HasSuffix(v, "...}") || strings.HasSuffix(v, "…}"))
}

// isMasked reports whether a thumbprint or hash value was partly replaced by asterisks.
func isMasked(name, v string) bool {
	if !strings.Contains(v, "**") {
		return false
	}
	n := strings.ToLower(name)
	return strings.Contains(n, "thumbprint") || strings.Contains(n, "hash")
}

// join decides what stood between two lines of one value: "" where the value was wrapped,
// " " where it was wrapped after a blank the file has lost, "\n" where the value itself had a
// line break. ambiguous is true where the file cannot say.
func (lp *listParser) join(prev string, prevCells int, next string, nextCells int, nextIsLast bool, indent int, prevIsFirst bool) (sep string, ambiguous bool) {
	w := lp.width
	fcc := w - indent
	if next == "" || prev == "" {
		// Wrapping never makes an empty line: the value has an empty line here.
		return "\n", false
	}
	full := lp.isFull(prev, prevCells, next)
	if !lp.trimmed() {
		switch {
		case strings.HasSuffix(prev, " ") && !lp.hardSplit && cells(prev)+cells(firstWord(next)) <= fcc:
			// Word wrap would have put the next word on this line: the value has a line
			// break after a blank here.
			return "\n", false
		case strings.HasSuffix(prev, " "):
			return "", false
		case !full && prevCells >= w:
			// The widest line, cut before a blank without word wrap, or a line of a multi-line
			// value followed by one that starts with blanks: the file cannot say which.
			return "\n", true
		case full:
			if lp.spanning(prev, next, prevIsFirst) < fcc {
				// Word wrap never breaks a word shorter than the field: the file was cut without it.
				lp.hardSplit = true
			}
			return "", false
		}
		return "\n", false
	}
	hard := lp.hardMode()
	if !full && prevCells >= w {
		// As above: a cut before a blank, or a multi-line value; the file cannot say.
		return "\n", true
	}
	if full {
		// pinned: a break elsewhere shows the file's width is this line's, so the line was cut
		// at the width (a word wider than the field, or no word wrap).
		pinned := lp.upper == w
		long := lp.spanning(prev, next, prevIsFirst) >= fcc
		switch {
		case hard || pinned:
			return "", false
		case long && isBase64(prev) && isBase64(next):
			// A key or hash (Base64 or hex, which never hold blanks) cut at the width.
			return "", false
		case long:
			// A word wider than the field cut at this width, or a word break at a wider one.
			return "", true
		case lp.wordEv > 0:
			// Too short a word for word wrap to cut: the file is wider than its lines show, and
			// the broken line lost its blank.
			return " ", false
		}
		// Either cut without word wrap at this width, or word-wrapped at a wider one.
		return " ", true
	}
	if hard {
		// Cut after blanks the file lost, or a line break of the value: the file cannot say.
		if prevCells == w-1 {
			return " ", true
		}
		return "\n", true
	}
	// Word wrap: had the next word fitted on the previous line, it would be there.
	if lp.fits(prev, next, nextCells, nextIsLast, fcc) {
		return "\n", false
	}
	return " ", false
}

// hardMode reports whether the file was cut without word wrap: proven by a line that kept its
// trailing blanks, or, in a trimmed file, by at least three lines at the width cut inside a short
// word and clearly more of those than of breaks only word wrap makes (a trimmed word-wrapped
// file may show no line at its real width, and then several lines can share a smaller one).
func (lp *listParser) hardMode() bool {
	return lp.hardSplit || lp.hardEv >= 3 && lp.hardEv > 2*lp.wordEv
}

// trimmed reports whether the file lost the blanks at the ends of its lines.
func (lp *listParser) trimmed() bool { return lp.trimmedEmpty || !lp.trailingBlank }

// isFull reports whether prev reaches the file's width (as far as the file shows it).
func (lp *listParser) isFull(prev string, prevCells int, next string) bool {
	if prevCells < lp.width {
		return false
	}
	// Word wrap starts a line with a blank only after a word exactly a field wide; a line that
	// starts with blanks after one that holds several words is a new line of a multi-line
	// value (the widest line of the file need not be a wrapped one).
	return lp.hardMode() || !strings.HasPrefix(next, " ") || !strings.Contains(prev, " ")
}

// fits reports whether the first word of next would have fitted after prev (and the blank
// that ended prev) in a field fcc wide: then word wrap would have put it there.
func (lp *listParser) fits(prev, next string, nextCells int, nextIsLast bool, fcc int) bool {
	if strings.IndexByte(next, ' ') < 0 && !nextIsLast && nextCells >= lp.width {
		return false // the word runs on into the line after
	}
	return cells(prev)+1+trimmedWordCells(next, nextIsLast) <= fcc
}

// trimmedWordCells is the width word wrap gave the first word of next in a file that lost its
// trailing blanks: with its blank, which a line that is all one word (and not the last) lost.
func trimmedWordCells(next string, nextIsLast bool) int {
	if i := strings.IndexByte(next, ' '); i >= 0 {
		return cells(next[:i+1])
	}
	if nextIsLast {
		return cells(next)
	}
	return cells(next) + 1
}

// firstWord returns the first word of s with the blank that ends it.
func firstWord(s string) string {
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i+1]
	}
	return s
}

// evidence counts, in a file that lost its trailing blanks, the breaks that only word wrap
// makes (a line well short of the width, broken before a word that did not fit) and those
// only a hard cut makes (a line at the width cut inside a short word). The majority decides
// how the file was written where a line alone cannot say.
func (lp *listParser) evidence(props []rawProp, indent int) {
	if lp.hardSplit {
		return
	}
	w := lp.width
	fcc := w - indent
	if !lp.trimmed() {
		// A file that kept its trailing blanks proves a cut without word wrap by one line at
		// the width that ends inside a word too short for word wrap to cut.
		for i := range props {
			p := &props[i]
			prev, prevCells := p.first, p.firstCells
			for k, c := range p.conts {
				if prevCells >= w && prev != "" && c.text != "" && !strings.HasSuffix(prev, " ") && c.text[0] != ' ' &&
					lp.spanning(prev, c.text, k == 0) < fcc {
					lp.hardSplit = true
					return
				}
				prev, prevCells = c.text, c.cells
			}
		}
		return
	}
	for i := range props {
		p := &props[i]
		prev, prevCells := p.first, p.firstCells
		for k, c := range p.conts {
			if prev != "" && c.text != "" && c.text[0] != ' ' && !strings.HasSuffix(prev, " ") {
				switch {
				case lp.isFull(prev, prevCells, c.text):
					if lp.spanning(prev, c.text, k == 0) < fcc {
						lp.hardEv++
					}
				case !lp.fits(prev, c.text, c.cells, k == len(p.conts)-1, fcc):
					if prevCells <= w-2 {
						lp.wordEv++
					}
					// Had the next word fitted, word wrap would have kept it on this line: the
					// width is at most this line, its lost blank and that word.
					if b := indent + cells(prev) + trimmedWordCells(c.text, k == len(p.conts)-1); lp.upper == 0 || b < lp.upper {
						lp.upper = b
					}
				}
			}
			prev, prevCells = c.text, c.cells
		}
	}
}

// spanning returns the length of the word that runs across the break between prev and next.
func (lp *listParser) spanning(prev, next string, prevIsFirst bool) int {
	tail := prev
	if i := strings.LastIndexByte(prev, ' '); i >= 0 {
		tail = prev[i+1:]
	} else if !prevIsFirst {
		return 1 << 30 // the word began on an earlier line: it is at least a field wide
	}
	head := next
	if i := strings.IndexByte(next, ' '); i >= 0 {
		head = next[:i]
	}
	return cells(tail) + cells(head)
}

// hasLabel reports whether props already hold a property of that name.
func hasLabel(props []rawProp, name string) bool {
	for _, p := range props {
		if strings.EqualFold(p.name, name) {
			return true
		}
	}
	return false
}

// isBase64 reports whether s is non-empty and only Base64 (or hex) characters.
func isBase64(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// hasBlankRun reports whether v holds n blanks in a row.
func hasBlankRun(v string, n int) bool {
	run := 0
	for i := 0; i < len(v); i++ {
		if v[i] != ' ' {
			run = 0
			continue
		}
		if run++; run >= n {
			return true
		}
	}
	return false
}

// hasInnerBlankRun reports whether v holds two blanks in a row after other text on a line (an
// indent at the start of a line does not count).
func hasInnerBlankRun(v string) bool {
	for i := 1; i+1 < len(v); i++ {
		if v[i] == ' ' && v[i+1] == ' ' && v[i-1] != ' ' && v[i-1] != '\n' {
			return true
		}
	}
	return false
}
