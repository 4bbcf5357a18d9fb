package cert

import (
	"net/netip"
	"strings"

	"golang.org/x/net/idna"
)

// Coverage says whether a certificate covers a host name, and by which entry.
type Coverage struct {
	Covered bool
	By      string // the SAN entry or subject CN that matched, as written in the certificate
	Warning string // "certificate has no SAN; matched the subject CN" when the CN was used, else ""
}

// Covers reports whether the certificate is valid for host as TLS clients check it:
//
//   - a host that is an IP address (IPv4, IPv6, optionally in brackets) matches
//     only an iPAddress SAN of the same address (IPv4-mapped IPv6 equals IPv4);
//   - a DNS host matches a dNSName SAN; the subject CN is used only when the
//     certificate has no dNSName SAN, and then Warning says so;
//   - names compare case-insensitively, ignore one trailing dot, and compare
//     internationalised names in A-label (punycode) form (IDNA2008 lookup rules);
//   - "*." at the start of an entry covers exactly one left-most label:
//     *.contoso.com covers mail.contoso.com but neither contoso.com nor
//     a.b.contoso.com. A wildcard over a single label (*.com) covers nothing, and
//     a "*" anywhere else is compared literally.
//
// Covers reads DNSNames, IPAddresses and RawSubject, so it works when X509 is nil.
func (c *Certificate) Covers(host string) Coverage {
	if c == nil {
		return Coverage{}
	}
	h := strings.TrimSpace(host)
	if ip, ok := parseIP(h); ok {
		for _, s := range c.IPAddresses {
			if sip, ok := parseIP(s); ok && sip == ip {
				return Coverage{Covered: true, By: s}
			}
		}
		return Coverage{}
	}
	hn, ok := normalizeHost(h)
	if !ok {
		return Coverage{}
	}
	dns := c.DNSNames
	if len(dns) == 0 && c.X509 != nil {
		dns = c.X509.DNSNames
	}
	if len(dns) > 0 {
		for _, san := range dns {
			if matchHost(san, hn) {
				return Coverage{Covered: true, By: san}
			}
		}
		return Coverage{}
	}
	raw := c.RawSubject
	if len(raw) == 0 && c.X509 != nil {
		raw = c.X509.RawSubject
	}
	cn := subjectCN(raw)
	if cn == "" || !matchHost(cn, hn) {
		return Coverage{}
	}
	w := "certificate has no SAN; matched the subject CN"
	if len(c.IPAddresses) > 0 {
		w = "certificate has no DNS name in its SAN; matched the subject CN"
	}
	return Coverage{Covered: true, By: cn, Warning: w}
}

// IsWildcard reports whether a certificate name is a wildcard that Covers
// expands: "*." followed by at least one more label.
func IsWildcard(name string) bool {
	return len(name) > 2 && strings.HasPrefix(name, "*.")
}

// parseIP parses an IP address, optionally in brackets, dropping any zone and
// unmapping IPv4-mapped IPv6.
func parseIP(s string) (netip.Addr, bool) {
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return ip.WithZone("").Unmap(), true
}

// normalizeHost lower-cases a DNS name, drops one trailing dot and converts it to
// A-labels. Names the IDNA lookup profile rejects (an underscore, say) are kept
// when they are ASCII, lower-cased.
func normalizeHost(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".")
	if s == "" || strings.HasSuffix(s, ".") {
		return "", false
	}
	a, err := idna.Lookup.ToASCII(s)
	if err == nil && a != "" {
		return a, true
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] <= ' ' {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// matchHost reports whether a certificate name (SAN entry or CN) covers the
// normalised host hn.
func matchHost(name, hn string) bool {
	if IsWildcard(name) {
		base, ok := normalizeHost(name[2:])
		if !ok || !strings.Contains(base, ".") {
			return false
		}
		first, rest, found := strings.Cut(hn, ".")
		return found && first != "" && rest == base
	}
	n, ok := normalizeHost(name)
	return ok && n == hn
}

// subjectCN returns the most specific (last encoded) common name of a DER subject
// Name, or "" when there is none or the DER is invalid.
func subjectCN(der []byte) string {
	rdns, ok := parseName(der)
	if !ok {
		return ""
	}
	cn := ""
	for _, rdn := range rdns {
		for _, a := range rdn {
			if a.oid == "2.5.4.3" && !a.binary {
				cn = a.value
			}
		}
	}
	return cn
}
