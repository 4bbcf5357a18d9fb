package export

import "strings"

// Get returns the object's property with the given name, compared case-insensitively as
// PowerShell does. The first one wins when an export repeats a name.
func (o *Object) Get(name string) (*Property, bool) {
	for i := range o.Properties {
		if strings.EqualFold(o.Properties[i].Name, name) {
			return &o.Properties[i], true
		}
	}
	return nil, false
}

// Text returns the property's value as text: "" when the property is absent or null, the text
// itself for a string, and for a list (from CLIXML or JSON) the items as Format-List prints a
// collection: "{a, b, c}".
func (o *Object) Text(name string) string {
	p, ok := o.Get(name)
	if !ok {
		return ""
	}
	return valueText(p.Value)
}

// valueText is Text for one value.
func valueText(v Value) string {
	switch {
	case v.Null:
		return ""
	case v.IsList:
		return "{" + strings.Join(v.List, ", ") + "}"
	}
	return v.Text
}

// List returns the property's value as a list of items: a CLIXML or JSON list as it is; a
// Format-List or Format-Table collection "{a, b, c}" split at ", " (a "{}" is an empty list, and
// the "..."/"…" that marks a collection cut at $FormatEnumerationLimit is removed from the last
// item; the property's Lossy says the list is incomplete); any other non-empty text is a list of
// one item. Absent and null properties give nil.
func (o *Object) List(name string) []string {
	p, ok := o.Get(name)
	if !ok || p.Value.Null {
		return nil
	}
	if p.Value.IsList {
		return p.Value.List
	}
	return splitCollection(p.Value.Text)
}

// splitCollection splits a collection as Format-List and Format-Table print it.
func splitCollection(t string) []string {
	s := strings.TrimSpace(t)
	if s == "" {
		return nil
	}
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return []string{s}
	}
	inner := s[1 : len(s)-1]
	if strings.HasSuffix(inner, "...") {
		inner = strings.TrimSuffix(inner, "...")
	} else if strings.HasSuffix(inner, "…") {
		inner = strings.TrimSuffix(inner, "…")
	}
	if inner == "" {
		return []string{}
	}
	return strings.Split(inner, ", ")
}

// Exact reports whether the property is present and its value was rebuilt exactly (its Lossy is "").
func (o *Object) Exact(name string) bool {
	p, ok := o.Get(name)
	return ok && p.Lossy == ""
}
