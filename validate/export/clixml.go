package export

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"certswap/validate/cert"
)

// clixmlNode is one element of an Export-Clixml file, kept only while its top-level object is read.
type clixmlNode struct {
	name  string // local element name: Obj, S, B, LST, ...
	n     string // the N attribute (property name), _xHHHH_ escapes decoded
	refID string // the RefId attribute
	text  string // character data of a leaf element
	line  int
	kids  []*clixmlNode
}

// clixmlParser turns a CLIXML document into Objects. Every Obj and TN with a RefId is remembered by
// its computed value, so a Ref or TNRef costs one map look-up, whatever the file holds.
type clixmlParser struct {
	name     string
	types    map[string][]string     // TN RefId → type names
	values   map[string]Value        // Obj RefId → its value as a property
	lazy     map[string]*clixmlParts // top-level Obj RefId → its parts, until a <Ref> needs its value
	tops     map[string]*Object      // top-level Obj RefId → the object read
	warnings []Warning

	// expanded counts the bytes of text built from other values (@{...}, nested lists, dictionary
	// entries). A <Ref> costs nothing in the file but its value may be copied into another one, so
	// a chain of objects each naming the previous one twice doubles at every step; budget stops that.
	expanded, budget int64

	// per top-level object
	propWarnings []PropertyWarning
	nestedCert   []byte // RawData of the first X509Certificate2 found inside the object
}

// parseCLIXML reads an Export-Clixml document (already decoded to UTF-8) into objects: one per
// top-level <Obj> of <Objs>, with the properties of its <Props> and <MS> in file order.
func parseCLIXML(name string, text []byte) ([]*Object, []Warning, error) {
	text = bytes.TrimPrefix(text, []byte("\uFEFF"))
	p := &clixmlParser{
		name:   name,
		types:  map[string][]string{},
		values: map[string]Value{},
		lazy:   map[string]*clixmlParts{},
		tops:   map[string]*Object{},
		budget: 16<<20 + 4*int64(len(text)),
	}
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = true
	// The text is UTF-8 already, whatever the declaration says (Export-Clixml writes encoding="utf-16").
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }

	var objs []*Object
	rootSeen := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, clixmlSyntax(d, err)
		}
		line, _ := d.InputPos()
		switch t := tok.(type) {
		case xml.Directive:
			return nil, nil, &ParseError{Line: line, Err: errors.New("DTD or entity declaration not allowed in an Export-Clixml file")}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, nil, &ParseError{Line: line, Err: errors.New("text outside the <Objs> element")}
			}
		case xml.StartElement:
			if rootSeen {
				return nil, nil, &ParseError{Line: line, Err: fmt.Errorf("second root element <%s>", t.Name.Local)}
			}
			if t.Name.Local != "Objs" {
				return nil, nil, &ParseError{Line: line, Err: fmt.Errorf("root element is <%s>, not <Objs>: not an Export-Clixml file", t.Name.Local)}
			}
			rootSeen = true
			got, err := p.readObjs(d)
			if err != nil {
				return nil, nil, err
			}
			objs = got
		}
	}
	if !rootSeen {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("no <Objs> element: not an Export-Clixml file")}
	}
	if len(objs) == 0 {
		return nil, nil, &ParseError{Line: 1, Err: errors.New("the file holds no objects")}
	}
	return objs, p.warnings, nil
}

// clixmlSyntax turns a decoder error into a ParseError with its line.
func clixmlSyntax(d *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Line: se.Line, Err: errors.New(strings.TrimPrefix(se.Msg, "xml: "))}
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	line, _ := d.InputPos()
	return &ParseError{Line: line, Err: err}
}

