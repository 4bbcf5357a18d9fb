package authenticode

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrNotSigned is returned by ParseBlock when no line starts with the begin marker.
var ErrNotSigned = errors.New("no signature block")

// commentForm is how a file type writes its signature block.
type commentForm struct {
	begin, end     string // marker lines, without CRLF
	prefix, suffix string // around each base64 line
}

var (
	hashForm = commentForm{"# SIG # Begin signature block", "# SIG # End signature block", "# ", ""}
	xmlForm  = commentForm{"<!-- SIG # Begin signature block -->", "<!-- SIG # End signature block -->", "<!-- ", " -->"}
)

// b64Line is the number of base64 characters on every block line but the last.
const b64Line = 64

// formFor picks the comment form from the file name's extension; "-" (standard input) is
// read as a .ps1 file.
func formFor(name string) (commentForm, error) {
	if name == "-" {
		return hashForm, nil
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".ps1", ".psm1", ".psd1":
		return hashForm, nil
	case ".ps1xml", ".psc1", ".cdxml":
		return xmlForm, nil
	}
	return commentForm{}, fmt.Errorf("unsupported file type %q (want .ps1, .psm1, .psd1, .ps1xml, .psc1 or .cdxml)", filepath.Ext(name))
}

// render returns the block for der as ASCII text: a CRLF, the begin line, the base64 lines and
// the end line, each ending in CRLF.
func (f commentForm) render(der []byte) string {
	enc := base64.StdEncoding.EncodeToString(der)
	var sb strings.Builder
	sb.Grow(len(enc) + len(enc)/b64Line*(len(f.prefix)+len(f.suffix)+2) + 128)
	sb.WriteString("\r\n" + f.begin + "\r\n")
	for len(enc) > 0 {
		n := min(b64Line, len(enc))
		sb.WriteString(f.prefix + enc[:n] + f.suffix + "\r\n")
		enc = enc[n:]
	}
	sb.WriteString(f.end + "\r\n")
	return sb.String()
}

// Block is a signature block found in a file.
type Block struct {
	// Encoding is the file's encoding; the block is written in it.
	Encoding Encoding
	// Signed is the part of the file the digest covers: every byte before the CRLF that
	// precedes the begin line, in the file's encoding.
	Signed []byte
	// DER is the decoded PKCS#7 ContentInfo.
	DER []byte
}

// markerLines returns the unit offsets of every line of n that starts with marker.
func markerLines(n []byte, marker string) []int {
	var at []int
	for off := 0; ; {
		i := bytes.Index(n[off:], []byte(marker))
		if i < 0 {
			return at
		}
		i += off
		if i == 0 || n[i-1] == '\n' {
			at = append(at, i)
		}
		off = i + 1
	}
}

// ParseBlock finds and checks the signature block of a PowerShell file, byte-strictly: exactly
// one line starts with the begin marker, it is preceded by CRLF, the block is the canonical
// rendering of its DER in the file's encoding (64-character base64 lines, CRLF) and nothing
// follows the end line. It returns ErrNotSigned when no line starts with the begin marker, and
// an error saying what is wrong for any other deviation. The DER itself is not checked here.
func ParseBlock(name string, script []byte) (*Block, error) {
	form, err := formFor(name)
	if err != nil {
		return nil, err
	}
	enc := DetectEncoding(script)
	unit := enc.unitSize()
	if len(script)%unit != 0 {
		return nil, fmt.Errorf("UTF-16 file of odd length")
	}
	n := narrow(script, enc)
	at := markerLines(n, form.begin)
	switch {
	case len(at) == 0:
		return nil, ErrNotSigned
	case len(at) > 1:
		return nil, fmt.Errorf("line %d: a second line starts with %q", lineOf(n, at[1]), form.begin)
	}
	i := at[0]
	line := lineOf(n, i)
	if i < 2 || n[i-2] != '\r' {
		return nil, fmt.Errorf("line %d: signature block is not preceded by CRLF", line)
	}
	der, err := parseLines(n[i+len(form.begin):], form, line)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(n[i-2:], []byte(form.render(der))) {
		return nil, fmt.Errorf("line %d: signature block is not in canonical form (base64 in %d-character lines, CRLF line ends)", line, b64Line)
	}
	return &Block{Encoding: enc, Signed: script[:(i-2)*unit], DER: der}, nil
}

