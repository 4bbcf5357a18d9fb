package authenticode

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// Encoding is the text encoding of a PowerShell file, told from its byte order mark.
type Encoding int

// The encodings the PowerShell SIP tells apart.
const (
	UTF8NoBOM Encoding = iota // no byte order mark: ASCII, or UTF-8 that Windows may read otherwise
	UTF8BOM                   // EF BB BF
	UTF16LE                   // FF FE
	UTF16BE                   // FE FF (never written by certswap)
)

// String names the encoding as DESIGN.md's export encodings do.
func (e Encoding) String() string {
	switch e {
	case UTF8BOM:
		return "UTF-8-BOM"
	case UTF16LE:
		return "UTF-16LE-BOM"
	case UTF16BE:
		return "UTF-16BE-BOM"
	}
	return "UTF-8"
}

// DetectEncoding tells a file's encoding from its byte order mark.
func DetectEncoding(b []byte) Encoding {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8BOM
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE
	}
	return UTF8NoBOM
}

// unitSize is the size in bytes of one code unit.
func (e Encoding) unitSize() int {
	if e == UTF16LE || e == UTF16BE {
		return 2
	}
	return 1
}

// narrow maps a file to one byte per code unit: ASCII units keep their value, any other unit
// becomes 0x80. Markers and base64 are ASCII, so searching the narrow form finds them at unit
// offsets in either width. b must hold whole units.
func narrow(b []byte, e Encoding) []byte {
	switch e {
	case UTF16LE, UTF16BE:
		n := make([]byte, len(b)/2)
		for i := range n {
			u := uint16(b[2*i]) | uint16(b[2*i+1])<<8
			if e == UTF16BE {
				u = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			}
			if u < 0x80 {
				n[i] = byte(u)
			} else {
				n[i] = 0x80
			}
		}
		return n
	}
	return b
}

// encodeASCII writes ASCII text s in encoding e.
func encodeASCII(s string, e Encoding) []byte {
	switch e {
	case UTF16LE:
		out := make([]byte, 2*len(s))
		for i := 0; i < len(s); i++ {
			out[2*i] = s[i]
		}
		return out
	case UTF16BE:
		out := make([]byte, 2*len(s))
		for i := 0; i < len(s); i++ {
			out[2*i+1] = s[i]
		}
		return out
	}
	return []byte(s)
}

// lineOf returns the 1-based line number of byte offset off in 8-bit text.
func lineOf(b []byte, off int) int {
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}

// hashText writes the text the PowerShell SIP hashes, the UTF-16 LE encoding of the script text
// with its byte order mark kept as U+FEFF, into w. UTF-16 LE text is written as it is; UTF-8 is
// converted in chunks. It reports whether the text holds a non-ASCII character and refuses
// invalid UTF-8 (naming the line).
func hashText(w io.Writer, text []byte, e Encoding) (nonASCII bool, err error) {
	switch e {
	case UTF16LE:
		if len(text)%2 != 0 {
			return false, fmt.Errorf("UTF-16 text of odd length")
		}
		_, _ = w.Write(text)
		return true, nil
	case UTF16BE:
		return false, fmt.Errorf("UTF-16 BE files are not supported (save the file as UTF-16 LE or UTF-8 with BOM)")
	}
	var buf [16 << 10]byte
	n := 0
	for i := 0; i < len(text); {
		if n > len(buf)-4 {
			_, _ = w.Write(buf[:n])
			n = 0
		}
		c := text[i]
		if c < utf8.RuneSelf {
			buf[n], buf[n+1] = c, 0
			n += 2
			i++
			continue
		}
		nonASCII = true
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 {
			return nonASCII, fmt.Errorf("line %d: invalid UTF-8", lineOf(text, i))
		}
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			buf[n], buf[n+1], buf[n+2], buf[n+3] = byte(r1), byte(r1>>8), byte(r2), byte(r2>>8)
			n += 4
		} else {
			buf[n], buf[n+1] = byte(r), byte(r>>8)
			n += 2
		}
		i += size
	}
	_, _ = w.Write(buf[:n])
	return nonASCII, nil
}

// firstNonASCII returns the offset of the first byte >= 0x80, or -1.
func firstNonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}
