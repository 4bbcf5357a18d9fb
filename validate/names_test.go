package validate

import (
	"bufio"
	"os"
	"testing"

	"certswap/validate/cert"
)

func seeds(t testing.TB, name string) []string {
	f, err := os.Open("../testdata/checks/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		out = append(out, s.Text())
	}
	return out
}

func TestCovers(t *testing.T) {
	c := &cert.Certificate{Subject: "CN=*.contoso.com", DNSNames: []string{"*.contoso.com", "contoso.com"}, IPAddresses: []string{"192.0.2.10"}}
	for host, want := range map[string]bool{
		"mail.contoso.com": true, "MAIL.Contoso.com.": true, "contoso.com": true,
		"a.b.contoso.com": false, "fabrikam.com": false, "192.0.2.10": true, "192.0.2.11": false, "": false,
	} {
		if got := covers(c, host).Covered; got != want {
			t.Errorf("covers(%q) = %v", host, got)
		}
	}
	// The subject-CN fallback reads the DER subject; validate/cert's host tests cover it.
	if covers(nil, "mail.contoso.com").Covered {
		t.Error("an unknown certificate covers nothing")
	}
	if !nameCovers("*.contoso.com", "mail.contoso.com") || nameCovers("*.contoso.com", "contoso.com") {
		t.Error("nameCovers: a wildcard covers exactly one label")
	}
}

func TestParseServices(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"IMAP, POP, IIS, SMTP", "IMAP, POP, IIS, SMTP", true},
		{"None", "None", true},
		{"IP.WS..", "IMAP, POP, IIS, SMTP", true},
		{"....S..", "SMTP", true},
		{".......", "None", true},
		{"IP.WS.", "IMAP, POP, IIS, SMTP", true},
		{"....SF", "SMTP, Federation", true},
		{"I..WS..", "IMAP, IIS, SMTP", true},
		{"......C", "UMCallRouter", true},
		{"SMTP, IIS", "IIS, SMTP", true},
		{"IIS, Exchange", "", false},
	} {
		set, ok := parseServices(tc.in)
		if ok != tc.ok || ok && servicesText(set) != tc.want {
			t.Errorf("parseServices(%q) = %v %v, want %q %v", tc.in, servicesText(set), ok, tc.want, tc.ok)
		}
	}
}

func FuzzParseServices(f *testing.F) {
	for _, s := range seeds(f, "services.txt") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, ok := parseServices(s)
		if !ok {
			return
		}
		// What parses re-renders to a value that parses to the same set.
		again, ok := parseServices(servicesText(set))
		if !ok || servicesText(again) != servicesText(set) {
			t.Fatalf("%q: %q does not round-trip", s, servicesText(set))
		}
	})
}

// FuzzConnectorTLSName runs the connector checks on any stored TlsCertificateName: no panic, at
// most one finding per check, and a fix is either absent or one Set-ReceiveConnector line that
// sets the new certificate's exact string.
func FuzzConnectorTLSName(f *testing.F) {
	for _, s := range seeds(f, "tls-names.txt") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		in := base()
		in.Old = oldCert()
		in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, s, "mail.contoso.com"))
		r, err := runChecks(in, []*Check{exchangeReceiveConnectorTLSName, exchangeTLSNameCannotMatch, exchangeConnectorFqdnNotCovered})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Findings) > 1 {
			t.Fatalf("%q: %d findings", s, len(r.Findings))
		}
		for _, f := range r.Findings {
			want := `Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '` + newName + `'`
			if f.Fix != "" && f.Fix != want {
				t.Fatalf("%q: fix %s", s, f.Fix)
			}
		}
	})
}
