package validate

// Local stand-ins for validate/cert functions that are being written in parallel.
// TODO(lead): replace each with the cert.X named in its comment once committed; the semantics
// here follow the contract in the H6 brief and DESIGN.md's exactness rules.

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"certswap/validate/cert"
)

// tlsName builds Exchange's TlsCertificateName. TODO(lead): replace with cert.TLSCertificateName.
func tlsName(issuer, subject string) string { return "<I>" + issuer + "<S>" + subject }

// parseTLSName splits "<I>issuer<S>subject". TODO(lead): replace with cert.ParseTLSCertificateName.
func parseTLSName(s string) (issuer, subject string, err error) {
	s = strings.Trim(s, " \t")
	if !strings.HasPrefix(s, "<I>") {
		return "", "", errors.New("does not start with <I>")
	}
	i := strings.Index(s, "<S>")
	if i < 0 {
		return "", "", errors.New("has no <S>")
	}
	return s[3:i], s[i+3:], nil
}

// nameComparison is the result of compareTLSName. TODO(lead): replace with cert.NameComparison.
type nameComparison struct {
	Equal       bool   // byte-identical after trimming surrounding blanks
	CannotMatch bool   // no certificate can match the stored value as written
	Explanation string // what differs, in an admin's words; "" when Equal
}

// compareTLSName compares a stored TlsCertificateName with the wanted one.
// TODO(lead): replace with cert.CompareTLSCertificateName.
func compareTLSName(stored, want string) nameComparison {
	s := strings.Trim(stored, " \t")
	if s == want {
		return nameComparison{Equal: true}
	}
	cannot := func(why string) nameComparison { return nameComparison{CannotMatch: true, Explanation: why} }
	low := strings.ToLower(s)
	switch {
	case !strings.Contains(low, "<i>") || !strings.Contains(low, "<s>"):
		return cannot("is not of the form <I>issuer<S>subject")
	case strings.Index(low, "<s>") < strings.Index(low, "<i>"):
		return cannot("has <S> before <I>")
	case !strings.HasPrefix(low, "<i>"):
		return cannot("has text before <I>")
	case !strings.HasPrefix(s, "<I>") || !strings.Contains(s, "<S>"):
		return cannot("uses lower-case tags <i>/<s> where Windows writes <I> and <S>")
	}
	issuer, subject, _ := parseTLSName(s)
	for _, n := range []string{issuer, subject} {
		if n != strings.TrimSpace(n) {
			return cannot("has blanks around <I> or <S>")
		}
		if why := badDN(n); why != "" {
			return cannot(why)
		}
	}
	if strings.EqualFold(s, want) {
		return cannot("differs only in case")
	}
	wi, ws, _ := parseTLSName(want)
	switch {
	case issuer != wi && subject != ws:
		return nameComparison{Explanation: fmt.Sprintf("names issuer %q and subject %q", issuer, subject)}
	case issuer != wi:
		return nameComparison{Explanation: fmt.Sprintf("names issuer %q", issuer)}
	default:
		return nameComparison{Explanation: fmt.Sprintf("names subject %q", subject)}
	}
}

// badDN says why a distinguished name cannot be one Windows printed, "" when it can.
func badDN(n string) string {
	rdns := splitDN(n)
	if len(rdns) == 0 {
		return "has an empty name"
	}
	for _, r := range rdns {
		t, _, ok := strings.Cut(r, "=")
		if !ok {
			return fmt.Sprintf("has %q, which is not TYPE=value", r)
		}
		if t != strings.TrimSpace(t) || strings.HasPrefix(r[len(t)+1:], " ") {
			return "has blanks around = (OpenSSL's layout, not Windows')"
		}
		if t == "ST" {
			return "uses ST= where Windows prints S="
		}
		if t != strings.ToUpper(t) && !strings.HasPrefix(t, "OID.") {
			return fmt.Sprintf("uses %s= where Windows prints %s=", t, strings.ToUpper(t))
		}
	}
	first, _, _ := strings.Cut(rdns[0], "=")
	last, _, _ := strings.Cut(rdns[len(rdns)-1], "=")
	if (first == "C" || first == "DC") && last == "CN" {
		return "lists the name in forward order (C= first); Windows prints CN= first"
	}
	return ""
}

