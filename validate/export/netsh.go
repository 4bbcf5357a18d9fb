package export

import (
	"errors"
	"fmt"
	"strings"
)

// netshHeader is the first line of `netsh http show sslcert` on English Windows.
const netshHeader = "SSL Certificate bindings:"

// netshExtended starts an "Extended Properties" sub-block of a binding (Windows Server 2019+).
const netshExtended = "Extended Properties:"

// netshKeyLabel reports whether k is a label of a binding's first line: the binding itself.
func netshKeyLabel(k string) bool {
	switch k {
	case "IP:port", "Hostname:port", "Central Certificate Store":
		return true
	}
	return false
}

// netshLabel reports whether k is one of the other labels English netsh prints for a binding, from Windows Server 2008
// to 2025 (notes/powershell-exports.md, netsh section; `netsh http add sslcert` parameters).
func netshLabel(k string) bool {
	switch k {
	case "Certificate Hash", "Application ID", "Certificate Store Name",
		"Verify Client Certificate Revocation",
		"Verify Revocation Using Cached Client Certificate Only", "Usage Check",
		"Revocation Freshness Time", "URL Retrieval Timeout", "Ctl Identifier", "Ctl Store Name",
		"DS Mapper Usage", "Negotiate Client Certificate", "Reject Connections", "Disable HTTP2",
		"Disable QUIC", "Disable TLS1.2", "Disable TLS1.3", "Disable OCSP Stapling",
		"Enable Token Binding", "Log Extended Events", "Disable Legacy TLS Versions",
		"Enable Session Ticket", "Disable Session ID", "Enable Caching Client Hello":
		return true
	}
	return false
}

// netshSplit splits "    Label<pad> : value" at the first " : " (a binding such as
// "[::]:443" holds colons itself); a line ending in " :" has an empty value.
func netshSplit(line string) (label, value string, ok bool) {
	if i := strings.Index(line, " : "); i >= 0 {
		return strings.TrimSpace(line[:i]), strings.TrimRight(line[i+3:], " \t"), true
	}
	t := strings.TrimRight(line, " \t")
	if strings.HasSuffix(t, " :") {
		return strings.TrimSpace(t[:len(t)-2]), "", true
	}
	return "", "", false
}

// parseNetsh reads the output of `netsh http show sslcert` (English), one object of kind
// NetshSslBinding per binding, its properties named by netsh's labels. A label certswap does not
// know (another language, a layout it has not seen) is an error, never a silent half-parse
// (notes/field-notes.md G-03); inside an "Extended Properties:" sub-block any label is kept. The
// properties of such a sub-block are named "Extended Properties[K].Label", K counting the
// sub-blocks of the binding from 0. firstLine is the file line of text's first line.
func parseNetsh(name string, text []byte, firstLine int) ([]*Object, []Warning, error) {
	if firstLine < 1 {
		firstLine = 1
	}
	lines := strings.Split(strings.TrimPrefix(string(text), "\uFEFF"), "\n")
	var (
		objs      []*Object
		warns     []Warning
		cur       *Object
		header    bool
		ext       = -1 // index of the current Extended Properties sub-block, -1 outside one
		finishCur = func() {
			if cur != nil {
				classify(cur, nil)
				cur.Kind = KindNetshSslBinding // whatever labels it has, it is a binding
				objs = append(objs, cur)
				cur = nil
			}
			ext = -1
		}
	)
	for i, raw := range lines {
		ln := firstLine + i
		line := strings.TrimRight(raw, "\r")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			finishCur()
			continue
		case !header:
			if trimmed != netshHeader {
				return nil, nil, &ParseError{Line: ln, Err: fmt.Errorf("expected %q: not the English output of netsh http show sslcert (labels in other languages are not read)", netshHeader)}
			}
			header = true
			continue
		case strings.Trim(trimmed, "-") == "" && cur == nil:
			continue // the underline of the header
		case trimmed == netshExtended:
			if cur == nil {
				return nil, nil, &ParseError{Line: ln, Err: errors.New("\"Extended Properties:\" outside a binding")}
			}
			ext++
			continue
		}
		label, value, ok := netshSplit(line)
		if !ok || label == "" {
			return nil, nil, &ParseError{Line: ln, Err: fmt.Errorf("not a \"Label : value\" line of netsh http show sslcert: %q", trimmed)}
		}
		if netshKeyLabel(label) {
			finishCur()
			cur = &Object{File: name, Line: ln}
			cur.Properties = append(cur.Properties, Property{Name: label, Value: Value{Text: value}, Line: ln})
			continue
		}
		if cur == nil {
			return nil, nil, &ParseError{Line: ln, Err: fmt.Errorf("label %q before the first binding: a binding starts with IP:port, Hostname:port or Central Certificate Store (only English netsh output is read)", label)}
		}
		if len(cur.Properties) >= MaxProperties {
			return nil, nil, &ParseError{Line: ln, Err: fmt.Errorf("binding has more than %d properties", MaxProperties)}
		}
		pname := label
		if ext >= 0 {
			pname = fmt.Sprintf("Extended Properties[%d].%s", ext, label)
		} else if !netshLabel(label) {
			return nil, nil, &ParseError{Line: ln, Err: fmt.Errorf("unknown netsh label %q: not a layout certswap reads (only English netsh http show sslcert output is read)", label)}
		}
		cur.Properties = append(cur.Properties, Property{Name: pname, Value: Value{Text: value}, Line: ln})
	}
	finishCur()
	if !header {
		return nil, nil, &ParseError{Line: firstLine, Err: fmt.Errorf("no %q line: not the output of netsh http show sslcert", netshHeader)}
	}
	if len(objs) == 0 {
		warns = append(warns, Warning{Line: firstLine, Message: "netsh http show sslcert lists no binding"})
	}
	return objs, warns, nil
}
