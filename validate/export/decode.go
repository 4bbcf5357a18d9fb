package export

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// The encoding names File.Encoding takes.
const (
	EncUTF16LEBOM  = "UTF-16LE-BOM"
	EncUTF16BEBOM  = "UTF-16BE-BOM"
	EncUTF16LE     = "UTF-16LE"
	EncUTF16BE     = "UTF-16BE"
	EncUTF8BOM     = "UTF-8-BOM"
	EncUTF8        = "UTF-8"
	EncWindows1252 = "Windows-1252"
)

// sniffSize is how many leading bytes the encoding detection looks at.
const sniffSize = 4096

// textReader yields a file's text as UTF-8, whatever encoding the file is in, and refuses
// files whose encoding cannot be told or changes part-way.
type textReader interface {
	io.Reader
	// Encoding names the encoding found; for 8-bit text it is final only at the end of the file.
	Encoding() string
}

// newTextReader detects the encoding of raw (from a BOM, else from the pattern of NUL bytes,
// else UTF-8, falling back to Windows-1252 for 8-bit text that is not UTF-8) and returns a
// reader of the text as UTF-8. Line ends are kept as they are in the file.
func newTextReader(raw io.Reader) (textReader, error) {
	br := bufio.NewReaderSize(raw, 64*1024)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		return &eightBitReader{r: br, enc: EncUTF8BOM, mode: modeUTF8}, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		br.Discard(2)
		return newUTF16Reader(br, false, EncUTF16LEBOM), nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		br.Discard(2)
		return newUTF16Reader(br, true, EncUTF16BEBOM), nil
	}
	if len(head) >= 2 {
		var even, odd int
		n := len(head) &^ 1
		for i := 0; i < n; i += 2 {
			if head[i] == 0 {
				even++
			}
			if head[i+1] == 0 {
				odd++
			}
		}
		units := n / 2
		first := bytes.IndexByte(head, 0)
		switch {
		case odd > 0 && odd*2 >= units && even*16 < odd:
			if err := utf16After8Bit(head, first-1); err != nil {
				return nil, err
			}
			return newUTF16Reader(br, false, EncUTF16LE), nil
		case even > 0 && even*2 >= units && odd*16 < even:
			if err := utf16After8Bit(head, first); err != nil {
				return nil, err
			}
			return newUTF16Reader(br, true, EncUTF16BE), nil
		case even+odd > 0:
			if first >= 16 && len(head)-first >= 16 && utf16Pattern(head[first-1:]) {
				return nil, errUTF16After8Bit(head[:first-1])
			}
			if (even+odd)*64 < n {
				// A stray NUL in 8-bit text: the 8-bit reader names its line.
				return &eightBitReader{r: br, enc: EncUTF8, mode: modeUndecided}, nil
			}
			return nil, fmt.Errorf("encoding cannot be told: NUL bytes that follow no UTF-16 pattern, binary file? (%w)", ErrUnknownFormat)
		}
	}
	return &eightBitReader{r: br, enc: EncUTF8, mode: modeUndecided}, nil
}

// utf16After8Bit returns an error when text the sniff took for BOM-less UTF-16 starts with 8-bit
// text: a UTF-8 or Windows-1252 file onto which UTF-16 text was appended, longer than the 8-bit
// part. start is where the UTF-16 text starts (at the first NUL byte, or the byte before it).
// The test is the one the UTF-16 reader applies to the units it reads (printable8Run), run on the
// units before start: without it the reader would call the 8-bit text at the start of the file
// "8-bit text inside UTF-16 text", the wrong way round.
func utf16After8Bit(head []byte, start int) error {
	if start < 0 || start > len(head) {
		return nil
	}
	var run printable8Run
	for i := 0; i+1 < start; i += 2 {
		if !run.add(head[i], head[i+1]) {
			return nil // a unit that is not two 8-bit characters: UTF-16 from the start
		}
		if run.eightBit() {
			return errUTF16After8Bit(head[:start])
		}
	}
	return nil
}

// errUTF16After8Bit is the error for UTF-16 text that follows the 8-bit text prefix: it names the
// line the UTF-16 text starts on.
func errUTF16After8Bit(prefix []byte) error {
	return &ParseError{Line: bytes.Count(prefix, []byte{'\n'}) + 1, Err: errors.New("encoding changes part-way: UTF-16 text after 8-bit text (appended with >>?)")}
}

