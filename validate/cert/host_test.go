package cert

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCovers(t *testing.T) {
	sanCert := &Certificate{
		DNSNames:    []string{"mail.contoso.com", "*.contoso.com", "AutoDiscover.Contoso.COM", "xn--bcher-kva.example", "ex01.", "legacy_host.contoso.local"},
		IPAddresses: []string{"192.0.2.25", "2001:db8::25"},
		RawSubject:  utf8Name("ignored.fabrikam.com"),
	}
	cnOnly := &Certificate{RawSubject: utf8Name("EX01.contoso.local")}
	cnAndIP := &Certificate{RawSubject: utf8Name("ex01.contoso.local"), IPAddresses: []string{"10.0.0.1"}}
	wildcardCN := &Certificate{RawSubject: utf8Name("*.fabrikam.com")}
	tests := []struct {
		name string
		c    *Certificate
		host string
		want Coverage
	}{
		{"exact SAN", sanCert, "mail.contoso.com", Coverage{Covered: true, By: "mail.contoso.com"}},
		{"case-insensitive", sanCert, "MAIL.Contoso.com", Coverage{Covered: true, By: "mail.contoso.com"}},
		{"SAN in mixed case", sanCert, "autodiscover.contoso.com", Coverage{Covered: true, By: "*.contoso.com"}},
		{"trailing dot on host", sanCert, "mail.contoso.com.", Coverage{Covered: true, By: "mail.contoso.com"}},
		{"trailing dot on SAN", sanCert, "EX01", Coverage{Covered: true, By: "ex01."}},
		{"wildcard covers one label", sanCert, "owa.contoso.com", Coverage{Covered: true, By: "*.contoso.com"}},
		{"wildcard does not cover the apex", sanCert, "contoso.com", Coverage{}},
		{"wildcard does not cover two labels", sanCert, "a.b.contoso.com", Coverage{}},
		{"wildcard needs a non-empty label", sanCert, ".contoso.com", Coverage{}},
		{"other domain", sanCert, "mail.fabrikam.com", Coverage{}},
		{"suffix is not a match", sanCert, "evilcontoso.com", Coverage{}},
		{"IDN U-label host matches A-label SAN", sanCert, "bücher.example", Coverage{Covered: true, By: "xn--bcher-kva.example"}},
		{"IDN A-label host", sanCert, "XN--BCHER-KVA.example", Coverage{Covered: true, By: "xn--bcher-kva.example"}},
		{"IDN host in upper case", sanCert, "BÜCHER.example", Coverage{Covered: true, By: "xn--bcher-kva.example"}},
		{"underscore kept as ASCII", sanCert, "Legacy_Host.contoso.local", Coverage{Covered: true, By: "legacy_host.contoso.local"}},
		{"IPv4 SAN", sanCert, "192.0.2.25", Coverage{Covered: true, By: "192.0.2.25"}},
		{"IPv6 SAN, other spelling", sanCert, "2001:DB8:0:0:0:0:0:25", Coverage{Covered: true, By: "2001:db8::25"}},
		{"IPv6 in brackets", sanCert, "[2001:db8::25]", Coverage{Covered: true, By: "2001:db8::25"}},
		{"IPv4-mapped IPv6", sanCert, "::ffff:192.0.2.25", Coverage{Covered: true, By: "192.0.2.25"}},
		{"other IP", sanCert, "192.0.2.26", Coverage{}},
		{"IP never matches a DNS SAN or CN", cnOnly, "10.0.0.1", Coverage{}},
		{"subject CN ignored when there are DNS SANs", sanCert, "ignored.fabrikam.com", Coverage{}},
		{"CN used without SAN", cnOnly, "ex01.contoso.local", Coverage{Covered: true, By: "EX01.contoso.local", Warning: "certificate has no SAN; matched the subject CN"}},
		{"CN without SAN, other host", cnOnly, "ex02.contoso.local", Coverage{}},
		{"CN used with only IP SANs", cnAndIP, "EX01.CONTOSO.LOCAL", Coverage{Covered: true, By: "ex01.contoso.local", Warning: "certificate has no DNS name in its SAN; matched the subject CN"}},
		{"wildcard CN", wildcardCN, "www.fabrikam.com", Coverage{Covered: true, By: "*.fabrikam.com", Warning: "certificate has no SAN; matched the subject CN"}},
		{"single-label wildcard covers nothing", &Certificate{DNSNames: []string{"*.com"}}, "contoso.com", Coverage{}},
		{"partial wildcard compared literally", &Certificate{DNSNames: []string{"m*.contoso.com"}}, "mail.contoso.com", Coverage{}},
		{"empty host", sanCert, "", Coverage{}},
		{"only a dot", sanCert, ".", Coverage{}},
		{"nil certificate", nil, "mail.contoso.com", Coverage{}},
		{"no names at all", &Certificate{}, "mail.contoso.com", Coverage{}},
		{"invalid subject DER", &Certificate{RawSubject: []byte{0x30, 0x05}}, "mail.contoso.com", Coverage{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.Covers(tt.host); got != tt.want {
				t.Errorf("Covers(%q) = %+v, want %+v", tt.host, got, tt.want)
			}
		})
	}
}

