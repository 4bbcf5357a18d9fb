package validate

// Helpers over the Windows-format names and host coverage of validate/cert.

import (
	"strings"

	"certswap/validate/cert"
)

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

// covers is (*cert.Certificate).Covers for a certificate that may be unknown (nil).
func covers(c *cert.Certificate, host string) cert.Coverage {
	if c == nil {
		return cert.Coverage{}
	}
	return c.Covers(host)
}

// certIsWildcard reports whether Exchange sees c as a wildcard certificate: its subject CN (or,
// without one, its first SAN name) is a wildcard.
func certIsWildcard(c *cert.Certificate) bool {
	if cn := commonName(c.Subject); cn != "" {
		return cert.IsWildcard(cn)
	}
	return len(c.DNSNames) > 0 && cert.IsWildcard(c.DNSNames[0])
}

// nameCovers reports whether one DNS name of a list (an exported CertificateDomains entry, which may
// be a wildcard) covers host, by the same rules as (*cert.Certificate).Covers.
func nameCovers(name, host string) bool {
	return (&cert.Certificate{DNSNames: []string{name}}).Covers(host).Covered
}
