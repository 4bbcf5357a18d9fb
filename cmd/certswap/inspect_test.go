package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// opensslRecord is one certificate of testdata/certs/expected.txt, written by make-certs.sh from
// openssl's own output (never from certswap).
type opensslRecord struct {
	name, thumbprint, sha256, serial string
	notBefore, notAfter              time.Time
	dns, ip                          []string
}

func readExpected(t *testing.T) map[string]*opensslRecord {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), "testdata", "certs", "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byThumb := map[string]*opensslRecord{}
	var cur *opensslRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		switch k {
		case "cert":
			cur = &opensslRecord{name: v}
		case "thumbprint":
			cur.thumbprint = v
			byThumb[v] = cur
		case "sha256":
			cur.sha256 = v
		case "serial":
			cur.serial = v
		case "notBefore", "notAfter":
			tm, err := time.Parse("Jan _2 15:04:05 2006 MST", v)
			if err != nil {
				tm, err = time.Parse("2006-01-02T15:04:05Z", v)
			}
			if err != nil {
				t.Logf("expected.txt: %s %s: %v (date not compared)", k, v, err)
			}
			if k == "notBefore" {
				cur.notBefore = tm
			} else {
				cur.notAfter = tm
			}
		case "dns":
			cur.dns = append(cur.dns, v)
		case "ip":
			cur.ip = append(cur.ip, v)
		}
	}
	return byThumb
}

// runCLI runs certswap in-process and returns its exit status, stdout and stderr.
func runCLI(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := newEnv(strings.NewReader(""), &out, &errb)
	e.terminal = func() bool { return false }
	e.lookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code := run(args, e)
	return code, out.String(), errb.String()
}

// TestInspectCertificatesAgainstOpenSSL runs `certswap inspect --json` on every certificate fixture
// and compares thumbprint, SHA-256, serial, validity and SANs with openssl's recorded values.
func TestInspectCertificatesAgainstOpenSSL(t *testing.T) {
	want := readExpected(t)
	dir := filepath.Join(repoRoot(t), "testdata", "certs")
	// file -> the certificate of expected.txt that must be its leaf, and its password
	cases := []struct{ file, cert, password string }{
		{"tls-rsa-modern.pfx", "tls-rsa", "Contoso-Test-1!"},
		{"tls-rsa-3des.pfx", "tls-rsa", "Contoso-Test-1!"},
		{"tls-rsa-rc2.pfx", "tls-rsa", "Contoso-Test-1!"},
		{"tls-rsa-csp.pfx", "tls-rsa", "Contoso-Test-1!"},
		{"tls-ec-empty.pfx", "tls-ec", ""},
		{"tls-ec-unicode.pfx", "tls-ec", "Pässwort-€"},
		{"new-mail.pfx", "new-mail", "Contoso-Test-1!"},
		{"old-mail.pfx", "old-mail", "Contoso-Test-1!"},
		{"wildcard.pfx", "wildcard", "Contoso-Test-1!"},
		{"leaf-last.pfx", "tls-rsa", ""},
		{"tls-rsa.cer", "tls-rsa", ""},
		{"tls-ec.der", "tls-ec", ""},
		{"new-mail.pem", "new-mail", ""},
		{"tls-rsa-chain-crlf.pem", "tls-rsa", ""},
		{"tls-ec-bom.cer", "tls-ec", ""},
		{"new-mail.b64", "new-mail", ""},
		{"old-mail-wrapped.b64", "old-mail", ""},
		{"new-mail-chain.p7b", "new-mail", ""},
		{"tls-rsa-chain.p7b.pem", "tls-rsa", ""},
		{"odd-negative-serial.der", "odd-negative-serial", ""},
		{"odd-dates.der", "odd-dates", ""},
		{"odd-octet-name.der", "odd-octet-name", ""},
		{"odd-printable.der", "odd-printable", ""},
		{"odd-huge-name.der", "odd-huge-name", ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, map[string]string{"PW": tc.password},
				"inspect", "--json", "--password-env", "PW", filepath.Join(dir, tc.file))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var doc struct {
				Certificates []certJSON `json:"certificates"`
			}
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatalf("stdout is not JSON: %v", err)
			}
			if len(doc.Certificates) != 1 {
				t.Fatalf("%d leaves, want 1", len(doc.Certificates))
			}
			got := doc.Certificates[0]
			exp := want[got.Thumbprint]
			if exp == nil || exp.name != tc.cert {
				t.Fatalf("thumbprint %s is not openssl's thumbprint of %s", got.Thumbprint, tc.cert)
			}
			if got.SHA256 != exp.sha256 || got.SerialNumber != exp.serial {
				t.Errorf("sha256/serial = %s/%s, openssl %s/%s", got.SHA256, got.SerialNumber, exp.sha256, exp.serial)
			}
			if !exp.notBefore.IsZero() && got.NotBefore != exp.notBefore.UTC().Format(time.RFC3339) {
				t.Errorf("notBefore %s, openssl %s", got.NotBefore, exp.notBefore)
			}
			if !exp.notAfter.IsZero() && got.NotAfter != exp.notAfter.UTC().Format(time.RFC3339) {
				t.Errorf("notAfter %s, openssl %s", got.NotAfter, exp.notAfter)
			}
			if strings.Join(got.DNSNames, ",") != strings.Join(exp.dns, ",") {
				t.Errorf("dnsNames %v, openssl %v", got.DNSNames, exp.dns)
			}
			if strings.Join(normIPs(t, got.IPAddresses), ",") != strings.Join(normIPs(t, exp.ip), ",") {
				t.Errorf("ipAddresses %v, openssl %v", got.IPAddresses, exp.ip)
			}
			if got.TLSCertificateName != "<I>"+got.Issuer+"<S>"+got.Subject {
				t.Errorf("tlsCertificateName %q is not <I>issuer<S>subject", got.TLSCertificateName)
			}
			if strings.Contains(stdout+stderr, "Contoso-Test-1!") || (tc.password != "" && strings.Contains(stdout+stderr, tc.password)) {
				t.Errorf("the password appears in the output")
			}
		})
	}
}

