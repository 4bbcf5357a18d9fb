package validate

import (
	"bufio"
	"os"
	"strings"
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

func TestCompareTLSName(t *testing.T) {
	for _, tc := range []struct {
		stored             string
		equal, cannotMatch bool
		why                string
	}{
		{newName, true, false, ""},
		{" " + newName + "\t", true, false, ""},
		{oldName, false, false, "names issuer"},
		{strings.Replace(newName, "S=Greater", "ST=Greater", 1), false, true, "uses ST= where Windows prints S="},
		{"<i>" + sectigoIssuer + "<s>" + mailSubject, false, true, "lower-case tags"},
		{"<I>C=GB, S=Greater Manchester, L=Salford, O=Sectigo Limited, CN=Sectigo RSA Domain Validation Secure Server CA<S>" + mailSubject, false, true, "forward order"},
		{"<I>" + sectigoIssuer + "<S>CN=MAIL.contoso.com", false, true, "differs only in case"},
		{"<I>CN = x<S>CN=mail.contoso.com", false, true, "blanks around ="},
		{"<I> " + sectigoIssuer + "<S>" + mailSubject, false, true, "blanks around <I> or <S>"},
		{mailSubject, false, true, "not of the form"},
		{"<S>" + mailSubject + "<I>" + sectigoIssuer, false, true, "<S> before <I>"},
		{"<I>cn=x<S>CN=mail.contoso.com", false, true, "uses cn= where Windows prints CN="},
	} {
		got := compareTLSName(tc.stored, newName)
		if got.Equal != tc.equal || got.CannotMatch != tc.cannotMatch || !strings.Contains(got.Explanation, tc.why) {
			t.Errorf("compareTLSName(%q) = %+v, want equal %v cannotMatch %v %q", tc.stored, got, tc.equal, tc.cannotMatch, tc.why)
		}
	}
}

func TestCleanThumbprint(t *testing.T) {
	for _, tc := range []struct {
		in, want, removed, err string
	}{
		{tpOld, tpOld, "", ""},
		{strings.ToLower(tpOld), tpOld, "", ""},
		{"\u200e9f 8e 7d 6c 5b 4a 39 28 17 06 f5 e4 d3 c2 b1 a0 98 76 54 32", tpOld, "U+200E,space", ""},
		{"9F:8E:7D:6C:5B:4A:39:28:17:06:F5:E4:D3:C2:B1:A0:98:76:54:32", tpOld, "colon", ""},
		{tpOld + "AB", "", "", "has 42 hex digits, not 40"},
		{"9F8E7D6C5B4A39281706F5E4D3C2B1A09876543G", "", "", "not a hex digit"},
	} {
		got, err := cleanThumbprint(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("cleanThumbprint(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got.Value != tc.want || strings.Join(got.Removed, ",") != tc.removed {
			t.Errorf("cleanThumbprint(%q) = %+v, %v", tc.in, got, err)
		}
	}
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
	cnOnly := &cert.Certificate{Subject: "CN=legacy.contoso.com, O=Contoso"}
	if !covers(cnOnly, "legacy.contoso.com").Covered {
		t.Error("a certificate without SAN names is matched by its CN")
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

func FuzzCompareTLSName(f *testing.F) {
	for _, s := range seeds(f, "tls-names.txt") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := compareTLSName(s, newName)
		if got.Equal != (strings.Trim(s, " \t") == newName) {
			t.Fatalf("Equal = %v for %q", got.Equal, s)
		}
		if got.Equal && (got.CannotMatch || got.Explanation != "") {
			t.Fatalf("equal with an explanation: %+v", got)
		}
		if !got.Equal && got.Explanation == "" {
			t.Fatalf("no explanation for %q", s)
		}
	})
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

func FuzzCleanThumbprint(f *testing.F) {
	for _, s := range []string{tpOld, strings.ToLower(tpOld), "\u200e9f 8e", tpOld + "AB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cleanThumbprint(s)
		if err != nil {
			return
		}
		if len(got.Value) != 40 || strings.ToUpper(got.Value) != got.Value {
			t.Fatalf("%q cleaned to %q", s, got.Value)
		}
	})
}