// readObjs reads the children of <Objs> up to its end tag, one top-level object at a time.
func (p *clixmlParser) readObjs(d *xml.Decoder) ([]*Object, error) {
	var objs []*Object
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				line, _ := d.InputPos()
				return nil, &ParseError{Line: line, Err: errors.New("file ends inside <Objs>")}
			}
			return nil, clixmlSyntax(d, err)
		}
		line, _ := d.InputPos()
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &ParseError{Line: line, Err: errors.New("DTD or entity declaration not allowed in an Export-Clixml file")}
		case xml.EndElement:
			return objs, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) != 0 {
				return nil, &ParseError{Line: line, Err: errors.New("text between objects in <Objs>")}
			}
		case xml.StartElement:
			n, err := clixmlRead(d, t, line, 2)
			if err != nil {
				return nil, err
			}
			switch n.name {
			case "Obj":
				o, err := p.topObject(n)
				if err != nil {
					return nil, err
				}
				if n.refID != "" {
					p.tops[n.refID] = o
				}
				objs = append(objs, o)
			case "Ref":
				prev, ok := p.tops[n.refID]
				if !ok {
					return nil, &ParseError{Line: n.line, Err: fmt.Errorf("<Ref RefId=%q> names no earlier top-level object", n.refID)}
				}
				c := *prev
				c.Line = n.line
				c.Properties = append([]Property(nil), prev.Properties...)
				c.Warnings = append([]PropertyWarning(nil), prev.Warnings...)
				objs = append(objs, &c)
			default:
				if _, err := p.value(n); err != nil {
					return nil, err
				}
				p.warnings = append(p.warnings, Warning{Line: n.line, Message: fmt.Sprintf("top-level <%s> value is not an object with properties: skipped", n.name)})
			}
		}
	}
}

// clixmlRead reads one element (its start tag already read) and everything inside it.
func clixmlRead(d *xml.Decoder, start xml.StartElement, line, depth int) (*clixmlNode, error) {
	if depth > MaxDepth {
		return nil, &ParseError{Line: line, Err: fmt.Errorf("elements nested deeper than %d", MaxDepth)}
	}
	n := &clixmlNode{name: start.Name.Local, line: line}
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "N":
			n.n = clixmlUnescape(a.Value)
		case "RefId":
			n.refID = a.Value
		}
	}
	var text strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				l, _ := d.InputPos()
				return nil, &ParseError{Line: l, Err: fmt.Errorf("file ends inside <%s> of line %d", n.name, line)}
			}
			return nil, clixmlSyntax(d, err)
		}
		l, _ := d.InputPos()
		switch t := tok.(type) {
		case xml.Directive:
			return nil, &ParseError{Line: l, Err: errors.New("DTD or entity declaration not allowed in an Export-Clixml file")}
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			k, err := clixmlRead(d, t, l, depth+1)
			if err != nil {
				return nil, err
			}
			n.kids = append(n.kids, k)
		case xml.EndElement:
			if len(n.kids) == 0 {
				n.text = text.String()
			}
			return n, nil
		}
	}
}

// clixmlSkipped lists properties that are never shown: Exchange's BinaryFormatter payload.
func clixmlSkipped(n *clixmlNode) bool {
	return n.name == "BA" && n.n == "SerializationData"
}

// topObject builds the Object of a top-level <Obj>.
func (p *clixmlParser) topObject(n *clixmlNode) (*Object, error) {
	p.propWarnings = nil
	p.nestedCert = nil
	parts, err := p.objParts(n)
	if err != nil {
		return nil, err
	}
	if n.refID != "" {
		p.lazy[n.refID] = parts // its value is made only if a <Ref> names it
	}
	o := &Object{File: p.name, Line: n.line, Properties: parts.props}
	o.Warnings = append(o.Warnings, p.propWarnings...)
	// Classify on the exported properties only: a RawData-only certificate is told by that shape.
	classify(o, parts.typeNames)
	if parts.rawLine != 0 {
		raw := ""
		if pr, ok := o.Get("RawData"); ok {
			raw = pr.Value.Text
		}
		p.addCertificate(o, parts.rawLine, parts.rawDER)
		if o.Certificate != nil && (o.Identity == "" || o.Identity == raw) {
			o.Identity = o.Certificate.Thumbprint
		}
	} else if p.nestedCert != nil {
		if c, err := cert.Parse(p.nestedCert); err == nil {
			o.Certificate = c
		}
	}
	if o.Identity == "" && parts.toString != nil {
		o.Identity = *parts.toString
	}
	// Get-AdfsCertificate's first property is the certificate's multi-line ToString: name such an
	// object by its thumbprint instead.
	if strings.ContainsAny(o.Identity, "\r\n") {
		if t, ok := o.Get("Thumbprint"); ok && !t.Value.Null && !t.Value.IsList && t.Value.Text != "" {
			o.Identity = t.Value.Text
		}
	}
	return o, nil
}

// certProps are the properties computed from a RawData-only certificate, in this order.
var certProps = []string{"Thumbprint", "Subject", "Issuer", "SerialNumber", "NotBefore", "NotAfter"}

