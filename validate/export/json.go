package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// jsonTruncated is the Lossy reason of a value ConvertTo-Json replaced by its ToString at -Depth.
const jsonTruncated = "truncated by ConvertTo-Json -Depth: the value was replaced by its type name or ToString; export with Export-Clixml, or ConvertTo-Json -Depth 5"

// jsonObjectLossy is the Lossy reason of a nested object written as its properties.
const jsonObjectLossy = "object written as its properties: ConvertTo-Json does not write the text PowerShell shows for it (kept as JSON); export with Export-Clixml"

// jsonEnumLossy is the Lossy reason of an enum written as a number.
const jsonEnumLossy = "enum written as its number: ConvertTo-Json lost its names; export with Export-Clixml, or ConvertTo-Json -EnumsAsStrings on PowerShell 7"

// jsonEnumProp reports whether k (lower case) is a property of the exported cmdlets whose values are enums, which
// ConvertTo-Json writes as numbers unless -EnumsAsStrings (PowerShell 6+) is given (notes b.4).
func jsonEnumProp(k string) bool {
	switch k {
	case "authmechanism", "permissiongroups", "services", "status", "rootcatype", "transportrole",
		"tlsauthlevel", "protocollogginglevel", "externalpreauthentication",
		"backendserverauthenticationmode", "clientcertificateauthenticationbindingmode",
		"objectstate", "smarthostauthmechanism", "messageratesource", "connectortype",
		"logintype", "certificatetype", "storelocation", "storename":
		return true
	}
	return false
}

// jsonTypeName matches the text ConvertTo-Json writes for an object deeper than -Depth whose
// ToString is its type name ("System.Object[]", "Microsoft.Exchange.Data.MultiValuedProperty`1[[...]]").
// It is compiled at its first use, not at package init.
var jsonTypeName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile("^(Deserialized\\.|Selected\\.)?(System|Microsoft)(\\.[A-Za-z_][A-Za-z0-9_]*)+(`[0-9]+\\[.*\\])?(\\[\\])?$")
})

// isJSONTypeName reports whether s matches jsonTypeName; the regexp runs only on text that
// starts as a type name can.
func isJSONTypeName(s string) bool {
	t := strings.TrimPrefix(s, "Deserialized.")
	if t == s {
		t = strings.TrimPrefix(s, "Selected.")
	}
	if !strings.HasPrefix(t, "System.") && !strings.HasPrefix(t, "Microsoft.") {
		return false
	}
	return jsonTypeName().MatchString(s)
}

