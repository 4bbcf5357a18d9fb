package cert

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TLSCertificateName builds the value Exchange stores in a connector's
// TlsCertificateName: "<I>" + issuer + "<S>" + subject, nothing added. issuer and
// subject must be the Windows strings (Certificate.Issuer and .Subject).
func TLSCertificateName(issuer, subject string) string {
	return "<I>" + issuer + "<S>" + subject
}

// ParseTLSCertificateName splits a TlsCertificateName read from an export into its
// issuer and subject. Blanks around the whole value are ignored and the tags may be
// in any case; nothing inside is trimmed or changed, so CompareTLSCertificateName
// can still see how the stored value differs from the Windows form. The "<S>" tag is
// the first one outside double quotes (a quoted name value may contain "<S>").
func ParseTLSCertificateName(s string) (issuer, subject string, err error) {
	s = strings.Trim(s, blanks)
	if s == "" {
		return "", "", errors.New("empty")
	}
	if !hasTagAt(s, 0, 'I') {
		return "", "", fmt.Errorf("does not start with %q", "<I>")
	}
	rest := s[3:]
	i := indexSTag(rest)
	if i < 0 {
		return "", "", fmt.Errorf("has no %q tag", "<S>")
	}
	return rest[:i], rest[i+3:], nil
}

// blanks are the characters trimmed around a stored value.
const blanks = " \t\r\n"

// indexSTag returns the index of the first "<S>" (any case) outside double quotes,
// or, when quotes are unbalanced and there is none, the first anywhere.
func indexSTag(s string) int {
	in := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			in = !in
		case !in && hasTagAt(s, i, 'S'):
			return i
		}
	}
	if in {
		for i := 0; i < len(s); i++ {
			if hasTagAt(s, i, 'S') {
				return i
			}
		}
	}
	return -1
}

// hasTagAt reports whether s holds "<" letter ">" at i, the letter in either
// ASCII case.
func hasTagAt(s string, i int, letter byte) bool {
	return i+3 <= len(s) && s[i] == '<' && s[i+1]&^0x20 == letter && s[i+2] == '>'
}

// NameComparison is the result of CompareTLSCertificateName.
type NameComparison struct {
	// Equal: the stored value is byte-identical to the wanted one after trimming
	// surrounding blanks, so Exchange finds the certificate.
	Equal bool
	// CannotMatch: the stored value, as written, cannot match any certificate:
	// it is malformed, or is not in the form Windows prints (ST=, lower-case tags,
	// spaces around tags or separators), or names the wanted certificate but
	// differs from its string in RDN order or case only.
	CannotMatch bool
	// IssuerDiffers and SubjectDiffers: that part names another value than the
	// wanted one (beyond the form problems that set CannotMatch).
	IssuerDiffers, SubjectDiffers bool
	// Explanation says in an admin's words what differs, parts joined by "; ",
	// e.g. `issuer differs: "CN=Sectigo RSA ..." vs "CN=COMODO RSA ..."` (the
	// certificate's value first, then the stored one), `subject: uses ST= where
	// Windows prints S=`, `subject: RDNs in forward order`, `differs only in case`.
	// It is "" when Equal.
	Explanation string
}

// CompareTLSCertificateName compares a TlsCertificateName stored in Exchange with
// the one wanted (TLSCertificateName of the certificate's Issuer and Subject) and
// explains any difference.
func CompareTLSCertificateName(stored, want string) NameComparison {
	s := strings.Trim(stored, blanks)
	w := strings.Trim(want, blanks)
	if s == w {
		return NameComparison{Equal: true}
	}
	si, ss, err := ParseTLSCertificateName(s)
	if err != nil {
		return NameComparison{CannotMatch: true, Explanation: "malformed: " + err.Error()}
	}
	var r NameComparison
	var why []string
	if s[:3] != "<I>" || s[3+len(si):3+len(si)+3] != "<S>" {
		r.CannotMatch = true
		why = append(why, `tags must be written "<I>" and "<S>" in upper case`)
	}
	if strings.Trim(si, blanks) != si || strings.Trim(ss, blanks) != ss {
		r.CannotMatch = true
		why = append(why, "extra spaces around the <I>/<S> tags")
	}
	wi, ws, werr := ParseTLSCertificateName(w)
	if werr == nil && strings.EqualFold(s, w) && len(why) > 0 && si != wi && ss != ws {
		// Tags, issuer and subject all differ in case only.
		return NameComparison{CannotMatch: true, Explanation: "differs only in case"}
	}
	if werr != nil {
		// The wanted value is certswap's own; compare whole strings.
		r.IssuerDiffers, r.SubjectDiffers = true, true
		why = append(why, fmt.Sprintf("differs: %s vs %s", messageQuote(w), messageQuote(s)))
		r.Explanation = strings.Join(why, "; ")
		return r
	}
	for _, p := range []struct {
		part          string
		stored, wants string
		differs       *bool
	}{
		{"issuer", strings.Trim(si, blanks), wi, &r.IssuerDiffers},
		{"subject", strings.Trim(ss, blanks), ws, &r.SubjectDiffers},
	} {
		cannot, content, msgs := compareDN(p.stored, p.wants)
		if cannot {
			r.CannotMatch = true
		}
		*p.differs = content
		for _, m := range msgs {
			why = append(why, p.part+": "+m)
		}
		if content {
			why = append(why, fmt.Sprintf("%s differs: %s vs %s", p.part, messageQuote(p.wants), messageQuote(p.stored)))
		}
	}
	if !r.CannotMatch && !r.IssuerDiffers && !r.SubjectDiffers {
		// Only blanks or tag details differed and were reported above; should not
		// happen, but never report "different" without a reason.
		r.CannotMatch = true
		why = append(why, "differs in spacing")
	}
	r.Explanation = strings.Join(why, "; ")
	return r
}

