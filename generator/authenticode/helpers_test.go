package authenticode

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// testdataDir holds the signing fixtures made by testdata/signing/make.sh.
var testdataDir = filepath.Join("..", "..", "testdata", "signing")

// pfxPassword is the password make.sh gives every PFX.
const pfxPassword = "certswap-test"

// testAt is a time inside every fixture's validity except expired-rsa's.
var testAt = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadPFX returns the key and the chain (leaf first) of a fixture PFX.
func loadPFX(t testing.TB, name string) (crypto.Signer, []*x509.Certificate) {
	t.Helper()
	key, leaf, cas, err := pkcs12.DecodeChain(readFixture(t, name), pfxPassword)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return key.(crypto.Signer), append([]*x509.Certificate{leaf}, cas...)
}

// loadPEM returns the certificate of a fixture PEM file.
func loadPEM(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(readFixture(t, name))
	if blk == nil {
		t.Fatalf("%s: no PEM block", name)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

// needTool finds an external oracle. Missing, it fails the test under CI=true and skips it
// loudly elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found: it is the independent oracle for this test (install it; see .ci/run)", name)
		}
		t.Skipf("SKIPPING: %s not found; this test needs it as the independent oracle", name)
	}
	return p
}
