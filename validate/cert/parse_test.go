package cert

import (
	"bufio"
	"bytes"
	"cmp"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// certsDir is the fixture folder made by testdata/certs/make-certs.sh. CERTSWAP_CERTS_DIR
// points the tests at a fresh run of the script (CERTS_OUT=DIR sh make-certs.sh) instead.
var certsDir = cmp.Or(os.Getenv("CERTSWAP_CERTS_DIR"), "../../testdata/certs")

// expected is one certificate's record in testdata/certs/expected.txt, written by
// make-certs.sh from openssl's output (never from certswap).
type expected struct {
	name       string
	thumbprint string
	sha256     string
	serial     string
	notBefore  time.Time
	notAfter   time.Time
	dns        []string
	ips        []netip.Addr
}

// readExpected parses expected.txt; it is keyed by certificate name and by thumbprint.
func readExpected(t testing.TB) (byName, byThumb map[string]*expected) {
	t.Helper()
	f, err := os.Open(filepath.Join(certsDir, "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byName, byThumb = map[string]*expected{}, map[string]*expected{}
	var cur *expected
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, _ := strings.Cut(line, " ")
		if key == "cert" {
			cur = &expected{name: val}
			byName[val] = cur
			continue
		}
		if cur == nil {
			t.Fatalf("expected.txt:%d: value before the first cert line", n)
		}
		switch key {
		case "thumbprint":
			cur.thumbprint = val
			byThumb[val] = cur
		case "sha256":
			cur.sha256 = val
		case "serial":
			cur.serial = val
		case "notBefore", "notAfter", "notBefore-asn1", "notAfter-asn1":
			tm := opensslTime(t, key, val)
			if strings.HasPrefix(key, "notBefore") {
				cur.notBefore = tm
			} else {
				cur.notAfter = tm
			}
		case "dns":
			cur.dns = append(cur.dns, val)
		case "ip":
			a, err := netip.ParseAddr(val)
			if err != nil {
				t.Fatalf("expected.txt:%d: %v", n, err)
			}
			cur.ips = append(cur.ips, a)
		default:
			t.Fatalf("expected.txt:%d: unknown key %q", n, key)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return byName, byThumb
}

// opensslTime reads openssl's "-dates" form ("Jan  1 00:00:00 2025 GMT") or, for the
// genconf certificates, the ASN.1 text the config wrote (UTCTime YYMMDDHHMMSSZ with the
// RFC 5280 century rule, or GeneralizedTime YYYYMMDDHHMMSSZ).
func opensslTime(t testing.TB, key, val string) time.Time {
	t.Helper()
	var tm time.Time
	var err error
	switch {
	case !strings.HasSuffix(key, "-asn1"):
		tm, err = time.Parse("Jan _2 15:04:05 2006 MST", val)
	case len(val) == len("YYMMDDHHMMSSZ"):
		tm, err = time.Parse("20060102150405Z", "20"+val)
		if err == nil && val[:2] >= "50" {
			tm = tm.AddDate(-100, 0, 0)
		}
	default:
		tm, err = time.Parse("20060102150405Z", val)
	}
	if err != nil {
		t.Fatalf("expected.txt: %s %q: %v", key, val, err)
	}
	return tm.UTC()
}

// checkAgainstOpenSSL compares every value openssl recorded for the certificate.
func checkAgainstOpenSSL(t *testing.T, c *Certificate, e *expected) {
	t.Helper()
	if c.Thumbprint != e.thumbprint {
		t.Errorf("%s: Thumbprint = %s, openssl says %s", e.name, c.Thumbprint, e.thumbprint)
	}
	if c.SHA256 != e.sha256 {
		t.Errorf("%s: SHA256 = %s, openssl says %s", e.name, c.SHA256, e.sha256)
	}
	if c.SerialNumber != e.serial {
		t.Errorf("%s: SerialNumber = %s, openssl says %s", e.name, c.SerialNumber, e.serial)
	}
	if !c.NotBefore.Equal(e.notBefore) || c.NotBefore.Location() != time.UTC {
		t.Errorf("%s: NotBefore = %v, openssl says %v", e.name, c.NotBefore, e.notBefore)
	}
	if !c.NotAfter.Equal(e.notAfter) || c.NotAfter.Location() != time.UTC {
		t.Errorf("%s: NotAfter = %v, openssl says %v", e.name, c.NotAfter, e.notAfter)
	}
	if !slices.Equal(c.DNSNames, e.dns) {
		t.Errorf("%s: DNSNames = %q, openssl says %q", e.name, c.DNSNames, e.dns)
	}
	var ips []netip.Addr
	for _, s := range c.IPAddresses {
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Errorf("%s: IP address %q does not parse: %v", e.name, s, err)
		}
		ips = append(ips, a)
	}
	if !slices.Equal(ips, e.ips) {
		t.Errorf("%s: IPAddresses = %v, openssl says %v", e.name, ips, e.ips)
	}
}

const (
	ekuServer = "1.3.6.1.5.5.7.3.1"
	ekuClient = "1.3.6.1.5.5.7.3.2"
	ekuEmail  = "1.3.6.1.5.5.7.3.4"
	ekuDocSig = "1.3.6.1.4.1.311.10.3.12"

	issuingCA = "CN=Certswap Test Issuing CA 1, O=Certswap Test, C=US"
	oddCA     = "CN=Certswap Odd CA, C=US"
)

// parseCases: DER fixtures with the facts make-certs.sh put into them. Windows names are
// written by hand from notes/windows-dn-format.md (reversed RDNs, ", ", S=, quoting of a
// value holding a comma, #hex for an OCTET STRING value), not taken from certswap.
var parseCases = []struct {
	file, cert      string
	subject, issuer string
	keyAlg          string
	keySize         int
	sigAlg          string
	eku             []string
	selfSigned      bool
	x509Refuses     bool
}{
	{"tls-rsa.cer", "tls-rsa", `CN=mail.contoso.com, O="Contoso, Ltd", L=Redmond, S=Washington, C=US`, issuingCA,
		"RSA", 2048, "SHA256-RSA", []string{ekuServer, ekuClient}, false, false},
	{"tls-ec.der", "tls-ec", "CN=ec.contoso.com, O=Contoso, C=US", issuingCA,
		"ECDSA", 256, "SHA256-RSA", []string{ekuServer}, false, false},
	{"wildcard.cer", "wildcard", "CN=*.contoso.com, O=Contoso, C=US", issuingCA,
		"RSA", 2048, "SHA256-RSA", []string{ekuServer}, false, false},
	{"expired.cer", "expired", "CN=expired.contoso.com, O=Contoso, C=US", issuingCA,
		"RSA", 2048, "SHA256-RSA", []string{ekuServer}, false, false},
	{"sha1.cer", "sha1", "CN=sha1.contoso.com, O=Contoso, C=US", issuingCA,
		"RSA", 2048, "SHA1-RSA", []string{ekuServer}, false, false},
	{"rsa1024.cer", "rsa1024", "CN=weak.contoso.com, O=Contoso, C=US", issuingCA,
		"RSA", 1024, "SHA256-RSA", []string{ekuServer}, false, false},
	{"client.cer", "client", "CN=client.contoso.com, O=Contoso, C=US", issuingCA,
		"RSA", 2048, "SHA256-RSA", []string{ekuClient, ekuEmail}, false, false},
	{"selfsigned.cer", "selfsigned", "CN=EX01", "CN=EX01",
		"RSA", 2048, "SHA256-RSA", []string{ekuServer}, true, false},
	{"selfsigned-sha1.cer", "selfsigned-sha1", "CN=EX2010", "CN=EX2010",
		"RSA", 2048, "SHA1-RSA", []string{ekuServer}, true, false},
	{"old-mail.cer", "old-mail", "CN=mail.contoso.com",
		"CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB",
		"RSA", 2048, "SHA256-RSA", []string{ekuServer, ekuClient}, false, false},
	{"new-mail.cer", "new-mail", "CN=mail.contoso.com",
		"CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB",
		"RSA", 2048, "SHA256-RSA", []string{ekuServer, ekuClient}, false, false},
	{"odd-negative-serial.der", "odd-negative-serial", "CN=odd-negative-serial.contoso.com, O=Contoso", oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, true},
	{"odd-dates.der", "odd-dates", "CN=odd-dates.contoso.com, O=Contoso", oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, false},
	{"odd-octet-name.der", "odd-octet-name", "CN=odd-octet-name.contoso.com, O=#414243", oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, true},
	{"odd-printable.der", "odd-printable", "CN=odd-printable.contoso.com, O=Contoso @ Test_Lab", oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, true},
	{"odd-san.der", "odd-san", "CN=odd-san.contoso.com, O=Contoso", oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, true},
	{"odd-huge-name.der", "odd-huge-name", "CN=odd-huge-name.contoso.com, O=" + strings.Repeat("a", 16384), oddCA,
		"ECDSA", 256, "ECDSA-SHA256", []string{ekuServer, ekuDocSig}, false, false},
}

func TestParse(t *testing.T) {
	byName, _ := readExpected(t)
	for _, tc := range parseCases {
		t.Run(tc.file, func(t *testing.T) {
			der, err := os.ReadFile(filepath.Join(certsDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Parse(der)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			e := byName[tc.cert]
			if e == nil {
				t.Fatalf("expected.txt has no %s", tc.cert)
			}
			checkAgainstOpenSSL(t, c, e)
			if !bytes.Equal(c.Raw, der) {
				t.Error("Raw is not the DER")
			}
			if c.Subject != tc.subject {
				t.Errorf("Subject = %q, want %q", short(c.Subject), short(tc.subject))
			}
			if c.Issuer != tc.issuer {
				t.Errorf("Issuer = %q, want %q", c.Issuer, tc.issuer)
			}
			if c.KeyAlgorithm != tc.keyAlg || c.KeySize != tc.keySize {
				t.Errorf("key = %s/%d, want %s/%d", c.KeyAlgorithm, c.KeySize, tc.keyAlg, tc.keySize)
			}
			if c.SignatureAlgorithm != tc.sigAlg {
				t.Errorf("SignatureAlgorithm = %q, want %q", c.SignatureAlgorithm, tc.sigAlg)
			}
			if !slices.Equal(c.ExtKeyUsage, tc.eku) {
				t.Errorf("ExtKeyUsage = %q, want %q", c.ExtKeyUsage, tc.eku)
			}
			if c.SelfSigned != tc.selfSigned {
				t.Errorf("SelfSigned = %v, want %v", c.SelfSigned, tc.selfSigned)
			}
			if got := c.ParseError != nil; got != tc.x509Refuses {
				t.Errorf("ParseError = %v, want an error: %v", c.ParseError, tc.x509Refuses)
			}
			if (c.X509 == nil) != tc.x509Refuses {
				t.Errorf("X509 set = %v with ParseError %v", c.X509 != nil, c.ParseError)
			}
			if c.HasPrivateKey || c.KeyProvider != "" {
				t.Error("a bare certificate claims a private key")
			}
			if len(c.RawSubject) == 0 || len(c.RawIssuer) == 0 {
				t.Error("RawSubject/RawIssuer empty")
			}
		})
	}
}

func TestCertificateTLSCertificateName(t *testing.T) {
	c, err := Parse(mustRead(t, "new-mail.cer"))
	if err != nil {
		t.Fatal(err)
	}
	want := "<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com"
	if got := c.TLSCertificateName(); got != want {
		t.Errorf("TLSCertificateName() = %q\nwant %q", got, want)
	}
}

func short(s string) string {
	if len(s) > 120 {
		return s[:60] + "…" + s[len(s)-40:]
	}
	return s
}

// TestParseNotCertificate: input that is not a certificate is an error, never a panic.
func TestParseNotCertificate(t *testing.T) {
	der, err := os.ReadFile(filepath.Join(certsDir, "tls-rsa.cer"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"empty":          nil,
		"null":           {0x05, 0x00},
		"empty sequence": {0x30, 0x00},
		"trailing byte":  append(bytes.Clone(der), 0),
		"pfx":            mustRead(t, "tls-ec-empty.pfx"),
		"p7b":            mustRead(t, "new-mail-chain.p7b"),
	}
	for i := 0; i < len(der); i += 7 {
		cases["truncated at "+itoa(i)] = der[:i]
	}
	for name, in := range cases {
		c, err := Parse(in)
		if err == nil || c != nil {
			t.Errorf("%s: Parse = %v, %v; want nil and an error", name, c, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "not an X.509 certificate") {
			t.Errorf("%s: error %q", name, err)
		}
	}
}

func TestReadTime(t *testing.T) {
	cases := []struct {
		der  []byte
		want string
	}{
		{append([]byte{0x17, 13}, "250101000000Z"...), "2025-01-01T00:00:00Z"},
		{append([]byte{0x17, 13}, "500101000000Z"...), "1950-01-01T00:00:00Z"},
		{append([]byte{0x17, 13}, "491231235959Z"...), "2049-12-31T23:59:59Z"},
		{append([]byte{0x17, 11}, "2501010000Z"...), "2025-01-01T00:00:00Z"},
		{append([]byte{0x17, 17}, "250101000000+0100"...), "2024-12-31T23:00:00Z"},
		{append([]byte{0x18, 15}, "00010101000000Z"...), "0001-01-01T00:00:00Z"},
		{append([]byte{0x18, 15}, "99991231235959Z"...), "9999-12-31T23:59:59Z"},
		{append([]byte{0x18, 19}, "20250101000000.123Z"...), "2025-01-01T00:00:00.123Z"},
		{append([]byte{0x18, 19}, "20250101000000+0200"...), "2024-12-31T22:00:00Z"},
	}
	for _, tc := range cases {
		s := cryptoString(tc.der)
		got, ok := readTime(&s)
		if !ok || got.UTC().Format(time.RFC3339Nano) != tc.want {
			t.Errorf("%q: got %v, %v; want %s", tc.der[2:], got.UTC().Format(time.RFC3339Nano), ok, tc.want)
		}
	}
	for _, bad := range [][]byte{{0x17, 3, '2', '5', 'Z'}, {0x18, 4, 'x', 'y', 'z', 'Z'}, {0x02, 1, 0}} {
		s := cryptoString(bad)
		if _, ok := readTime(&s); ok {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(mustRead(f, tc.file))
	}
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := Parse(der)
		if (c == nil) == (err == nil) {
			t.Fatalf("Parse = %v, %v: want exactly one of them", c, err)
		}
		if c != nil && c.Thumbprint != Thumbprint(der) {
			t.Fatal("thumbprint is not of the input")
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, file := range []string{"tls-rsa.cer", "odd-negative-serial.der"} {
		der := mustRead(b, file)
		b.Run(file, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(der); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