// normIPs compares addresses, not spellings: openssl prints IPv6 expanded and upper-case.
func normIPs(t *testing.T, ips []string) []string {
	var out []string
	for _, s := range ips {
		a, err := netip.ParseAddr(s)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		out = append(out, a.String())
	}
	return out
}

// TestInspectWindowsNames checks the names against strings written by hand from Microsoft's
// documented format (notes/windows-dn-format.md): reversed RDNs, ", ", S= for the state, a value
// with a comma in double quotes.
func TestInspectWindowsNames(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "testdata", "certs")
	cases := []struct{ file, subject, issuer string }{
		{"tls-rsa.cer", `CN=mail.contoso.com, O="Contoso, Ltd", L=Redmond, S=Washington, C=US`, "CN=Certswap Test Issuing CA 1, O=Certswap Test, C=US"},
		{"new-mail.pem", "CN=mail.contoso.com", ""},
	}
	for _, tc := range cases {
		code, stdout, stderr := runCLI(t, nil, "inspect", "--json", filepath.Join(dir, tc.file))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.file, code, stderr)
		}
		var doc struct {
			Certificates []certJSON `json:"certificates"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatal(err)
		}
		c := doc.Certificates[0]
		if c.Subject != tc.subject || (tc.issuer != "" && c.Issuer != tc.issuer) {
			t.Errorf("%s: subject %q issuer %q; want %q, %q", tc.file, c.Subject, c.Issuer, tc.subject, tc.issuer)
		}
	}
}

// TestInspectBadCertificates: one line on stderr naming the file, exit 2, nothing on stdout.
func TestInspectBadCertificates(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "testdata", "certs")
	cases := []struct {
		name, file, password, want string
	}{
		{"wrong password", "tls-rsa-modern.pfx", "not-the-password", "tls-rsa-modern.pfx: wrong password"},
		{"no key", "nokey.pfx", "Contoso-Test-1!", "nokey.pfx: "},
		{"two keys", "twokeys.pfx", "", "twokeys.pfx: "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, map[string]string{"PW": tc.password},
				"inspect", "--password-env", "PW", filepath.Join(dir, tc.file))
			if code != 2 || stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "certswap: ") || !strings.Contains(stderr, tc.want) {
				t.Fatalf("stderr %q: want one line containing %q", stderr, tc.want)
			}
			if strings.Contains(stderr, "panic") || (tc.password != "" && strings.Contains(stderr, tc.password)) {
				t.Fatalf("stderr %q leaks a panic or the password", stderr)
			}
		})
	}
	// No password source, no terminal, and the empty password fails: the DESIGN.md message.
	code, _, stderr := runCLI(t, nil, "inspect", filepath.Join(dir, "tls-rsa-modern.pfx"))
	if code != 2 || !strings.Contains(stderr, "password required (use --password-file or --password-env)") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}