// addCertificate parses a certificate's RawData, attaches it to the object and, when the export
// kept only RawData (plain Get-ExchangeCertificate | Export-Clixml), adds the values Windows
// computes from it, with one warning on the object.
func (p *clixmlParser) addCertificate(o *Object, line int, der []byte) {
	if der == nil {
		o.Warnings = append(o.Warnings, PropertyWarning{Property: "RawData", Line: line, Message: "RawData is not valid Base64"})
		return
	}
	c, err := cert.Parse(der)
	if err != nil {
		o.Warnings = append(o.Warnings, PropertyWarning{Property: "RawData", Line: line, Message: "RawData is not a certificate: " + err.Error()})
		return
	}
	o.Certificate = c
	computed := map[string]string{
		"Thumbprint":   c.Thumbprint,
		"Subject":      c.Subject,
		"Issuer":       c.Issuer,
		"SerialNumber": c.SerialNumber,
		"NotBefore":    c.NotBefore.UTC().Format(time.RFC3339),
		"NotAfter":     c.NotAfter.UTC().Format(time.RFC3339),
	}
	have := map[string]int{}
	for i, pr := range o.Properties {
		have[pr.Name] = i
	}
	var added []string
	for _, k := range certProps {
		if _, ok := have[k]; ok {
			continue
		}
		if _, ok := have["Thumbprint"]; ok {
			break // not a RawData-only export: the values Windows showed are there
		}
		o.Properties = append(o.Properties, Property{Name: k, Value: Value{Text: computed[k]}, Line: line})
		added = append(added, k)
	}
	if len(added) > 0 {
		msg := strings.Join(added, ", ") + " computed from RawData"
		if _, ok := have["Services"]; !ok {
			msg += "; Services, Status and HasPrivateKey are not in this export (export with Get-ExchangeCertificate | Select-Object Thumbprint, Services, Status, HasPrivateKey, IsSelfSigned, Subject, Issuer, NotBefore, NotAfter, CertificateDomains, RawData | Export-Clixml)"
		}
		o.Warnings = append(o.Warnings, PropertyWarning{Property: "RawData", Line: line, Message: msg})
	}
	if i, ok := have["Thumbprint"]; ok {
		v := o.Properties[i].Value
		if !v.Null && !v.IsList && !strings.EqualFold(strings.TrimSpace(v.Text), c.Thumbprint) {
			o.Warnings = append(o.Warnings, PropertyWarning{Property: "Thumbprint", Line: o.Properties[i].Line,
				Message: "Thumbprint differs from the SHA-1 of RawData (" + c.Thumbprint + ")"})
		}
	}
}

// clixmlBase64 decodes a <BA> payload; nil when it is not Base64.
func clixmlBase64(s string) []byte {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil
	}
	return b
}

// typeNames resolves a <TN> (remembering it) or a <TNRef>.
func (p *clixmlParser) typeNames(n *clixmlNode) ([]string, error) {
	if n.name == "TNRef" {
		names, ok := p.types[n.refID]
		if !ok {
			return nil, &ParseError{Line: n.line, Err: fmt.Errorf("<TNRef RefId=%q> names no earlier <TN>", n.refID)}
		}
		return names, nil
	}
	var names []string
	for _, t := range n.kids {
		if t.name == "T" {
			names = append(names, clixmlUnescape(t.text))
		}
	}
	if n.refID != "" {
		p.types[n.refID] = names
	}
	return names, nil
}