// compareDN compares one stored DN string with the wanted Windows string. cannot is
// true when the stored string is not in Windows' printed form or names the wanted
// DN in another order or case; content is true when it names another DN. msgs
// describe the form problems.
func compareDN(stored, want string) (cannot, content bool, msgs []string) {
	if stored == want {
		return false, false, nil
	}
	if strings.EqualFold(stored, want) {
		return true, false, []string{"differs only in case"}
	}
	if stored == "" {
		return false, true, nil // an empty name (Windows prints "" for one)
	}
	sr, ok := parseDNString(stored)
	if !ok {
		return true, true, []string{"malformed (unbalanced quotes or an attribute without \"=\")"}
	}
	// Form problems visible in the stored string alone.
	if kp := keyProblems(sr); len(kp) > 0 {
		cannot = true
		msgs = append(msgs, kp...)
	}
	if r := renderDN(sr); r != stored {
		cannot = true
		if spacingOnly(stored, r) {
			msgs = append(msgs, `spaces around separators differ from Windows' ", " and " + "`)
		} else {
			msgs = append(msgs, "quoting differs from the way Windows quotes values")
		}
	}
	wr, ok := parseDNString(want)
	if !ok {
		return cannot, true, msgs
	}
	switch {
	case equalRDNs(sr, wr, false):
	case equalRDNs(reverseRDNs(sr), wr, false):
		cannot = true
		msgs = append(msgs, "RDNs in forward order")
	case equalRDNs(sr, wr, true):
		cannot = true
		msgs = append(msgs, "differs only in case")
	case equalRDNs(reverseRDNs(sr), wr, true):
		cannot = true
		msgs = append(msgs, "RDNs in forward order", "differs only in case")
	default:
		content = true
	}
	if !cannot && !content {
		// Same RDNs, same form, yet different bytes: key case such as "cn=".
		cannot = true
		msgs = append(msgs, "differs only in case")
	}
	return cannot, content, msgs
}

// dnAttr is one KEY=VALUE of a DN string, KEY as written, VALUE unquoted.
type dnAttr struct {
	key, value string
	quoted     bool // the value was in double quotes
}

// parseDNString splits a Windows-style DN string into RDNs (on "," outside quotes)
// and attributes (on "+" outside quotes), trimming blanks around keys and values
// and removing Windows quoting. ok is false for unbalanced quotes or an attribute
// with no "=".
func parseDNString(s string) (rdns [][]dnAttr, ok bool) {
	if strings.Count(s, `"`)%2 != 0 {
		return nil, false
	}
	for _, rdn := range splitOutsideQuotes(s, ',') {
		var attrs []dnAttr
		for _, a := range splitOutsideQuotes(rdn, '+') {
			k, v, found := strings.Cut(a, "=")
			if !found {
				return nil, false
			}
			k = strings.Trim(k, blanks)
			v = strings.Trim(v, " \t")
			if k == "" {
				return nil, false
			}
			quoted := len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"'
			if quoted {
				v = strings.ReplaceAll(v[1:len(v)-1], `""`, `"`)
			}
			attrs = append(attrs, dnAttr{key: k, value: v, quoted: quoted})
		}
		rdns = append(rdns, attrs)
	}
	return rdns, true
}

func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	in := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			in = !in
		case !in && s[i] == sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// renderDN prints parsed RDNs in Windows' form (separators, quoting), keys as
// written.
func renderDN(rdns [][]dnAttr) string {
	var b strings.Builder
	for i, rdn := range rdns {
		if i > 0 {
			b.WriteString(", ")
		}
		for j, a := range rdn {
			if j > 0 {
				b.WriteString(" + ")
			}
			b.WriteString(a.key)
			b.WriteByte('=')
			if !a.quoted && strings.HasPrefix(a.value, "#") && isHexValue(a.value[1:]) {
				b.WriteString(a.value)
			} else {
				b.WriteString(quoteValue(a.value))
			}
		}
	}
	return b.String()
}

func isHexValue(s string) bool {
	if s == "" || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// spacingOnly reports whether a and b differ only in blanks outside quotes.
func spacingOnly(a, b string) bool {
	strip := func(s string) string {
		var out strings.Builder
		in := false
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '"' {
				in = !in
			}
			if !in && (c == ' ' || c == '\t') {
				continue
			}
			out.WriteByte(c)
		}
		return out.String()
	}
	return strip(a) == strip(b)
}

