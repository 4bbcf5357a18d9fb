package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// detectFormat tells the format from the first bytes of the decoded text. Everything that is
// not Export-Clixml, ConvertTo-Json or Export-Csv goes to the line reader, which tells
// Format-List, Format-Table and netsh sections apart.
func detectFormat(head []byte) string {
	t := bytes.TrimLeft(head, " \t\r\n\ufeff")
	t = bytes.TrimPrefix(t, []byte("\ufeff"))
	t = bytes.TrimLeft(t, " \t\r\n")
	if len(t) == 0 {
		return FormatList
	}
	switch t[0] {
	case '<':
		return FormatClixml
	case '{':
		return FormatJSON
	case '[':
		rest := bytes.TrimLeft(t[1:], " \t\r\n")
		if len(rest) == 0 || strings.IndexByte("{[\"]-0123456789tfn", rest[0]) >= 0 {
			return FormatJSON
		}
	case '#':
		if bytes.HasPrefix(t, []byte("#TYPE ")) {
			return FormatCSV
		}
	case '"':
		line := t
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		line = bytes.TrimRight(line, "\r ")
		if len(line) >= 2 && line[len(line)-1] == '"' && (bytes.Contains(line, []byte(`","`)) || bytes.Contains(line, []byte(`";"`)) || bytes.Count(line, []byte(`"`)) == 2) {
			return FormatCSV
		}
	}
	if csvHeader(t) {
		return FormatCSV
	}
	return FormatList
}