// value is the property value of one CLIXML value element.
func (p *clixmlParser) value(n *clixmlNode) (Value, error) {
	switch n.name {
	case "Nil":
		return Value{Null: true}, nil
	case "S", "DT", "TS", "By", "SB", "U16", "I16", "U32", "I32", "U64", "I64", "Sg", "Db", "D", "G",
		"URI", "Version", "XD", "SBK":
		if len(n.kids) != 0 {
			return Value{}, &ParseError{Line: n.line, Err: fmt.Errorf("<%s> holds elements", n.name)}
		}
		return Value{Text: p.unescape(n.text, n)}, nil
	case "B":
		switch strings.TrimSpace(n.text) {
		case "true":
			return Value{Text: "True"}, nil
		case "false":
			return Value{Text: "False"}, nil
		}
		return Value{}, &ParseError{Line: n.line, Err: fmt.Errorf("<B> holds %q, not true or false", n.text)}
	case "C":
		c, err := strconv.ParseUint(strings.TrimSpace(n.text), 10, 16)
		if err != nil {
			return Value{}, &ParseError{Line: n.line, Err: fmt.Errorf("<C> holds %q, not a UTF-16 code unit", n.text)}
		}
		return Value{Text: string(rune(c))}, nil
	case "BA":
		return Value{Text: strings.TrimSpace(n.text)}, nil
	case "SS":
		return Value{Text: "System.Security.SecureString"}, nil
	case "Ref":
		v, ok := p.values[n.refID]
		if parts := p.lazy[n.refID]; !ok && parts != nil {
			var err error
			if v, err = p.partsValue(parts, n.line); err != nil {
				return Value{}, err
			}
			ok = true
			p.values[n.refID] = v
			delete(p.lazy, n.refID)
		}
		if !ok {
			return Value{}, &ParseError{Line: n.line, Err: fmt.Errorf("<Ref RefId=%q> names no earlier object", n.refID)}
		}
		return v, nil
	case "Obj":
		v, err := p.objValue(n)
		if err != nil {
			return Value{}, err
		}
		if n.refID != "" {
			p.values[n.refID] = v
		}
		return v, nil
	}
	return Value{}, &ParseError{Line: n.line, Err: fmt.Errorf("unknown CLIXML element <%s>", n.name)}
}

// clixmlParts is what one <Obj> holds.
type clixmlParts struct {
	typeNames []string
	toString  *string
	props     []Property // <Props> then <MS>, SerializationData left out
	list      []string
	isList    bool
	prim      *Value
	rawDER    []byte // a <BA N="RawData"> property, decoded (nil when not Base64)
	rawLine   int    // its line; 0 when there is none
}

// partsValue is what an <Obj> shows as a property value: a collection's items, else its
// <ToString> (enums, Exchange identities, SmtpX509Identifier, Fqdn), else its primitive content,
// else its properties as PowerShell prints a custom object (@{A=1; B=2}).
func (p *clixmlParser) partsValue(c *clixmlParts, line int) (Value, error) {
	switch {
	case c.isList:
		list := c.list
		if list == nil {
			list = []string{}
		}
		return Value{IsList: true, List: list[:len(list):len(list)]}, nil
	case c.toString != nil:
		return Value{Text: *c.toString}, nil
	case c.prim != nil:
		return *c.prim, nil
	case c.props != nil:
		s := make([]string, len(c.props))
		for i, pr := range c.props {
			v, err := p.show(pr.Value, line)
			if err != nil {
				return Value{}, err
			}
			s[i] = pr.Name + "=" + v
		}
		t := "@{" + strings.Join(s, "; ") + "}"
		if err := p.charge(len(t), line); err != nil {
			return Value{}, err
		}
		return Value{Text: t}, nil
	}
	return Value{Text: ""}, nil
}

// charge counts n bytes of built text against the budget.
func (p *clixmlParser) charge(n, line int) error {
	p.expanded += int64(n)
	if p.expanded > p.budget {
		return &ParseError{Line: line, Err: fmt.Errorf("<Ref> elements expand to more than %d MiB of text", p.budget>>20)}
	}
	return nil
}

// objValue is the property value of a nested <Obj>.
func (p *clixmlParser) objValue(n *clixmlNode) (Value, error) {
	parts, err := p.objParts(n)
	if err != nil {
		return Value{}, err
	}
	isX509 := false
	for _, t := range parts.typeNames {
		if t == "System.Security.Cryptography.X509Certificates.X509Certificate2" {
			isX509 = true
		}
	}
	if isX509 && parts.rawDER != nil && p.nestedCert == nil {
		p.nestedCert = parts.rawDER
	}
	return p.partsValue(parts, n.line)
}