// printable8Run follows a run of UTF-16 code units whose two bytes are both printable ASCII
// (or line-end) bytes: sixteen of them in a row, blanks among them, are 8-bit text, since CJK
// and kana code units do not hold 0x20 bytes.
type printable8Run struct {
	units  int // units in the run
	blanks int // of those, units holding a 0x20 byte
}

// add adds the unit of bytes a and b; it resets the run and returns false when the unit is not
// two printable bytes.
func (r *printable8Run) add(a, b byte) bool {
	if !printable8(a) || !printable8(b) {
		r.units, r.blanks = 0, 0
		return false
	}
	r.units++
	if a == ' ' || b == ' ' {
		r.blanks++
	}
	return true
}

// eightBit reports whether the run is long enough to be 8-bit text.
func (r *printable8Run) eightBit() bool { return r.units >= 16 && r.blanks >= 2 }

// eightBitReader checks 8-bit text: UTF-8, or Windows-1252 when the first non-ASCII byte does
// not start a valid UTF-8 sequence. A NUL byte, invalid UTF-8 after UTF-8 text, or UTF-8 after
// Windows-1252 text is an error.
type eightBitReader struct {
	r       io.Reader
	enc     string
	mode    int
	carry   []byte // an incomplete UTF-8 sequence at the end of the last chunk
	buf     []byte // where a read too small for the caller's buffer goes
	pending []byte // converted output not yet returned
	conv    []byte // the last chunk of Windows-1252 text, converted
	pendBuf []byte // pending's storage, reused
	// carryBuf is carry's storage, reused: carry is copied out before the next one is kept.
	carryBuf []byte
	eof      bool
	lines    int // line ends in the chunks checked so far
}

const (
	modeUndecided = iota
	modeUTF8
	mode1252
)

// Encoding names the encoding found so far: UTF-8 (or UTF-8-BOM) until a byte proves Windows-1252.
func (e *eightBitReader) Encoding() string { return e.enc }

// Read hands out the checked text as UTF-8.
func (e *eightBitReader) Read(p []byte) (int, error) {
	for {
		if len(e.pending) > 0 {
			n := copy(p, e.pending)
			e.pending = e.pending[n:]
			return n, nil
		}
		if e.eof {
			if len(e.carry) > 0 {
				c := e.carry
				e.carry = nil
				if e.mode == modeUTF8 {
					return 0, errors.New("text ends inside a UTF-8 sequence")
				}
				// Undecided or Windows-1252: the bytes are Windows-1252.
				e.mode, e.enc = mode1252, EncWindows1252
				e.pending = appendCP1252(nil, c)
				continue
			}
			return 0, io.EOF
		}
		// The bytes are read and checked in p itself unless p is too small to take a carried
		// sequence and more; only Windows-1252 text is converted elsewhere.
		buf := p
		if len(p) < 64 {
			if cap(e.buf) == 0 {
				e.buf = make([]byte, 4096)
			}
			buf = e.buf[:cap(e.buf)]
		}
		chunk := buf[:copy(buf, e.carry)]
		e.carry = nil
		n, err := e.r.Read(buf[len(chunk):])
		chunk = buf[:len(chunk)+n]
		if err == io.EOF {
			e.eof = true
		} else if err != nil {
			return 0, err
		}
		out, err := e.check(chunk)
		if err != nil {
			return 0, err
		}
		if len(out) == 0 {
			continue
		}
		// out is a prefix of p, a prefix of e.buf or converted text: hand it out before the
		// next read.
		if len(p) > 0 && &out[0] == &p[0] {
			return len(out), nil
		}
		n = copy(p, out)
		if n < len(out) {
			e.pendBuf = append(e.pendBuf[:0], out[n:]...)
			e.pending = e.pendBuf
		}
		return n, nil
	}
}

