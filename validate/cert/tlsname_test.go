package cert

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The field story (DESIGN.md): a renewal from the same CA whose issuing
// intermediate was renamed from COMODO to Sectigo; the subject is unchanged. The
// strings are in Windows' printed form (notes/windows-dn-format.md: reversed RDNs,
// S= for the state).
const (
	comodoIssuer  = "CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB"
	sectigoIssuer = "CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB"
	mailSubject   = "CN=mail.contoso.com, OU=PositiveSSL, OU=Domain Control Validated"
)

func TestTLSCertificateName(t *testing.T) {
	tests := []struct{ issuer, subject, want string }{
		{sectigoIssuer, mailSubject, "<I>" + sectigoIssuer + "<S>" + mailSubject},
		{"CN=Root", "CN=Root", "<I>CN=Root<S>CN=Root"},
		{"", "", "<I><S>"},
		{`O="ABA.ECOM, INC."`, `CN="a<S>b"`, `<I>O="ABA.ECOM, INC."<S>CN="a<S>b"`},
	}
	for _, tt := range tests {
		if got := TLSCertificateName(tt.issuer, tt.subject); got != tt.want {
			t.Errorf("TLSCertificateName(%q, %q) = %q, want %q", tt.issuer, tt.subject, got, tt.want)
		}
	}
}