// jsonDate matches a Windows PowerShell 5.1 date, "\/Date(1326441600000)\/" (the JSON escape
// of the slash already removed). It is compiled at its first use.
var jsonDate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^/Date\((-?[0-9]+)([+-][0-9]{4})?\)/$`)
})

// jsonDateMatch returns jsonDate's submatches of s; the regexp runs only on text that starts
// with "/Date(".
func jsonDateMatch(s string) []string {
	if !strings.HasPrefix(s, "/Date(") {
		return nil
	}
	return jsonDate().FindStringSubmatch(s)
}

// jsonParser holds the state of one ConvertTo-Json file.
type jsonParser struct {
	text    []byte
	dec     *json.Decoder
	lineOff int64 // offset up to which newlines were counted
	line    int   // line at lineOff
}

// parseJSON reads a ConvertTo-Json export (already decoded to UTF-8): one object, an array of
// objects, or several such values one after the other (one ConvertTo-Json per object).
func parseJSON(name string, text []byte) ([]*Object, []Warning, error) {
	text = bytes.TrimPrefix(text, []byte("\uFEFF"))
	if line, ok := jsonTooDeep(text); !ok {
		return nil, nil, &ParseError{Line: line, Err: fmt.Errorf("values nested deeper than %d", MaxDepth)}
	}
	p := &jsonParser{text: text, dec: json.NewDecoder(bytes.NewReader(text)), line: 1}
	p.dec.UseNumber()
	var objs []*Object
	var warns []Warning
	// addObject reads the object whose '{' was just read; an empty one is skipped with a warning.
	addObject := func() error {
		o, err := p.object(name)
		if err != nil {
			return err
		}
		if len(o.Properties) == 0 {
			warns = append(warns, Warning{Line: o.Line, Message: "an empty JSON object: skipped"})
			return nil
		}
		objs = append(objs, o)
		return nil
	}
	for {
		tok, err := p.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, p.syntax(err)
		}
		switch tok {
		case json.Delim('{'):
			if err := addObject(); err != nil {
				return nil, nil, err
			}
		case json.Delim('['):
			for p.dec.More() {
				line := p.lineAt(p.dec.InputOffset())
				tok, err := p.dec.Token()
				if err != nil {
					return nil, nil, p.syntax(err)
				}
				switch tok {
				case json.Delim('{'):
					if err := addObject(); err != nil {
						return nil, nil, err
					}
				case nil:
					warns = append(warns, Warning{Line: line, Message: "a null array item: skipped"})
				default:
					return nil, nil, &ParseError{Line: p.lineAt(p.dec.InputOffset()), Err: errors.New("array item is not an object: not a ConvertTo-Json export of objects")}
				}
			}
			if _, err := p.dec.Token(); err != nil { // the closing ]
				return nil, nil, p.syntax(err)
			}
		default:
			return nil, nil, &ParseError{Line: p.lineAt(p.dec.InputOffset()), Err: errors.New("the JSON value is not an object or an array of objects: not a ConvertTo-Json export of objects")}
		}
	}
	if len(objs) == 0 {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("the file holds no objects")}
	}
	return objs, warns, nil
}

// syntax turns a decoder error into a ParseError with its line.
func (p *jsonParser) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Line: p.lineAt(se.Offset), Err: errors.New(strings.TrimPrefix(se.Error(), "json: "))}
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		return &ParseError{Line: p.lineAt(int64(len(p.text))), Err: errors.New("file ends inside a JSON value")}
	}
	return &ParseError{Line: p.lineAt(p.dec.InputOffset()), Err: err}
}

// lineAt is the 1-based line of a byte offset; offsets only grow, so newlines are counted once.
func (p *jsonParser) lineAt(off int64) int {
	if off > int64(len(p.text)) {
		off = int64(len(p.text))
	}
	if off < p.lineOff {
		return p.line - bytes.Count(p.text[off:p.lineOff], []byte{'\n'})
	}
	p.line += bytes.Count(p.text[p.lineOff:off], []byte{'\n'})
	p.lineOff = off
	return p.line
}

// object reads the members of an object whose { was just read.
func (p *jsonParser) object(name string) (*Object, error) {
	o := &Object{File: name, Line: p.lineAt(p.dec.InputOffset())}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntax(err)
		}
		key, ok := tok.(string)
		if !ok {
			return nil, &ParseError{Line: p.lineAt(p.dec.InputOffset()), Err: errors.New("object key is not a string")}
		}
		line := p.lineAt(p.dec.InputOffset())
		var raw json.RawMessage
		if err := p.dec.Decode(&raw); err != nil {
			return nil, p.syntax(err)
		}
		if len(o.Properties) >= MaxProperties {
			return nil, &ParseError{Line: line, Err: fmt.Errorf("object has more than %d properties", MaxProperties)}
		}
		pr := Property{Name: key, Line: line}
		warn := jsonValue(&pr, raw)
		o.Properties = append(o.Properties, pr)
		if warn != "" {
			o.Warnings = append(o.Warnings, PropertyWarning{Property: key, Line: line, Message: warn})
		}
		if pr.Lossy != "" {
			o.Warnings = append(o.Warnings, PropertyWarning{Property: key, Line: line, Message: pr.Lossy})
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing }
		return nil, p.syntax(err)
	}
	classify(o, nil)
	jsonIdentity(o)
	return o, nil
}

// jsonIdentity keeps the JSON text of an object ConvertTo-Json wrote as its properties out of the
// object's identity and server: an Identity written as an object gives way to the exact Name,
// and a Server written as an object (an ADObjectId, whose ToString is its Name) to its "Name".
func jsonIdentity(o *Object) {
	if p, ok := o.Get("Identity"); ok && p.Lossy != "" {
		if n, ok := o.Get("Name"); ok && n.Lossy == "" && !n.Value.Null && !n.Value.IsList && n.Value.Text != "" {
			o.Identity = n.Value.Text
		}
	}
	if p, ok := o.Get("Server"); ok && p.Lossy != "" && o.Server != "" {
		o.Server = ""
		var m map[string]json.RawMessage
		var name string
		if json.Unmarshal([]byte(p.Value.Text), &m) == nil && json.Unmarshal(m["Name"], &name) == nil && name != "" {
			o.Server = ServerLabel(name)
		}
	}
}

// jsonValue sets a property's value (and Lossy) from its raw JSON; it returns a warning that is
// not a loss ("" when none).
func jsonValue(pr *Property, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		pr.Value = Value{Null: true}
		return ""
	}
	switch raw[0] {
	case 'n':
		pr.Value = Value{Null: true}
	case 't':
		pr.Value = Value{Text: "True"}
	case 'f':
		pr.Value = Value{Text: "False"}
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			pr.Value = Value{Text: string(raw)}
			return "string could not be decoded: kept as written"
		}
		text, lossy := jsonString(s)
		pr.Value = Value{Text: text}
		pr.Lossy = lossy
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			pr.Value = Value{Text: string(raw)}
			return "array could not be decoded: kept as written"
		}
		list := make([]string, 0, len(items))
		for _, it := range items {
			text, lossy := jsonItem(it)
			list = append(list, text)
			if lossy != "" && pr.Lossy == "" {
				pr.Lossy = lossy
			}
		}
		pr.Value = Value{IsList: true, List: list}
	case '{':
		return jsonObjectValue(pr, raw)
	default: // a number, kept as written
		pr.Value = Value{Text: string(raw)}
		if jsonEnumProp(strings.ToLower(pr.Name)) {
			pr.Lossy = jsonEnumLossy
		}
	}
	return ""
}

// jsonString converts a JSON string value: a 5.1 date becomes RFC 3339 UTC, a type name or
// @{...} left by -Depth is kept and marked.
func jsonString(s string) (text, lossy string) {
	if m := jsonDateMatch(s); m != nil {
		if ms, err := strconv.ParseInt(m[1], 10, 64); err == nil {
			return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.999Z07:00"), ""
		}
	}
	if isJSONTypeName(s) || strings.HasPrefix(s, "@{") && strings.HasSuffix(s, "}") {
		return s, jsonTruncated
	}
	return s, ""
}

// jsonItem is one list item as text.
func jsonItem(raw json.RawMessage) (text, lossy string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", ""
	}
	switch raw[0] {
	case 'n':
		return "", ""
	case 't':
		return "True", ""
	case 'f':
		return "False", ""
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return string(raw), ""
		}
		return jsonString(s)
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return string(raw), jsonObjectLossy
		}
		return b.String(), jsonObjectLossy
	}
	return string(raw), ""
}

// jsonObjectValue handles a nested object: an SmtpX509Identifier (TlsCertificateName) is rebuilt
// as "<I>" + CertificateIssuer + "<S>" + CertificateSubject, a 5.1 DateTime wrapper gives its
// date, anything else is kept as compact JSON and marked.
func jsonObjectValue(pr *Property, raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err == nil {
		str := func(k string) (string, bool) {
			v, ok := m[k]
			if !ok {
				return "", false
			}
			var s string
			if json.Unmarshal(v, &s) != nil {
				return "", false
			}
			return s, true
		}
		iss, ok1 := str("CertificateIssuer")
		sub, ok2 := str("CertificateSubject")
		if ok1 && ok2 {
			pr.Value = Value{Text: "<I>" + iss + "<S>" + sub}
			return "rebuilt as \"<I>\" + CertificateIssuer + \"<S>\" + CertificateSubject from the object ConvertTo-Json wrote"
		}
		if v, ok := str("value"); ok {
			if _, hasDT := m["DateTime"]; hasDT && jsonDateMatch(v) != nil {
				text, _ := jsonString(v)
				pr.Value = Value{Text: text}
				return ""
			}
		}
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		pr.Value = Value{Text: string(raw)}
	} else {
		pr.Value = Value{Text: b.String()}
	}
	pr.Lossy = jsonObjectLossy
	return ""
}

// jsonTooDeep scans the text once and reports the line where arrays and objects nest deeper
// than MaxDepth (ok false), before any decoder sees it.
func jsonTooDeep(text []byte) (line int, ok bool) {
	depth, line := 0, 1
	inString, escaped := false, false
	for _, c := range text {
		if c == '\n' {
			line++
		}
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > MaxDepth {
				return line, false
			}
		case '}', ']':
			depth--
		}
	}
	return line, true
}