// csvHeader reports whether the first line is an unquoted Export-Csv header (PowerShell 7's
// -UseQuotes Never or AsNeeded): two or more property names separated by commas or semicolons.
func csvHeader(t []byte) bool {
	line := t
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimRight(line, "\r ")
	for _, sep := range []byte{',', ';'} {
		fields := bytes.Split(line, []byte{sep})
		if len(fields) < 2 {
			continue
		}
		ok := true
		for _, f := range fields {
			if len(f) == 0 {
				ok = false
				break
			}
			for _, c := range f {
				if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
					ok = false
					break
				}
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// line is one line of a text export: its text without the line end and with VT colour escapes
// removed, and its 1-based number in the file.
type line struct {
	text string
	n    int
}

// repairWindow is how many leading lines decide which web-copy repairs apply to a file.
const repairWindow = 400

// lineSource reads the lines of a text export with lookahead, applying the repairs that web
// copies need (notes/powershell-exports.md a.6) once the first lines have shown them.
type lineSource struct {
	br      *bufio.Reader
	n       int    // raw lines read
	queue   []line // queue[head:] are the lines read ahead, still to come
	head    int
	eof     bool
	err     error
	decided bool
	acc     []byte

	dropParity int // drop every line whose number has this parity (-1: none)
	trimTwo    bool
	backticks  bool
	warnings   []Warning

	arena lineArena // the text of the lines read since the last release
}

// lineArena holds the text of lines in a buffer that is reused: a line's text is a string
// that points into it, valid until the line source is released. Whoever keeps text from a line
// past that point keeps a copy (the list parser's values and interned names, the table cells
// made from runes, the netsh block's builder).
type lineArena struct {
	buf   []byte // the chunk lines are added to
	spare []byte // the chunk of the lines before the last release, reused at the next
}

// arenaChunk is the largest chunk a line arena grows to for lines of ordinary length (a few
// objects' lines); its first chunk is arenaFirst, so that a small file costs little.
const (
	arenaChunk = 64 * 1024
	arenaFirst = 4 * 1024
)

// grow starts a new chunk with room for n more bytes. The full chunk is left to the strings
// made from it, never reused.
func (a *lineArena) grow(n int) {
	a.buf = make([]byte, 0, max(min(2*cap(a.buf), arenaChunk), arenaFirst, n))
}

// add copies b into the arena and returns it as a string that stays valid until release.
func (a *lineArena) add(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(b) {
		a.grow(len(b))
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return unsafe.String(&a.buf[n], len(b))
}

// addString is add for a string.
func (a *lineArena) addString(t string) string {
	if len(t) == 0 {
		return ""
	}
	if cap(a.buf)-len(a.buf) < len(t) {
		a.grow(len(t))
	}
	n := len(a.buf)
	a.buf = append(a.buf, t...)
	return unsafe.String(&a.buf[n], len(t))
}

// release ends the life of every line handed out so far: the lines still queued are copied
// to the spare chunk, and the current chunk is overwritten with 0xFF bytes (so that text kept
// by mistake shows as invalid UTF-8 in tests, never as another line's text) and becomes the
// spare. The caller must hold no line, and no string made from one, across the call.
func (s *lineSource) release() {
	old := s.arena.buf
	s.arena.buf = s.arena.spare[:0]
	s.queue = s.queue[:copy(s.queue, s.queue[s.head:])]
	s.head = 0
	for i := range s.queue {
		s.queue[i].text = s.arena.addString(s.queue[i].text)
	}
	if len(old) > 0 {
		old[0] = 0xFF
		for n := 1; n < len(old); n *= 2 {
			copy(old[n:], old[:n])
		}
	}
	s.arena.spare = old[:0]
}

func newLineSource(br *bufio.Reader) *lineSource {
	return &lineSource{br: br, dropParity: -1}
}

// rawLine reads one line as it is in the file (minus the line end and VT escapes).
func (s *lineSource) rawLine() (line, bool) {
	if s.eof || s.err != nil {
		return line{}, false
	}
	s.acc = s.acc[:0]
	for {
		b, err := s.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			s.acc = append(s.acc, b...)
			if len(s.acc) > MaxLineLength+2 && utf8.RuneCount(s.acc) > MaxLineLength+2 {
				s.err = &ParseError{Line: s.n + 1, Err: fmt.Errorf("line longer than %d characters", MaxLineLength)}
				return line{}, false
			}
			continue
		}
		if err != nil && err != io.EOF {
			var pe *ParseError
			if !errors.As(err, &pe) {
				err = &ParseError{Line: s.n + 1, Err: err}
			}
			s.err = err
			return line{}, false
		}
		var t []byte
		if len(s.acc) > 0 {
			s.acc = append(s.acc, b...)
			t = s.acc
		} else {
			t = b
		}
		if err == io.EOF {
			s.eof = true
			if len(t) == 0 {
				return line{}, false
			}
		}
		t = bytes.TrimSuffix(t, []byte{'\n'})
		t = bytes.TrimSuffix(t, []byte{'\r'})
		if len(t) > MaxLineLength && utf8.RuneCount(t) > MaxLineLength {
			s.err = &ParseError{Line: s.n + 1, Err: fmt.Errorf("line longer than %d characters", MaxLineLength)}
			return line{}, false
		}
		s.n++
		t = bytes.TrimPrefix(t, []byte("\ufeff"))
		if bytes.IndexByte(t, 0x1b) >= 0 {
			t = stripEscapes(t)
		}
		return line{text: s.arena.add(t), n: s.n}, true
	}
}

// stripEscapes removes VT escape sequences (CSI ... final byte, and two-byte ESC sequences).
func stripEscapes(t []byte) []byte {
	out := make([]byte, 0, len(t))
	for i := 0; i < len(t); i++ {
		if t[i] != 0x1b {
			out = append(out, t[i])
			continue
		}
		if i+1 < len(t) && t[i+1] == '[' {
			j := i + 2
			for j < len(t) && (t[j] < 0x40 || t[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		// A two-byte sequence: ESC and the character after it, all of its bytes.
		if i+1 < len(t) {
			_, size := utf8.DecodeRune(t[i+1:])
			i += size
		}
	}
	return out
}

// decide reads the first lines and chooses the repairs for the file.
func (s *lineSource) decide() {
	s.decided = true
	var win []line
	for len(win) < repairWindow {
		l, ok := s.rawLine()
		if !ok {
			break
		}
		win = append(win, l)
	}
	nonBlank := 0
	allTicks, allTwo := true, true
	blankAt := [2]int{}
	textAt := [2]int{}
	for _, l := range win {
		if isBlank(l.text) {
			blankAt[l.n%2]++
			continue
		}
		textAt[l.n%2]++
		nonBlank++
		t := l.text
		if !(len(t) >= 2 && t[0] == '`' && t[len(t)-1] == '`') {
			allTicks = false
		}
		if !strings.HasSuffix(t, "  ") {
			allTwo = false
		}
	}
	if nonBlank >= 3 {
		for p := 0; p < 2; p++ {
			if textAt[p] == 0 && blankAt[p] >= 3 && textAt[1-p] >= 3 {
				s.dropParity = p
				s.warnings = append(s.warnings, Warning{Line: 0, Message: "every second line is blank (a web copy?): those lines were removed"})
			}
		}
		if allTicks {
			s.backticks = true
			s.warnings = append(s.warnings, Warning{Line: 0, Message: "every line is wrapped in backticks (a web copy?): they were removed"})
		}
		if allTwo {
			s.trimTwo = true
			s.warnings = append(s.warnings, Warning{Line: 0, Message: "every line ends in two blanks (Markdown line breaks?): they were removed"})
		}
	}
	for _, l := range win {
		if l2, keep := s.repair(l); keep {
			s.queue = append(s.queue, l2)
		}
	}
}

// repair applies the chosen repairs to one line; keep is false for a line to drop.
func (s *lineSource) repair(l line) (line, bool) {
	if s.dropParity >= 0 && l.n%2 == s.dropParity {
		return l, false
	}
	if s.backticks {
		t := l.text
		if len(t) >= 2 && t[0] == '`' && t[len(t)-1] == '`' {
			l.text = t[1 : len(t)-1]
		}
	}
	if s.trimTwo {
		l.text = strings.TrimSuffix(l.text, "  ")
	}
	return l, true
}

// fill makes sure the queue holds at least k lines if the file has them.
func (s *lineSource) fill(k int) bool {
	if !s.decided {
		s.decide()
	}
	for len(s.queue)-s.head < k {
		l, ok := s.rawLine()
		if !ok {
			return false
		}
		if l2, keep := s.repair(l); keep {
			if s.head >= 64 {
				s.queue = s.queue[:copy(s.queue, s.queue[s.head:])]
				s.head = 0
			}
			s.queue = append(s.queue, l2)
		}
	}
	return true
}

// peek returns the i-th line still to come (0 is the next).
func (s *lineSource) peek(i int) (line, bool) {
	if !s.fill(i + 1) {
		return line{}, false
	}
	return s.queue[s.head+i], true
}

// next returns the next line.
func (s *lineSource) next() (line, bool) {
	if !s.fill(1) {
		return line{}, false
	}
	l := s.queue[s.head]
	if s.head++; s.head == len(s.queue) {
		s.queue, s.head = s.queue[:0], 0
	}
	return l, true
}

// isBlank reports whether a line is empty or holds only blanks and tabs.
func isBlank(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] != ' ' && t[i] != '\t' {
			return false
		}
	}
	return true
}

// isPrompt reports whether a line is a console prompt line such as
// "[PS] C:\Windows\system32>Get-ReceiveConnector | fl" or "PS C:\> Get-AdfsProperties".
func isPrompt(t string) bool {
	s := t
	if strings.HasPrefix(s, "[PS] ") {
		s = s[5:]
	} else if strings.HasPrefix(s, "PS ") {
		s = s[3:]
	}
	if len(s) < 4 || (s[0]|0x20) < 'a' || (s[0]|0x20) > 'z' || s[1] != ':' || s[2] != '\\' {
		return false
	}
	gt := strings.IndexByte(s, '>')
	return gt > 2 && !strings.Contains(s[:gt], " : ")
}

// isDashLine reports whether a line is a Format-Table underline: dash runs separated by blanks.
func isDashLine(t string) bool {
	t = strings.TrimRight(t, " ")
	if t == "" || t[0] != '-' {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != '-' && t[i] != ' ' {
			return false
		}
	}
	return true
}

// cells returns the width of s as Windows PowerShell 5.1 counts it in a file: one per UTF-16
// code unit.
func cells(s string) int {
	n := 0
	for len(s)-n >= 8 {
		w := uint64(s[n]) | uint64(s[n+1])<<8 | uint64(s[n+2])<<16 | uint64(s[n+3])<<24 |
			uint64(s[n+4])<<32 | uint64(s[n+5])<<40 | uint64(s[n+6])<<48 | uint64(s[n+7])<<56
		if w&0x8080808080808080 != 0 {
			break
		}
		n += 8
	}
	for i := n; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n += len(utf16.Encode([]rune{r}))
		i += size
	}
	return n
}

// readLines reads a text export section by section (Format-List objects, Format-Table tables,
// netsh blocks) and returns the file's format.
func readLines(name string, br *bufio.Reader, file *File, emit func(*Object) error) (string, error) {
	s := newLineSource(br)
	lp := &listParser{name: name}
	seen := map[string]bool{}
	skipped := 0
	for {
		// Every object of the last section was handed out, built from copies: its lines die.
		s.release()
		l, ok := s.next()
		if !ok {
			break
		}
		if isBlank(l.text) || isPrompt(l.text) {
			continue
		}
		if strings.TrimSpace(l.text) == "SSL Certificate bindings:" {
			if err := readNetsh(name, s, l, file, emit); err != nil {
				return "", err
			}
			seen[FormatNetsh] = true
			continue
		}
		if nx, ok := s.peek(0); ok && isDashLine(nx.text) {
			if err := readTable(name, s, l, file, emit); err != nil {
				return "", err
			}
			seen[FormatTable] = true
			continue
		}
		if nx, ok := s.peek(0); ok && !isBlank(nx.text) && isHeaderLine(l.text) {
			if _, isLabel := labelColon(nx.text); !isLabel && !isHeaderLine(nx.text) {
				if err := readBareTable(name, s, l, file, emit); err != nil {
					return "", err
				}
				seen[FormatTable] = true
				continue
			}
		}
		if _, ok := labelColon(l.text); ok {
			o, err := lp.object(s, l)
			if err != nil {
				return "", err
			}
			if err := emit(o); err != nil {
				return "", err
			}
			seen[FormatList] = true
			continue
		}
		skipped++
		if skipped <= maxSkipWarnings {
			file.Warnings = append(file.Warnings, Warning{Line: l.n, Message: "line skipped: it is neither a property, a table nor a continuation: " + excerpt(l.text)})
		}
	}
	s.release() // poisons the last lines too: nothing handed out may point to them
	if skipped > maxSkipWarnings {
		file.Warnings = append(file.Warnings, Warning{Message: fmt.Sprintf("%d more lines skipped that could not be placed either", skipped-maxSkipWarnings)})
	}
	if s.err != nil {
		return "", s.err
	}
	file.Warnings = append(s.warnings, file.Warnings...)
	switch len(seen) {
	case 0:
		return "", fmt.Errorf("format cannot be told: no Format-List, Format-Table, Export-Clixml, ConvertTo-Json, Export-Csv or netsh content found (%w)", ErrUnknownFormat)
	case 1:
		for f := range seen {
			return f, nil
		}
	}
	return FormatMixed, nil
}

// maxSkipWarnings is how many skipped lines get a warning each; the rest are counted.
const maxSkipWarnings = 100

// excerpt quotes the start of a line for a warning.
func excerpt(t string) string {
	r := []rune(t)
	if len(r) > 60 {
		return fmt.Sprintf("%q...", string(r[:60]))
	}
	return fmt.Sprintf("%q", t)
}

// readNetsh hands a "netsh http show sslcert" block to the netsh parser. The block runs from
// its "SSL Certificate bindings:" line to the first line that is neither blank, indented, nor
// the dash underline.
func readNetsh(name string, s *lineSource, first line, file *File, emit func(*Object) error) error {
	var b strings.Builder
	b.WriteString(first.text)
	b.WriteByte('\n')
	for {
		nx, ok := s.peek(0)
		if !ok {
			break
		}
		t := nx.text
		if !(isBlank(t) || t[0] == ' ' || t[0] == '\t' || isDashLine(t)) {
			break
		}
		s.next()
		b.WriteString(t)
		b.WriteByte('\n')
	}
	objs, warns, err := parseNetsh(name, []byte(b.String()), first.n)
	if err != nil {
		return err
	}
	file.Warnings = append(file.Warnings, warns...)
	for _, o := range objs {
		if err := emit(o); err != nil {
			return err
		}
	}
	return nil
}