// TestCoversFixtures loads the openssl-made certificates of testdata/certs and
// checks Covers against the SANs openssl printed into expected.txt.
func TestCoversFixtures(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "certs")
	f, err := os.Open(filepath.Join(dir, "expected.txt"))
	if err != nil {
		t.Skipf("no certificate fixtures: %v", err)
	}
	defer f.Close()
	sans := map[string][]string{} // cert name -> "dns x" / "ip y"
	var cur string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "cert":
			cur = v
		case "dns", "ip":
			sans[cur] = append(sans[cur], k+" "+v)
		}
	}
	checked := 0
	for _, name := range []string{"tls-rsa", "wildcard", "selfsigned", "tls-ec"} {
		der, err := os.ReadFile(filepath.Join(dir, name+".cer"))
		if err != nil {
			der, err = os.ReadFile(filepath.Join(dir, name+".der"))
		}
		if err != nil || len(sans[name]) == 0 {
			continue
		}
		c, err := Parse(der)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range sans[name] {
			kind, v, _ := strings.Cut(s, " ")
			host := v
			if kind == "dns" && IsWildcard(v) {
				host = "host" + v[1:]
			}
			if got := c.Covers(host); !got.Covered || got.Warning != "" {
				t.Errorf("%s does not cover %s (%s from openssl): %+v", name, host, s, got)
			}
			checked++
		}
		if got := c.Covers("not-in-the-certificate.example"); got.Covered {
			t.Errorf("%s covers an unrelated name: %+v", name, got)
		}
	}
	if checked == 0 {
		t.Skip("no fixture with SANs found")
	}
}

func TestIsWildcard(t *testing.T) {
	tests := map[string]bool{
		"*.contoso.com": true, "*.com": true, "*.": false, "*": false, "": false,
		"mail.contoso.com": false, "m*.contoso.com": false, "a.*.contoso.com": false,
	}
	for in, want := range tests {
		if got := IsWildcard(in); got != want {
			t.Errorf("IsWildcard(%q) = %v, want %v", in, got, want)
		}
	}
}

func FuzzCovers(f *testing.F) {
	f.Add("*.contoso.com", "mail.contoso.com")
	f.Add("xn--bcher-kva.example", "bücher.example")
	f.Add("192.0.2.25", "[::ffff:192.0.2.25]")
	f.Add("*.", ".")
	f.Fuzz(func(t *testing.T, san, host string) {
		c := &Certificate{DNSNames: []string{san}, IPAddresses: []string{san}, RawSubject: utf8Name("x")}
		got := c.Covers(host)
		if got.Covered && got.By != san {
			t.Fatalf("covered by %q, not the only entry %q", got.By, san)
		}
		if got.Warning != "" {
			t.Fatalf("warning with a SAN present: %q", got.Warning)
		}
		if !got.Covered && got.By != "" {
			t.Fatalf("By without coverage: %+v", got)
		}
	})
}
