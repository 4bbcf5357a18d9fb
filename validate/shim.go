package validate

// Local stand-ins for validate/cert functions that are being written in parallel.
// TODO(lead): replace each with the cert.X named in its comment once committed; the semantics
// here follow the contract in the H6 brief and DESIGN.md's exactness rules (SAN coverage, a
// wildcard covers exactly one label).

import (
	"net"
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