func TestParseTLSCertificateName(t *testing.T) {
	tests := []struct {
		in, issuer, subject, err string
	}{
		{"<I>" + comodoIssuer + "<S>" + mailSubject, comodoIssuer, mailSubject, ""},
		{"  <I>CN=a<S>CN=b \t\r\n", "CN=a", "CN=b", ""},
		{"<i>CN=a<s>CN=b", "CN=a", "CN=b", ""},
		{"<I>CN=a<s>CN=b", "CN=a", "CN=b", ""},
		{"<I> CN=a <S> CN=b", " CN=a ", " CN=b", ""},
		{`<I>CN="x<S>y"<S>CN=b`, `CN="x<S>y"`, "CN=b", ""},
		{`<I>CN="x""<S>""y"<S>CN=b`, `CN="x""<S>""y"`, "CN=b", ""},
		{`<I>CN="unbalanced<S>CN=b`, `CN="unbalanced`, "CN=b", ""},
		{"<I><S>", "", "", ""},
		{"<I>CN=a<S>CN=b<S>CN=c", "CN=a", "CN=b<S>CN=c", ""},
		{"", "", "", "empty"},
		{"   ", "", "", "empty"},
		{"CN=a<S>CN=b", "", "", `does not start with "<I>"`},
		{"<I>CN=a", "", "", `has no "<S>" tag`},
		{"<S>CN=b<I>CN=a", "", "", `does not start with "<I>"`},
		{"<I", "", "", `does not start with "<I>"`},
	}
	for _, tt := range tests {
		issuer, subject, err := ParseTLSCertificateName(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || issuer != tt.issuer || subject != tt.subject {
			t.Errorf("Parse(%q) = %q, %q, %v; want %q, %q", tt.in, issuer, subject, err, tt.issuer, tt.subject)
		}
	}
}

func TestCompareTLSCertificateName(t *testing.T) {
	want := TLSCertificateName(sectigoIssuer, mailSubject)
	tests := []struct {
		name        string
		stored      string
		want        string
		equal       bool
		cannotMatch bool
		issuer      bool // IssuerDiffers
		subject     bool // SubjectDiffers
		explain     string
	}{
		{name: "identical", stored: want, want: want, equal: true},
		{name: "identical with blanks around", stored: "  " + want + "\r\n", want: want, equal: true},
		{
			name: "field story: stale COMODO issuer, same subject", stored: TLSCertificateName(comodoIssuer, mailSubject), want: want,
			issuer:  true,
			explain: `issuer differs: "` + sectigoIssuer + `" vs "` + comodoIssuer + `"`,
		},
		{
			name: "another subject", stored: TLSCertificateName(sectigoIssuer, "CN=owa.contoso.com"), want: want,
			subject: true,
			explain: `subject differs: "` + mailSubject + `" vs "CN=owa.contoso.com"`,
		},
		{
			name: "whole value in lower case", stored: strings.ToLower(want), want: want,
			cannotMatch: true, explain: "differs only in case",
		},
		{
			name: "lower-case tags", stored: "<i>" + sectigoIssuer + "<s>" + mailSubject, want: want,
			cannotMatch: true, explain: `tags must be written "<I>" and "<S>" in upper case`,
		},
		{
			name: "lower-case tags and subject", stored: "<i>" + sectigoIssuer + "<s>" + strings.ToLower(mailSubject), want: want,
			cannotMatch: true, explain: `tags must be written "<I>" and "<S>" in upper case; subject: differs only in case`,
		},
		{
			name: "lower-case tags and another issuer", stored: "<i>" + comodoIssuer + "<s>" + mailSubject, want: want,
			cannotMatch: true, issuer: true,
			explain: `tags must be written "<I>" and "<S>" in upper case; issuer differs: "` + sectigoIssuer + `" vs "` + comodoIssuer + `"`,
		},
		{
			name: "subject differs only in case", stored: TLSCertificateName(sectigoIssuer, "CN=MAIL.contoso.com, OU=PositiveSSL, OU=Domain Control Validated"), want: want,
			cannotMatch: true, explain: "subject: differs only in case",
		},
		{
			name: "ST= instead of S=", stored: TLSCertificateName(strings.Replace(sectigoIssuer, "S=", "ST=", 1), mailSubject), want: want,
			cannotMatch: true, explain: "issuer: uses ST= where Windows prints S=",
		},
		{
			name:   "ST= and a stale issuer",
			stored: TLSCertificateName(strings.Replace(comodoIssuer, "S=", "ST=", 1), mailSubject), want: want,
			cannotMatch: true, issuer: true,
			explain: `issuer: uses ST= where Windows prints S=; issuer differs: "` + sectigoIssuer + `" vs "` + strings.Replace(comodoIssuer, "S=", "ST=", 1) + `"`,
		},
		{
			name:   "issuer in forward order, as OpenSSL prints it",
			stored: TLSCertificateName("C=GB, ST=Greater Manchester, L=Salford, O=Sectigo Limited, CN=Sectigo RSA Domain Validation Secure Server CA", mailSubject), want: want,
			cannotMatch: true,
			explain:     "issuer: uses ST= where Windows prints S=; issuer: RDNs in forward order",
		},
		{
			name:   "subject in forward order",
			stored: TLSCertificateName(sectigoIssuer, "OU=Domain Control Validated, OU=PositiveSSL, CN=mail.contoso.com"), want: want,
			cannotMatch: true, explain: "subject: RDNs in forward order",
		},
		{
			name:   "forward order and other case",
			stored: TLSCertificateName(sectigoIssuer, "OU=Domain Control Validated, OU=PositiveSSL, CN=MAIL.contoso.com"), want: want,
			cannotMatch: true, explain: "subject: RDNs in forward order; subject: differs only in case",
		},
		{
			name:   "RFC 2253 separators without spaces",
			stored: TLSCertificateName(sectigoIssuer, "CN=mail.contoso.com,OU=PositiveSSL,OU=Domain Control Validated"), want: want,
			cannotMatch: true, explain: `subject: spaces around separators differ from Windows' ", " and " + "`,
		},
		{
			name:   "spaces around =",
			stored: TLSCertificateName(sectigoIssuer, "CN = mail.contoso.com, OU=PositiveSSL, OU=Domain Control Validated"), want: want,
			cannotMatch: true, explain: `subject: spaces around separators differ from Windows' ", " and " + "`,
		},
		{
			name:   "spaces around the tags",
			stored: "<I> " + sectigoIssuer + " <S> " + mailSubject, want: want,
			cannotMatch: true, explain: "extra spaces around the <I>/<S> tags",
		},
		{
			name: "lower-case key", stored: TLSCertificateName(sectigoIssuer, "cn=mail.contoso.com, OU=PositiveSSL, OU=Domain Control Validated"), want: want,
			cannotMatch: true, explain: "subject: differs only in case",
		},
		{
			name: "lower-case key and another name", stored: TLSCertificateName(sectigoIssuer, "cn=owa.contoso.com"), want: want,
			cannotMatch: true, subject: true,
			explain: `subject: uses cn= where Windows prints CN=; subject differs: "` + mailSubject + `" vs "cn=owa.contoso.com"`,
		},
		{
			name: "upper-case tags, issuer in other case", stored: TLSCertificateName(strings.ToUpper(sectigoIssuer), mailSubject), want: want,
			cannotMatch: true, explain: "issuer: differs only in case",
		},
		{
			name: "emailAddress and an unknown key", stored: TLSCertificateName(sectigoIssuer, "emailAddress=a@contoso.com, foo=bar"),
			want:        TLSCertificateName(sectigoIssuer, "E=a@contoso.com, OID.1.2.3=bar"),
			cannotMatch: true, subject: true,
			explain: `subject: uses emailAddress= where Windows prints E=; subject: uses foo=, a key Windows does not print (it prints OID.<number>= for attributes it has no name for); subject differs: "E=a@contoso.com, OID.1.2.3=bar" vs "emailAddress=a@contoso.com, foo=bar"`,
		},
		{
			name:   "businessCategory instead of OID.2.5.4.15",
			stored: TLSCertificateName(sectigoIssuer, "CN=www.contoso.com, businessCategory=Private Organization"),
			want:   TLSCertificateName(sectigoIssuer, "CN=www.contoso.com, OID.2.5.4.15=Private Organization"), cannotMatch: true,
			explain: "subject: uses businessCategory= where Windows prints OID.2.5.4.15=",
		},
		{
			name:   "RFC 4514 backslash escape instead of quotes",
			stored: TLSCertificateName(`CN=CA, O=ABA.ECOM\, INC.`, mailSubject),
			want:   TLSCertificateName(`CN=CA, O="ABA.ECOM, INC."`, mailSubject), cannotMatch: true, issuer: true,
			explain: `issuer: malformed (unbalanced quotes or an attribute without "="); issuer differs: "CN=CA, O=\"ABA.ECOM, INC.\"" vs "CN=CA, O=ABA.ECOM\, INC."`,
		},
		{
			name:   "unneeded quotes",
			stored: TLSCertificateName(`CN="CA"`, mailSubject),
			want:   TLSCertificateName(`CN=CA`, mailSubject), cannotMatch: true,
			explain: "issuer: quoting differs from the way Windows quotes values",
		},
		{
			name:   "quoted value containing <S> is kept whole",
			stored: TLSCertificateName(`CN="a<S>b"`, mailSubject),
			want:   TLSCertificateName(`CN="a<S>b"`, mailSubject), equal: true,
		},
		{name: "empty stored value", stored: "", want: want, cannotMatch: true, explain: "malformed: empty"},
		{
			name: "empty issuer stored", stored: "<I><S>" + mailSubject, want: want, issuer: true,
			explain: `issuer differs: "` + sectigoIssuer + `" vs ""`,
		},
		{name: "empty names on both sides", stored: "<I><S>", want: "<I><S>", equal: true},
		{name: "no tags", stored: mailSubject, want: want, cannotMatch: true, explain: `malformed: does not start with "<I>"`},
		{name: "missing <S>", stored: "<I>" + sectigoIssuer, want: want, cannotMatch: true, explain: `malformed: has no "<S>" tag`},
		{
			name:   "control character shown escaped",
			stored: TLSCertificateName("CN=a\nb", mailSubject), want: TLSCertificateName("CN=x", mailSubject), cannotMatch: true, issuer: true,
			explain: `issuer: quoting differs from the way Windows quotes values; issuer differs: "CN=x" vs "CN=a\nb"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CompareTLSCertificateName(tt.stored, tt.want)
			if got.Equal != tt.equal || got.CannotMatch != tt.cannotMatch || got.IssuerDiffers != tt.issuer || got.SubjectDiffers != tt.subject {
				t.Errorf("got %+v\nwant Equal=%v CannotMatch=%v IssuerDiffers=%v SubjectDiffers=%v", got, tt.equal, tt.cannotMatch, tt.issuer, tt.subject)
			}
			if got.Explanation != tt.explain {
				t.Errorf("Explanation:\n got %s\nwant %s", got.Explanation, tt.explain)
			}
			if got.Equal && got.CannotMatch {
				t.Error("Equal and CannotMatch both set")
			}
			if !got.Equal && got.Explanation == "" {
				t.Error("not equal but no explanation")
			}
		})
	}
}

// TestCompareWithWindowsNames runs the comparison on issuer/subject strings that
// WindowsName printed for documented vectors (quoting, multi-valued RDNs, #hex),
// which must compare equal to themselves and be told apart from each other.
func TestCompareWithWindowsNames(t *testing.T) {
	var names []string
	for _, v := range loadNameVectors(t) {
		if v.Order != "forward" && v.Want != "" {
			names = append(names, v.Want)
		}
	}
	for _, n := range names {
		want := TLSCertificateName(n, n)
		if got := CompareTLSCertificateName(want, want); !got.Equal {
			t.Errorf("%q not equal to itself: %+v", n, got)
		}
		other := TLSCertificateName("CN=Other CA", n)
		got := CompareTLSCertificateName(other, want)
		if got.Equal || !got.IssuerDiffers || got.SubjectDiffers {
			t.Errorf("%q: issuer change not seen alone: %+v", n, got)
		}
		// A value certswap printed is always in Windows' form: no form problem.
		if got.CannotMatch {
			t.Errorf("%q: Windows form reported as unmatched: %s", n, got.Explanation)
		}
	}
}

func FuzzParseTLSCertificateName(f *testing.F) {
	f.Add("<I>" + comodoIssuer + "<S>" + mailSubject)
	f.Add(" <i>CN=a<s>CN=b ")
	f.Add(`<I>CN="x<S>y"<S>CN=b`)
	f.Add(`<I>CN="x<S>CN=b`)
	f.Add("")
	f.Add("<I")
	for _, v := range loadNameVectors(f) {
		f.Add(TLSCertificateName(v.Want, v.Want))
	}
	f.Fuzz(func(t *testing.T, s string) {
		issuer, subject, err := ParseTLSCertificateName(s)
		if err != nil {
			if issuer != "" || subject != "" {
				t.Fatalf("error %v with values %q %q", err, issuer, subject)
			}
			return
		}
		trimmed := strings.Trim(s, blanks)
		rebuilt := TLSCertificateName(issuer, subject)
		canonical := strings.HasPrefix(trimmed, "<I>") && trimmed[3+len(issuer):3+len(issuer)+3] == "<S>"
		if canonical != (rebuilt == trimmed) {
			t.Fatalf("canonical tags %v but rebuilt %q vs %q", canonical, rebuilt, trimmed)
		}
		if !strings.EqualFold(rebuilt, trimmed) {
			t.Fatalf("rebuilt %q differs from %q beyond tag case", rebuilt, trimmed)
		}
		c := CompareTLSCertificateName(s, rebuilt)
		if canonical && !c.Equal {
			t.Fatalf("canonical value not equal to itself: %+v", c)
		}
		if !c.Equal && c.Explanation == "" {
			t.Fatalf("no explanation: %+v", c)
		}
	})
}

func FuzzCompareTLSCertificateName(f *testing.F) {
	want := TLSCertificateName(sectigoIssuer, mailSubject)
	f.Add(TLSCertificateName(comodoIssuer, mailSubject), want)
	f.Add("<i>C=GB, ST=x<s>cn=a,OU=b", want)
	f.Add(`<I>CN="a<S>b"<S>CN=""""`, `<I>CN="a<S>b"<S>CN=""""`)
	f.Add("", "")
	f.Fuzz(func(t *testing.T, stored, want string) {
		c := CompareTLSCertificateName(stored, want)
		if c.Equal != (strings.Trim(stored, blanks) == strings.Trim(want, blanks)) {
			t.Fatalf("Equal %v for %q / %q", c.Equal, stored, want)
		}
		if c.Equal && (c.CannotMatch || c.IssuerDiffers || c.SubjectDiffers || c.Explanation != "") {
			t.Fatalf("equal but %+v", c)
		}
		if !c.Equal && c.Explanation == "" {
			t.Fatalf("no explanation: %+v", c)
		}
	})
}

// TestFieldStoryFixtures replays the field story on the openssl-made look-alike
// certificates of testdata/certs: old-mail (issued by "COMODO RSA Domain Validation
// Secure Server CA") and its renewal new-mail ("Sectigo RSA ..."), same subject.
// The expected names come from `openssl x509 -nameopt
// sep_comma_plus_space,dn_rev,sname`, which for these names differs from Windows
// only in writing ST= for S=.
func TestFieldStoryFixtures(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl")
	}
	dir := filepath.Join("..", "..", "testdata", "certs")
	type names struct{ issuer, subject, opensslIssuer string }
	load := func(file string) (*Certificate, names) {
		path := filepath.Join(dir, file)
		der, err := os.ReadFile(path)
		if err != nil {
			t.Skipf("fixture: %v", err)
		}
		c, err := Parse(der)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out, err := exec.Command("openssl", "x509", "-inform", "DER", "-in", path, "-noout", "-subject", "-issuer",
			"-nameopt", "sep_comma_plus_space,dn_rev,sname,utf8,-esc_msb").Output()
		if err != nil {
			t.Fatalf("openssl: %v", err)
		}
		var n names
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			k, v, _ := strings.Cut(line, "=")
			switch k {
			case "subject":
				n.subject = strings.ReplaceAll(v, "ST=", "S=")
			case "issuer":
				n.opensslIssuer = v
				n.issuer = strings.ReplaceAll(v, "ST=", "S=")
			}
		}
		if c.Issuer != n.issuer || c.Subject != n.subject {
			t.Fatalf("%s: names %q / %q, openssl %q / %q", file, c.Issuer, c.Subject, n.issuer, n.subject)
		}
		return c, n
	}
	oldC, oldN := load("old-mail.cer")
	newC, newN := load("new-mail.cer")
	if oldN.issuer != comodoIssuer || newN.issuer != sectigoIssuer || oldN.subject != newN.subject {
		t.Fatalf("fixtures are not the field story: %+v %+v", oldN, newN)
	}
	stored := TLSCertificateName(oldC.Issuer, oldC.Subject)
	want := TLSCertificateName(newC.Issuer, newC.Subject)
	got := CompareTLSCertificateName(stored, want)
	wantExplain := `issuer differs: "` + sectigoIssuer + `" vs "` + comodoIssuer + `"`
	if got.Equal || got.CannotMatch || !got.IssuerDiffers || got.SubjectDiffers || got.Explanation != wantExplain {
		t.Errorf("stale value: %+v", got)
	}
	// An admin who copied the issuer from openssl's output instead of Windows'.
	got = CompareTLSCertificateName("<I>"+newN.opensslIssuer+"<S>"+newN.subject, want)
	if got.Equal || !got.CannotMatch || got.IssuerDiffers || got.Explanation != "issuer: uses ST= where Windows prints S=" {
		t.Errorf("openssl-style value: %+v", got)
	}
	if got := CompareTLSCertificateName(want, want); !got.Equal {
		t.Errorf("fresh value: %+v", got)
	}
}