// parseLines reads the block after the begin marker: CRLF, base64 comment lines, the end line
// with its CRLF at the very end. line is the begin line's number, for messages.
func parseLines(rest []byte, form commentForm, line int) ([]byte, error) {
	if !bytes.HasPrefix(rest, []byte("\r\n")) {
		return nil, fmt.Errorf("line %d: characters after the begin marker", line)
	}
	rest = rest[2:]
	var b64 []byte
	for {
		line++
		j := bytes.Index(rest, []byte("\r\n"))
		if j < 0 {
			if bytes.HasPrefix(rest, []byte(form.end)) {
				return nil, fmt.Errorf("line %d: signature block does not end with %q and CRLF", line, form.end)
			}
			return nil, fmt.Errorf("line %d: signature block has no end line", line)
		}
		l := rest[:j]
		rest = rest[j+2:]
		if string(l) == form.end {
			if len(rest) != 0 {
				return nil, fmt.Errorf("line %d: data after the end of the signature block", line+1)
			}
			break
		}
		if !bytes.HasPrefix(l, []byte(form.prefix)) || !bytes.HasSuffix(l, []byte(form.suffix)) || len(l) < len(form.prefix)+len(form.suffix) {
			return nil, fmt.Errorf("line %d: not a signature line", line)
		}
		data := l[len(form.prefix) : len(l)-len(form.suffix)]
		if len(data) == 0 || len(data) > b64Line {
			return nil, fmt.Errorf("line %d: signature line of %d characters", line, len(data))
		}
		for _, c := range data {
			if !isBase64(c) {
				return nil, fmt.Errorf("line %d: invalid character in signature line", line)
			}
		}
		b64 = append(b64, data...)
	}
	if len(b64) == 0 {
		return nil, fmt.Errorf("line %d: empty signature block", line)
	}
	der, err := base64.StdEncoding.Strict().DecodeString(string(b64))
	if err != nil {
		return nil, fmt.Errorf("signature block: invalid base64")
	}
	return der, nil
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// stripBlock returns the script without an existing signature block, for re-signing. A begin
// marker line counts as a block only when everything from it to the end of the file looks like
// one (comment lines up to the end marker, at most blank line ends after it); any other marker
// line is refused, because every tool would cut the script there.
func stripBlock(script []byte, enc Encoding, form commentForm) ([]byte, error) {
	unit := enc.unitSize()
	n := narrow(script, enc)
	at := markerLines(n, form.begin)
	if len(at) == 0 {
		return script, nil
	}
	if len(at) > 1 {
		return nil, fmt.Errorf("line %d: a second line starts with %q", lineOf(n, at[1]), form.begin)
	}
	i := at[0]
	tail := strings.TrimRight(string(n[i:]), "\r\n")
	lines := strings.Split(tail, "\n")
	if strings.TrimSuffix(lines[len(lines)-1], "\r") != form.end {
		return nil, fmt.Errorf("line %d: %q is not the start of a signature block at the end of the file", lineOf(n, i), form.begin)
	}
	for _, l := range lines[1 : len(lines)-1] {
		l = strings.TrimSuffix(l, "\r")
		if !strings.HasPrefix(l, form.prefix) || !strings.HasSuffix(l, form.suffix) {
			return nil, fmt.Errorf("line %d: %q is not the start of a signature block at the end of the file", lineOf(n, i), form.begin)
		}
	}
	cut := i
	if cut >= 2 && n[cut-2] == '\r' && n[cut-1] == '\n' {
		cut -= 2
	} else if cut >= 1 && n[cut-1] == '\n' {
		cut--
	}
	return script[:cut*unit], nil
}