// splitDN splits a Windows-format name on ", " outside double quotes.
func splitDN(n string) []string {
	var out []string
	q := false
	start := 0
	for i := 0; i < len(n); i++ {
		switch n[i] {
		case '"':
			q = !q
		case ',':
			if !q {
				out = append(out, strings.TrimSpace(n[start:i]))
				start = i + 1
			}
		}
	}
	if rest := strings.TrimSpace(n[start:]); rest != "" || len(out) > 0 {
		out = append(out, rest)
	}
	return out
}

// commonName returns the first CN= value of a Windows-format name, unquoted.
func commonName(n string) string {
	for _, r := range splitDN(n) {
		if v, ok := strings.CutPrefix(r, "CN="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// cleanResult is a cleaned thumbprint. TODO(lead): replace with cert.CleanResult.
type cleanResult struct {
	Value   string   // 40 upper-case hex digits
	Removed []string // what was removed ("U+200E", "space", ...), in order of first appearance
}

// cleanThumbprint removes separators and invisible marks, upper-cases, and requires 40 hex digits.
// TODO(lead): replace with cert.CleanThumbprint.
func cleanThumbprint(s string) (cleanResult, error) {
	var b strings.Builder
	var res cleanResult
	seen := map[string]bool{}
	note := func(what string) {
		if !seen[what] {
			seen[what] = true
			res.Removed = append(res.Removed, what)
		}
	}
	for _, r := range s {
		switch {
		case r == ' ':
			note("space")
		case r == ':':
			note("colon")
		case r == '-':
			note("hyphen")
		case r == '\t':
			note("tab")
		case r == '\u200E' || r == '\u200F' || (r >= '\u202A' && r <= '\u202E') || (r >= '\u200B' && r <= '\u200D') || r == '\uFEFF' || r == '\u00A0':
			note(fmt.Sprintf("U+%04X", r))
		case (r >= '0' && r <= '9') || (r >= 'A' && r <= 'F'):
			b.WriteRune(r)
		case r >= 'a' && r <= 'f':
			b.WriteRune(r - 'a' + 'A')
		default:
			return cleanResult{}, fmt.Errorf("holds %q, which is not a hex digit", r)
		}
	}
	v := b.String()
	if len(v) != 40 {
		return cleanResult{}, fmt.Errorf("has %d hex digits, not 40", len(v))
	}
	res.Value = v
	return res, nil
}

// coverage says whether a certificate covers a host name. TODO(lead): replace with cert.Coverage.
type coverage struct {
	Covered bool
	By      string // the SAN (or CN) entry that covers it
	Warning string
}

// covers reports whether c covers host: a SAN dNSName (a wildcard covers exactly one label), a SAN
// IP address, or, for a certificate without SAN names, the subject CN.
// TODO(lead): replace with (*cert.Certificate).Covers.
func covers(c *cert.Certificate, host string) coverage {
	h := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(host), "."))
	if h == "" || c == nil {
		return coverage{}
	}
	if ip := net.ParseIP(strings.Trim(h, "[]")); ip != nil {
		for _, a := range c.IPAddresses {
			if b := net.ParseIP(a); b != nil && b.Equal(ip) {
				return coverage{Covered: true, By: a}
			}
		}
		return coverage{}
	}
	names := c.DNSNames
	if len(names) == 0 && len(c.IPAddresses) == 0 {
		if cn := commonName(c.Subject); cn != "" {
			names = []string{cn}
		}
	}
	for _, n := range names {
		if nameCovers(n, h) {
			return coverage{Covered: true, By: n}
		}
	}
	return coverage{}
}

func nameCovers(pattern, h string) bool {
	p := strings.ToLower(strings.TrimSuffix(pattern, "."))
	if p == h {
		return true
	}
	if rest, ok := strings.CutPrefix(p, "*."); ok {
		label, parent, found := strings.Cut(h, ".")
		return found && label != "" && parent == rest
	}
	return false
}

// isWildcard reports whether a DNS name is a wildcard ("*.contoso.com"). TODO(lead): replace with cert.IsWildcard.
func isWildcard(name string) bool { return strings.HasPrefix(name, "*.") }

// certIsWildcard reports whether Exchange sees c as a wildcard certificate: its subject CN (or,
// without one, its first SAN name) is a wildcard.
func certIsWildcard(c *cert.Certificate) bool {
	if cn := commonName(c.Subject); cn != "" {
		return isWildcard(cn)
	}
	return len(c.DNSNames) > 0 && isWildcard(c.DNSNames[0])
}
