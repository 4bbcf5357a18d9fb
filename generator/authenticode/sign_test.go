package authenticode

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"
)

func TestCheckSigner(t *testing.T) {
	_, rsaChain := loadPFX(t, "codesign-rsa.pfx")
	_, tls := loadPFX(t, "tls-rsa.pfx")
	_, expired := loadPFX(t, "expired-rsa.pfx")
	cer, err := x509.ParseCertificate(readFixture(t, "codesign-rsa.cer"))
	if err != nil {
		t.Fatal(err)
	}
	noDigSig := selfSigned(t, x509.KeyUsageKeyEncipherment, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning})
	anyEKU := selfSigned(t, x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageAny})
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		name    string
		c       *x509.Certificate
		hasKey  bool
		at      time.Time
		minDays int
		want    string // "" for no error
	}{
		{"good", rsaChain[0], true, testAt, 30, ""},
		{"no codeSigning EKU", tls[0], true, testAt, 30, "certificate has no codeSigning EKU"},
		{"anyExtendedKeyUsage only", anyEKU, true, testAt, 30, "certificate has no codeSigning EKU"},
		{"expired", expired[0], true, testAt, 30, "certificate expired on 2025-01-01"},
		{"CER without key", cer, false, testAt, 30, "no private key (use a PFX)"},
		{"expires soon", rsaChain[0], true, day("2035-12-20"), 30, "certificate expires in 12 days (--min-days 30)"},
		{"expires soon, min-days 0", rsaChain[0], true, day("2035-12-20"), 0, ""},
		{"not yet valid", rsaChain[0], true, day("2025-06-01"), 30, "certificate is not valid before 2026-01-01"},
		{"key usage without digitalSignature", noDigSig, true, testAt, 30, "certificate key usage does not allow digitalSignature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckSigner(c.c, c.hasKey, c.at, c.minDays)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// selfSigned makes a throwaway self-signed ECDSA certificate valid around testAt.
func selfSigned(t testing.TB, ku x509.KeyUsage, eku []x509.ExtKeyUsage) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "throwaway"},
		NotBefore: testAt.AddDate(-1, 0, 0), NotAfter: testAt.AddDate(1, 0, 0),
		KeyUsage: ku, ExtKeyUsage: eku, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSignRefuses(t *testing.T) {
	rsaKey, rsaChain := loadPFX(t, "codesign-rsa.pfx")
	_, ecChain := loadPFX(t, "codesign-ec.pfx")
	u16be := []byte{0xFE, 0xFF, 0, 'a', 0, '\r', 0, '\n'}
	cases := []struct {
		name   string
		file   string
		script []byte
		chain  []*x509.Certificate
		hash   crypto.Hash
		want   string
	}{
		{"UTF-16 BE", "a.ps1", u16be, rsaChain, 0, "UTF-16 BE files cannot be signed"},
		{"BOM-less non-ASCII", "a.ps1", []byte("Write-Host 1\r\nWrite-Host 'Köln'\r\n"), rsaChain, 0,
			"line 2: non-ASCII text in a file without a byte order mark"},
		{"invalid UTF-8 after a BOM", "a.ps1", []byte("\xEF\xBB\xBFa\r\nb\xFF\r\n"), rsaChain, 0, "line 2: invalid UTF-8"},
		{"odd UTF-16 LE", "a.ps1", []byte{0xFF, 0xFE, 'a', 0, '\r'}, rsaChain, 0, "UTF-16 file of odd length"},
		{"unknown extension", "a.txt", []byte("a\r\n"), rsaChain, 0, `unsupported file type ".txt"`},
		{"key does not match", "a.ps1", []byte("a\r\n"), ecChain, 0, "private key does not match the signing certificate"},
		{"MD5", "a.ps1", []byte("a\r\n"), rsaChain, crypto.MD5, "unsupported hash algorithm"},
		{"no certificate", "a.ps1", []byte("a\r\n"), nil, 0, "no signing certificate"},
		{"marker inside the script", "a.ps1", []byte("Write-Host 1\r\n# SIG # Begin signature block\r\nWrite-Host 2\r\n"), rsaChain, 0,
			`line 2: "# SIG # Begin signature block" is not the start of a signature block at the end of the file`},
		{"two markers", "a.ps1", []byte("# SIG # Begin signature block\r\n# SIG # Begin signature block\r\n# SIG # End signature block\r\n"), rsaChain, 0,
			`line 2: a second line starts with "# SIG # Begin signature block"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Sign(c.file, c.script, rsaKey, c.chain, SignOptions{Hash: c.hash})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if out != nil {
				t.Errorf("output despite the error")
			}
		})
	}
}

// RSA PKCS#1 v1.5 and no signingTime: signing twice gives the same bytes, and re-signing a
// signed file replaces its block (certswap's own or osslsigncode's) with the same result.
func TestSignDeterministicAndResign(t *testing.T) {
	key, chain := loadPFX(t, "codesign-rsa.pfx")
	for _, s := range samples {
		t.Run(s, func(t *testing.T) {
			first := signFixture(t, s, "rsa", SignOptions{})
			if second := signFixture(t, s, "rsa", SignOptions{}); !bytes.Equal(first, second) {
				t.Fatal("two signatures of the same file differ")
			}
			again, err := Sign(s, first, key, chain, SignOptions{})
			if err != nil || !bytes.Equal(again, first) {
				t.Fatalf("re-signing changed the file (err %v)", err)
			}
			ossl := readFixture(t, strings.TrimSuffix(s, ".ps1")+".ossl-rsa.ps1")
			resigned, err := Sign(s, ossl, key, chain, SignOptions{})
			if err != nil || !bytes.Equal(resigned, first) {
				t.Fatalf("re-signing osslsigncode's file differs from signing the original (err %v)", err)
			}
			if !bytes.HasPrefix(first, readFixture(t, s)) {
				t.Error("the signed file does not start with the original script")
			}
		})
	}
}

// Edge scripts: empty, no final line end, LF line ends. Each passes osslsigncode and Verify.
func TestSignEdgeScripts(t *testing.T) {
	key, chain := loadPFX(t, "codesign-ec.pfx")
	for _, c := range []struct {
		name, script string
		osslGap      bool // osslsigncode 2.9 refuses to sign a file this short and finds no signature in it
	}{
		{"empty", "", true},
		{"no final newline", "Get-Date", false},
		{"LF line ends", "Get-Date\nWrite-Host 1\n", false},
		{"UTF-8 BOM only", "\xEF\xBB\xBF", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			signed, err := Sign("a.ps1", []byte(c.script), key, chain, SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(signed), c.script+"\r\n# SIG # Begin signature block\r\n") {
				t.Errorf("block not appended after a CRLF: %q", signed[:min(len(signed), 60)])
			}
			switch ok, out := osslVerify(t, "a.ps1", signed, "ec"); {
			case !ok && c.osslGap:
				t.Logf("osslsigncode gap: it finds no signature in a signed empty script")
			case !ok:
				t.Errorf("osslsigncode verify failed:\n%s", out)
			}
			if r := Verify("a.ps1", signed, VerifyOptions{Roots: rootsFor(t, "ec"), At: testAt}); r.Status != Valid {
				t.Errorf("Verify: %s: %s", r.Status, r.Message)
			}
		})
	}
}