// check validates one chunk and returns the UTF-8 text to hand out. An incomplete UTF-8
// sequence at the end is kept in e.carry for the next chunk.
func (e *eightBitReader) check(b []byte) ([]byte, error) {
	i := 0
	for i < len(b) {
		if n := asciiPrefix(b[i:]); n > 0 {
			i += n
			continue
		}
		c := b[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return nil, e.errAt(b, i, errors.New("NUL byte in 8-bit text (UTF-16 text appended to it?)"))
			}
			i++
			continue
		}
		if e.mode == mode1252 {
			// Windows-1252 text must not hold UTF-8 sequences of a later append.
			if r, size := utf8.DecodeRune(b[i:]); r != utf8.RuneError && size > 1 {
				return nil, e.errAt(b, i, errors.New("encoding changes part-way: UTF-8 text after Windows-1252 text"))
			}
			i++
			continue
		}
		if !utf8.FullRune(b[i:]) && !e.eof {
			e.carryBuf = append(e.carryBuf[:0], b[i:]...)
			e.carry = e.carryBuf
			b = b[:i]
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			if e.mode == modeUTF8 {
				return nil, e.errAt(b, i, fmt.Errorf("encoding changes part-way: byte 0x%02X is not UTF-8 after UTF-8 text", b[i]))
			}
			e.mode, e.enc = mode1252, EncWindows1252
			continue
		}
		e.mode = modeUTF8
		i += size
	}
	e.lines += bytes.Count(b, []byte{'\n'})
	if e.mode == mode1252 {
		e.conv = appendCP1252(e.conv[:0], b)
		return e.conv, nil
	}
	return b, nil
}

// errAt places err on its line: the lines of earlier chunks and those of b before i.
func (e *eightBitReader) errAt(b []byte, i int, err error) error {
	return &ParseError{Line: e.lines + bytes.Count(b[:i], []byte{'\n'}) + 1, Err: err}
}

