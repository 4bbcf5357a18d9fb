package export

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on what an export may hold. A file over a limit is refused.
const (
	// MaxStructuredSize is the largest Export-Clixml or ConvertTo-Json file read (it is read whole).
	MaxStructuredSize = 128 << 20
	// MaxLineLength is the longest line, in characters, of a text export.
	MaxLineLength = 256 * 1024
	// MaxProperties is the most properties one object may have.
	MaxProperties = 10000
	// MaxDepth is the deepest nesting of a structured export.
	MaxDepth = 100
)

// The format names File.Format takes.
const (
	FormatList   = "Format-List"
	FormatTable  = "Format-Table"
	FormatClixml = "Export-Clixml"
	FormatJSON   = "ConvertTo-Json"
	FormatCSV    = "Export-Csv"
	FormatNetsh  = "netsh"
	FormatMixed  = "Mixed"
)

// ParseError is a problem at one line of an export. Its message carries no file name: the
// command that reports it adds one.
type ParseError struct {
	Line int
	Err  error
}

// Error returns "line N: what is wrong".
func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// ReadFile reads one export file. Its error names the file once ("PATH: line N: ...").
func ReadFile(path string) (*File, error) {
	var objs []*Object
	file, err := StreamFile(path, func(o *Object) error { objs = append(objs, o); return nil })
	if err != nil {
		return nil, err
	}
	file.Objects = objs
	return file, nil
}

// Read reads one export from r; name is recorded as the objects' file. Its error does not name
// the file.
func Read(name string, r io.Reader) (*File, error) {
	var objs []*Object
	file, err := read(name, r, -1, func(o *Object) error { objs = append(objs, o); return nil })
	if err != nil {
		return nil, err
	}
	file.Objects = objs
	return file, nil
}

// StreamFile reads one export file like ReadFile, but hands each object to fn as soon as it is
// complete instead of keeping it, so that a text export of any size is read in bounded memory
// (Export-Clixml and ConvertTo-Json files are parsed whole first). The File it returns has no
// Objects. An error from fn stops the reading and is returned.
func StreamFile(path string, fn func(*Object) error) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", path)
	}
	file, err := read(path, f, st.Size(), fn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return file, nil
}

// Stream is StreamFile for a reader; its error does not name the file.
func Stream(name string, r io.Reader, fn func(*Object) error) (*File, error) {
	return read(name, r, -1, fn)
}

// read detects the encoding and the format and parses, handing every object to fn. size is the
// raw size when known, else -1.
func read(name string, r io.Reader, size int64, fn func(*Object) error) (*File, error) {
	counter := &countingReader{r: r}
	tr, err := newTextReader(counter)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(tr, 64*1024)
	head, err := br.Peek(16 * 1024)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	file := &File{Name: name}
	n, valued := 0, 0
	emit := func(o *Object) error {
		if o.File == "" {
			o.File = name
		}
		n++
		if hasValue(o) {
			valued++
		}
		return fn(o)
	}
	format := detectFormat(head)
	var objs []*Object
	var warns []Warning
	switch format {
	case FormatClixml, FormatJSON:
		if size > MaxStructuredSize {
			return nil, fmt.Errorf("%s file of %d bytes is over the %d MiB limit", format, size, MaxStructuredSize>>20)
		}
		counter.limit = MaxStructuredSize
		text, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		if format == FormatClixml {
			objs, warns, err = parseCLIXML(name, text)
		} else {
			objs, warns, err = parseJSON(name, text)
		}
		if err != nil {
			return nil, err
		}
	case FormatCSV:
		text, err := io.ReadAll(&lineLimitReader{r: br})
		if err != nil {
			return nil, err
		}
		objs, warns, err = parseCSV(name, text)
		if err != nil {
			return nil, err
		}
	default:
		format, err = readLines(name, br, file, emit)
		if err != nil {
			return nil, err
		}
	}
	for _, o := range objs {
		if err := emit(o); err != nil {
			return nil, err
		}
	}
	file.Encoding = tr.Encoding()
	file.Format = format
	file.Warnings = append(file.Warnings, warns...)
	if n == 0 {
		return nil, fmt.Errorf("no property found: %w", ErrUnknownFormat)
	}
	if valued == 0 {
		// Labels without a single value (a copy that lost its right half, a template): nothing in it
		// can be checked, and a run on it must not pass as if the configuration were clean.
		return nil, fmt.Errorf("no property has a value: %w", ErrUnknownFormat)
	}
	return file, nil
}

// hasValue reports whether any property of o has a value (not null, not empty).
func hasValue(o *Object) bool {
	for _, p := range o.Properties {
		if !p.Value.Null && (p.Value.Text != "" || len(p.Value.List) > 0) {
			return true
		}
	}
	return false
}

// countingReader counts raw bytes and refuses more than limit once a limit is set.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.limit > 0 && c.n > c.limit {
		return n, fmt.Errorf("file is over the %d MiB limit for Export-Clixml and ConvertTo-Json", c.limit>>20)
	}
	return n, err
}

// lineLimitReader stops the read-whole Export-Csv path at the first line longer than
// MaxLineLength characters, so that one endless line is refused once it passes the limit rather
// than after the whole file is in memory.
type lineLimitReader struct {
	r     io.Reader
	line  int // lines completed
	chars int // characters of the current line so far (UTF-8 lead bytes; CR not counted)
}

func (l *lineLimitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for _, c := range p[:n] {
		switch {
		case c == '\n':
			l.line++
			l.chars = 0
		case c&0xC0 != 0x80 && c != '\r':
			if l.chars++; l.chars > MaxLineLength {
				return n, &ParseError{Line: l.line + 1, Err: fmt.Errorf("line longer than %d characters", MaxLineLength)}
			}
		}
	}
	return n, err
}
