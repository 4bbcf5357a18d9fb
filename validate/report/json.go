package report

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"certswap/validate"
)

// WriteJSON writes the report in DESIGN.md's shape: {"stage","at","certificate","notes",
// "findings","summary"} (plus "oldCertificate"), every key always present, lists never null, and
// "<", ">" and "&" written as themselves.
//
// The bytes are those encoding/json writes for validate.Report with two-space indentation and HTML
// escaping off (a test compares the two), but the report is written as it is encoded, in pieces of
// about jsonChunk bytes, instead of being built whole in memory: a fleet-scale run has a report
// of about 100 MB. A time that RFC 3339 cannot show (a year outside 0–9999) is refused before
// anything is written, as encoding/json refuses it.
func WriteJSON(w io.Writer, r *validate.Report) error {
	at := r.At.UTC()
	c := &r.Certificate
	for _, t := range []time.Time{at, c.NotBefore, c.NotAfter} {
		if _, err := appendTime(nil, t); err != nil {
			return err
		}
	}
	e := &jsonWriter{w: w, buf: make([]byte, 0, jsonChunk+4096)}
	e.raw("{\n  \"stage\": ")
	e.str(string(r.Stage))
	e.raw(",\n  \"at\": ")
	e.time(at)
	e.raw(",\n  \"certificate\": {\n    \"file\": ")
	e.str(c.File)
	e.raw(",\n    \"thumbprint\": ")
	e.str(c.Thumbprint)
	e.raw(",\n    \"sha256\": ")
	e.str(c.SHA256)
	e.raw(",\n    \"subject\": ")
	e.str(c.Subject)
	e.raw(",\n    \"issuer\": ")
	e.str(c.Issuer)
	e.raw(",\n    \"tlsCertificateName\": ")
	e.str(c.TLSCertificateName)
	e.raw(",\n    \"serialNumber\": ")
	e.str(c.SerialNumber)
	e.raw(",\n    \"notBefore\": ")
	e.time(c.NotBefore)
	e.raw(",\n    \"notAfter\": ")
	e.time(c.NotAfter)
	e.raw(",\n    \"dnsNames\": ")
	e.strings(c.DNSNames, "    ")
	e.raw(",\n    \"hasPrivateKey\": ")
	e.bool(c.HasPrivateKey)
	e.raw("\n  },\n  \"oldCertificate\": {\n    \"source\": ")
	e.str(r.Old.Source)
	e.raw(",\n    \"thumbprints\": ")
	e.strings(r.Old.Thumbprints, "    ")
	e.raw(",\n    \"tlsCertificateNames\": ")
	e.strings(r.Old.TLSCertificateNames, "    ")
	e.raw("\n  },\n  \"notes\": ")
	if len(r.Notes) == 0 {
		e.raw("[]")
	} else {
		e.raw("[")
		for i := range r.Notes {
			n := &r.Notes[i]
			if i > 0 {
				e.raw(",")
			}
			e.raw("\n    {\n      \"file\": ")
			e.str(n.File)
			e.raw(",\n      \"line\": ")
			e.int(n.Line)
			e.raw(",\n      \"message\": ")
			e.str(n.Message)
			e.raw("\n    }")
			e.flush(false)
		}
		e.raw("\n  ]")
	}
	e.raw(",\n  \"findings\": ")
	if len(r.Findings) == 0 {
		e.raw("[]")
	} else {
		e.raw("[")
		for i := range r.Findings {
			f := &r.Findings[i]
			if i > 0 {
				e.raw(",")
			}
			e.raw("\n    {\n      \"id\": ")
			e.str(f.ID)
			e.raw(",\n      \"severity\": ")
			e.str(string(f.Severity))
			e.raw(",\n      \"product\": ")
			e.str(string(f.Product))
			e.raw(",\n      \"server\": ")
			e.str(f.Server)
			e.raw(",\n      \"object\": ")
			e.str(f.Object)
			e.raw(",\n      \"file\": ")
			e.str(f.File)
			e.raw(",\n      \"line\": ")
			e.int(f.Line)
			e.raw(",\n      \"message\": ")
			e.str(f.Message)
			e.raw(",\n      \"fix\": ")
			e.str(f.Fix)
			e.raw("\n    }")
			e.flush(false)
		}
		e.raw("\n  ]")
	}
	e.raw(",\n  \"summary\": {\n    \"error\": ")
	e.int(r.Summary.Error)
	e.raw(",\n    \"warning\": ")
	e.int(r.Summary.Warning)
	e.raw(",\n    \"notice\": ")
	e.int(r.Summary.Notice)
	e.raw("\n  }\n}\n")
	e.flush(true)
	return e.err
}

// jsonChunk is how many bytes jsonWriter collects before it writes them.
const jsonChunk = 32 << 10

// jsonWriter appends JSON to buf and hands it to w in pieces; the first write error is kept and
// stops further writes.
type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (e *jsonWriter) raw(s string) { e.buf = append(e.buf, s...) }

// flush writes buf when it holds at least jsonChunk bytes, or whenever all is true.
func (e *jsonWriter) flush(all bool) {
	if len(e.buf) == 0 || !all && len(e.buf) < jsonChunk {
		return
	}
	if e.err == nil {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

func (e *jsonWriter) int(n int) { e.buf = strconv.AppendInt(e.buf, int64(n), 10) }

func (e *jsonWriter) bool(b bool) { e.buf = strconv.AppendBool(e.buf, b) }

func (e *jsonWriter) time(t time.Time) {
	// WriteJSON checked every time before it wrote anything.
	e.buf, _ = appendTime(e.buf, t)
}

// strings writes a list of strings as encoding/json indents it inside an object at the given
// indent: "[]" when empty (nil included: WriteJSON never writes null).
func (e *jsonWriter) strings(xs []string, indent string) {
	if len(xs) == 0 {
		e.raw("[]")
		return
	}
	e.raw("[")
	for i, x := range xs {
		if i > 0 {
			e.raw(",")
		}
		e.raw("\n  ")
		e.raw(indent)
		e.str(x)
		e.flush(false)
	}
	e.raw("\n")
	e.raw(indent)
	e.raw("]")
}

func (e *jsonWriter) str(s string) { e.buf = AppendJSONString(e.buf, s) }

// appendTime appends t quoted as time.Time's MarshalJSON writes it (RFC 3339 with nanoseconds,
// trailing zeros dropped), and fails where it fails (a year outside 0–9999, a zone hour outside
// 0–23), with encoding/json's message; on failure b is returned unchanged.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	n0 := len(b)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	s := b[n0+1:]
	switch {
	case len(s) < 5 || s[4] != '-':
		return b[:n0], errors.New("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: year outside of range [0,9999]")
	case s[len(s)-1] != 'Z':
		z := s[len(s)-len("Z07:00"):]
		if c := z[0]; '0' <= c && c <= '9' || int(z[1]-'0')*10+int(z[2]-'0') >= 24 {
			return b[:n0], errors.New("json: error calling MarshalJSON for type time.Time: Time.MarshalJSON: timezone hour outside of range [0,23]")
		}
	}
	return append(b, '"'), nil
}

// AppendJSONString appends s as a JSON string the way encoding/json writes it with HTML escaping
// off: '"' and '\\' escaped, \b \f \n \r \t by name, other bytes below 0x20 as \u00XX, each byte
// of invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and \u2029 (valid JSON, not valid
// JavaScript), everything else (DEL and C1 controls included) as it is.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// encode writes v as encoding/json does with two-space indentation and no HTML escaping (the
// check table and SARIF, which are small).
func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