// appendCP1252 appends the Windows-1252 bytes b as UTF-8.
func appendCP1252(dst, b []byte) []byte {
	for _, c := range b {
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			continue
		}
		r := rune(c)
		if c < 0xA0 {
			r = cp1252[c-0x80]
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// cp1252 maps the Windows-1252 bytes 0x80 to 0x9F to Unicode (the bytes from 0xA0 are
// U+00A0 to U+00FF); the five bytes the code page leaves undefined become U+FFFD.
var cp1252 = [32]rune{
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
}

// utf16Reader decodes UTF-16 (little- or big-endian) to UTF-8 as it reads, and refuses an
// odd length, an unpaired surrogate, and 8-bit text appended to the UTF-16 text, each with the
// line it is on.
type utf16Reader struct {
	br    *bufio.Reader
	enc   string
	big   bool
	high  uint16 // a high surrogate whose low half is still to come (0: none)
	lines int    // line ends decoded so far
	run   printable8Run
	small []byte // decoded text not yet handed out (for a caller's buffer under 4 bytes)
	err   error  // the error every later read returns
}

// newUTF16Reader returns a reader of the UTF-16 text in br as UTF-8; big selects big-endian.
func newUTF16Reader(br *bufio.Reader, big bool, enc string) textReader {
	return &utf16Reader{br: br, big: big, enc: enc}
}

// Encoding names the UTF-16 variant found.
func (u *utf16Reader) Encoding() string { return u.enc }

// Read decodes the next code units into p.
func (u *utf16Reader) Read(p []byte) (int, error) {
	if len(u.small) > 0 {
		n := copy(p, u.small)
		u.small = u.small[n:]
		return n, nil
	}
	if u.err != nil {
		return 0, u.err
	}
	if len(p) < utf8.UTFMax {
		// Too small for a character: decode into a buffer of its own and hand it out from there.
		var buf [utf8.UTFMax]byte
		n, err := u.Read(buf[:])
		u.small = append(u.small[:0], buf[:n]...)
		k := copy(p, u.small)
		u.small = u.small[k:]
		return k, err
	}
	for {
		in, err := u.br.Peek(2)
		switch {
		case len(in) == 1 && err == io.EOF:
			u.err = &ParseError{Line: u.lines + 1, Err: errors.New("UTF-16 text of odd length (8-bit text appended to it?)")}
			return 0, u.err
		case len(in) == 0 && err == io.EOF:
			if u.high != 0 {
				u.err = &ParseError{Line: u.lines + 1, Err: errors.New("unpaired UTF-16 surrogate at the end")}
			} else {
				u.err = io.EOF
			}
			return 0, u.err
		case len(in) < 2:
			u.err = err
			return 0, err
		}
		in, _ = u.br.Peek(u.br.Buffered())
		n, used, err := u.decode(p, in)
		u.br.Discard(used)
		if err != nil {
			u.err = err
			if n == 0 {
				return 0, err
			}
			return n, nil // the text before the error first; the error at the next read
		}
		if n > 0 {
			return n, nil
		}
		// A high surrogate was the last whole unit: read on for its low half.
	}
}

// decode decodes the whole code units of in into p as far as p has room, and returns the bytes
// written, the bytes of in used, and the error found at the unit it stopped at.
func (u *utf16Reader) decode(p, in []byte) (n, used int, err error) {
	i, o := 0, 0
	// ASCII, four units at a time: each has a zero high byte, so none is a surrogate, none is
	// part of a run of 8-bit text, and each is one byte of UTF-8.
	mask := uint64(0xFF80FF80FF80FF80)
	shift := 0
	if u.big {
		mask, shift = 0x80FF80FF80FF80FF, 8
	}
	for {
		if u.high == 0 {
			ascii := false
			for len(in)-i >= 8 && len(p)-o >= 4 {
				w := binary.LittleEndian.Uint64(in[i:])
				if w&mask != 0 {
					break
				}
				w >>= shift
				b0, b1, b2, b3 := byte(w), byte(w>>16), byte(w>>32), byte(w>>48)
				p[o], p[o+1], p[o+2], p[o+3] = b0, b1, b2, b3
				if b0 == '\n' || b1 == '\n' || b2 == '\n' || b3 == '\n' {
					u.lines += newline(b0) + newline(b1) + newline(b2) + newline(b3)
				}
				i += 8
				o += 4
				ascii = true
			}
			if ascii {
				u.run = printable8Run{}
			}
		}
		if len(in)-i < 2 || len(p)-o < utf8.UTFMax {
			return o, i, nil
		}
		var c uint16
		if u.big {
			c = uint16(in[i])<<8 | uint16(in[i+1])
		} else {
			c = uint16(in[i+1])<<8 | uint16(in[i])
		}
		switch {
		case c >= 0xD800 && c < 0xDC00:
			if u.high != 0 {
				return o, i, &ParseError{Line: u.lines + 1, Err: errors.New("unpaired UTF-16 surrogate")}
			}
			u.high = c
		case c >= 0xDC00 && c < 0xE000:
			if u.high == 0 {
				return o, i, &ParseError{Line: u.lines + 1, Err: errors.New("unpaired UTF-16 surrogate")}
			}
			o += utf8.EncodeRune(p[o:], utf16.DecodeRune(rune(u.high), rune(c)))
			u.high = 0
		default:
			if u.high != 0 {
				return o, i, &ParseError{Line: u.lines + 1, Err: errors.New("unpaired UTF-16 surrogate")}
			}
			if c < utf8.RuneSelf {
				p[o] = byte(c)
				o++
				if c == '\n' {
					u.lines++
				}
			} else {
				o += utf8.EncodeRune(p[o:], rune(c))
			}
		}
		if u.run.add(byte(c), byte(c>>8)) && u.run.eightBit() {
			return o, i, &ParseError{Line: u.lines + 1, Err: errors.New("encoding changes part-way: 8-bit text inside UTF-16 text")}
		}
		i += 2
	}
}

// newline is 1 for a line feed, else 0.
func newline(b byte) int {
	if b == '\n' {
		return 1
	}
	return 0
}

// printable8 reports whether b is a printable ASCII byte or a line-end byte.
func printable8(b byte) bool { return b >= 0x20 && b < 0x7F || b == '\n' || b == '\r' }

// asciiPrefix returns how many leading bytes of b, in whole 8-byte words, are ASCII without
// NUL: the fast path of the 8-bit check.
func asciiPrefix(b []byte) int {
	n := 0
	for len(b)-n >= 8 {
		w := binary.LittleEndian.Uint64(b[n:])
		// A byte is >= 0x80, or zero (the classic "has zero byte" test), somewhere in w.
		if w&0x8080808080808080 != 0 || (w-0x0101010101010101)&^w&0x8080808080808080 != 0 {
			break
		}
		n += 8
	}
	return n
}

// utf16Pattern reports whether b looks like UTF-16 text of mostly ASCII characters: a NUL in
// every second byte.
func utf16Pattern(b []byte) bool {
	var even, odd int
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	units := n / 2
	return units >= 2 && (odd*2 >= units && even*16 < odd || even*2 >= units && odd*16 < even)
}