// keyAliases maps keys other tools print or accept (OpenSSL short and long names,
// the input aliases of CertStrToName) to the key Windows prints, by upper-cased
// alias. Dotted OIDs, with or without "OID.", are handled by canonicalKey.
var keyAliases = map[string]string{
	"ST":                              "S",
	"STATEORPROVINCENAME":             "S",
	"EMAIL":                           "E",
	"EMAILADDRESS":                    "E",
	"TITLE":                           "T",
	"GN":                              "G",
	"GIVENNAME":                       "G",
	"INITIALS":                        "I",
	"SURNAME":                         "SN",
	"STREETADDRESS":                   "STREET",
	"COMMONNAME":                      "CN",
	"COUNTRYNAME":                     "C",
	"LOCALITYNAME":                    "L",
	"ORGANIZATIONNAME":                "O",
	"ORGANIZATIONALUNITNAME":          "OU",
	"DOMAINCOMPONENT":                 "DC",
	"TELEPHONENUMBER":                 "Phone",
	"BUSINESSCATEGORY":                "OID.2.5.4.15",
	"ORGANIZATIONIDENTIFIER":          "OID.2.5.4.97",
	"UID":                             "OID.0.9.2342.19200300.100.1.1",
	"UNSTRUCTUREDNAME":                "OID.1.2.840.113549.1.9.2",
	"JURISDICTIONC":                   "OID.1.3.6.1.4.1.311.60.2.1.3",
	"JURISDICTIONCOUNTRYNAME":         "OID.1.3.6.1.4.1.311.60.2.1.3",
	"JURISDICTIONST":                  "OID.1.3.6.1.4.1.311.60.2.1.2",
	"JURISDICTIONSTATEORPROVINCENAME": "OID.1.3.6.1.4.1.311.60.2.1.2",
	"JURISDICTIONL":                   "OID.1.3.6.1.4.1.311.60.2.1.1",
	"JURISDICTIONLOCALITYNAME":        "OID.1.3.6.1.4.1.311.60.2.1.1",
}

// windowsKeyByUpper maps an upper-cased Windows key to its exact spelling.
var windowsKeyByUpper = func() map[string]string {
	m := map[string]string{}
	for _, k := range windowsKeys {
		m[strings.ToUpper(k)] = k
	}
	return m
}()

// canonicalKey maps a key as written to the key Windows prints for that
// attribute; "" when the key names no attribute certswap knows.
func canonicalKey(k string) string {
	u := strings.ToUpper(k)
	if w, ok := windowsKeyByUpper[u]; ok {
		return w
	}
	if w, ok := keyAliases[u]; ok {
		return w
	}
	if isDotted(strings.TrimPrefix(u, "OID.")) {
		return attributeKey(strings.TrimPrefix(u, "OID."))
	}
	return ""
}

// isDotted reports whether s looks like a dotted OID ("2.5.4.3").
func isDotted(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || !strings.Contains(s, ".") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] == '.' || '0' <= s[i] && s[i] <= '9') || s[i] == '.' && s[i-1] == '.' {
			return false
		}
	}
	return true
}

// keyProblems describes each key of the stored string that Windows would not
// print as written (ST instead of S, cn instead of CN, an unknown name), once per
// key, in order of appearance.
func keyProblems(rdns [][]dnAttr) []string {
	var out []string
	seen := map[string]bool{}
	for _, rdn := range rdns {
		for _, a := range rdn {
			c := canonicalKey(a.key)
			if c == a.key || seen[a.key] {
				continue
			}
			seen[a.key] = true
			if c == "" {
				out = append(out, fmt.Sprintf("uses %s=, a key Windows does not print (it prints OID.<number>= for attributes it has no name for)", a.key))
				continue
			}
			out = append(out, fmt.Sprintf("uses %s= where Windows prints %s=", a.key, c))
		}
	}
	return out
}

func reverseRDNs(r [][]dnAttr) [][]dnAttr {
	out := make([][]dnAttr, len(r))
	for i := range r {
		out[len(r)-1-i] = r[i]
	}
	return out
}

// equalRDNs compares two parsed DNs with keys canonicalised; fold also ignores
// case in values.
func equalRDNs(a, b [][]dnAttr, fold bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			x, y := a[i][j], b[i][j]
			if kx, ky := canonicalKey(x.key), canonicalKey(y.key); kx != ky || kx == "" && !strings.EqualFold(x.key, y.key) {
				return false
			}
			if fold && !strings.EqualFold(x.value, y.value) || !fold && x.value != y.value {
				return false
			}
		}
	}
	return true
}

// messageQuote puts s in double quotes for a one-line message; double quotes and
// control characters are escaped with a backslash, everything else (backslashes
// included) is kept as is.
func messageQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' {
			b.WriteString(`\"`)
			continue
		}
		if r < 0x20 || r == 0x7f || 0x80 <= r && r < 0xa0 {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}