// objParts reads the children of an <Obj>, resolving and remembering type names and nested objects.
func (p *clixmlParser) objParts(n *clixmlNode) (*clixmlParts, error) {
	parts := &clixmlParts{}
	for _, k := range n.kids {
		switch k.name {
		case "TN", "TNRef":
			names, err := p.typeNames(k)
			if err != nil {
				return nil, err
			}
			parts.typeNames = names
		case "ToString":
			s := p.unescape(k.text, k)
			parts.toString = &s
		case "Props", "MS":
			for _, c := range k.kids {
				if clixmlSkipped(c) {
					continue
				}
				if c.n == "" {
					return nil, &ParseError{Line: c.line, Err: fmt.Errorf("<%s> in <%s> has no property name (N attribute)", c.name, k.name)}
				}
				if len(parts.props) >= MaxProperties {
					return nil, &ParseError{Line: c.line, Err: fmt.Errorf("object has more than %d properties", MaxProperties)}
				}
				v, err := p.value(c)
				if err != nil {
					return nil, err
				}
				pr := Property{Name: c.n, Value: v, Line: c.line}
				switch {
				case c.name == "BA" && c.n == "RawData" && parts.rawLine == 0:
					parts.rawDER = clixmlBase64(c.text)
					parts.rawLine = c.line
				case c.name == "SS":
					pr.Lossy = "secure string: Export-Clixml encrypted it for the exporting user and machine; it cannot be read here"
				}
				parts.props = append(parts.props, pr)
			}
		case "LST", "IE", "STK", "QUE":
			parts.isList = true
			for _, c := range k.kids {
				v, err := p.value(c)
				if err != nil {
					return nil, err
				}
				item, err := p.item(v, c.line)
				if err != nil {
					return nil, err
				}
				parts.list = append(parts.list, item)
			}
		case "DCT":
			parts.isList = true
			for _, en := range k.kids {
				var key, val string
				for _, c := range en.kids {
					v, err := p.value(c)
					if err != nil {
						return nil, err
					}
					t, err := p.show(v, c.line)
					if err != nil {
						return nil, err
					}
					switch c.n {
					case "Key":
						key = t
					case "Value":
						val = t
					}
				}
				if err := p.charge(len(key)+len(val)+4, en.line); err != nil {
					return nil, err
				}
				parts.list = append(parts.list, "["+key+", "+val+"]")
			}
		default:
			v, err := p.value(k)
			if err != nil {
				return nil, err
			}
			parts.prim = &v
		}
	}
	return parts, nil
}

// item is a collection item as a string: null items are empty, nested lists print as PowerShell shows them.
func (p *clixmlParser) item(v Value, line int) (string, error) {
	switch {
	case v.Null:
		return "", nil
	case v.IsList:
		t := "{" + strings.Join(v.List, ", ") + "}"
		return t, p.charge(len(t), line)
	}
	return v.Text, nil
}

// show is a value inside @{...} or a dictionary entry: a list's items joined by blanks, as
// PowerShell converts a collection to a string.
func (p *clixmlParser) show(v Value, line int) (string, error) {
	if v.IsList {
		t := strings.Join(v.List, " ")
		return t, p.charge(len(t), line)
	}
	return v.Text, nil
}

// unescape decodes _xHHHH_ escapes and records a warning on the current object when one encodes a lone surrogate.
func (p *clixmlParser) unescape(s string, n *clixmlNode) string {
	out, bad := clixmlDecode(s)
	if bad {
		p.propWarnings = append(p.propWarnings, PropertyWarning{Property: n.n, Line: n.line,
			Message: "an _xHHHH_ escape encodes a lone UTF-16 surrogate; it was replaced by U+FFFD"})
	}
	return out
}

// clixmlUnescape decodes _xHHHH_ escapes (lone surrogates become U+FFFD).
func clixmlUnescape(s string) string {
	out, _ := clixmlDecode(s)
	return out
}

// clixmlDecode decodes the _xHHHH_ escapes PowerShell writes for characters XML cannot hold
// (and for "_x" itself, as _x005F_x). Surrogate pairs written as two escapes are joined; a lone
// surrogate becomes U+FFFD and bad is true.
func clixmlDecode(s string) (out string, bad bool) {
	if !strings.Contains(s, "_x") {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for i < len(s) {
		u, ok := clixmlEscapeAt(s, i)
		if !ok {
			b.WriteByte(s[i])
			i++
			continue
		}
		i += 7
		switch {
		case utf16.IsSurrogate(rune(u)) && u < 0xDC00:
			if lo, ok := clixmlEscapeAt(s, i); ok && lo >= 0xDC00 && lo <= 0xDFFF {
				b.WriteRune(utf16.DecodeRune(rune(u), rune(lo)))
				i += 7
				continue
			}
			b.WriteRune('\uFFFD')
			bad = true
		case utf16.IsSurrogate(rune(u)):
			b.WriteRune('\uFFFD')
			bad = true
		default:
			b.WriteRune(rune(u))
		}
	}
	return b.String(), bad
}

// clixmlEscapeAt reads an _xHHHH_ escape at s[i:].
func clixmlEscapeAt(s string, i int) (uint16, bool) {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
	if err != nil {
		return 0, false
	}
	return uint16(v), true
}
