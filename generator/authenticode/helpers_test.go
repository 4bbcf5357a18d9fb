package authenticode

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// toolRequired reports whether a missing tool must fail the test rather than skip it: under
// CI=true, and for osslsigncode and ps-parse when .ci/run's CERTSWAP_REQUIRE_* variable is set.
func toolRequired(name string) bool {
	switch name {
	case "osslsigncode":
		if os.Getenv("CERTSWAP_REQUIRE_OSSLSIGNCODE") == "1" {
			return true
		}
	case "ps-parse", "node":
		if os.Getenv("CERTSWAP_REQUIRE_PSPARSE") == "1" {
			return true
		}
	}
	return os.Getenv("CI") == "true"
}

// needTool finds an external oracle. Missing, it fails the test when toolRequired says so and
// skips it loudly elsewhere.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if toolRequired(name) {
			t.Fatalf("%s not found: it is the independent oracle for this test (install it; see .ci/run)", name)
		}
		t.Skipf("SKIPPING: %s not found; this test needs it as the independent oracle", name)
	}
	return p
}

// runTool runs an external program and returns its combined output and exit code.
func runTool(t testing.TB, name string, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(needTool(t, name), args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		t.Fatalf("%s: %v", name, err)
	}
	return string(out), 0
}

// writeTemp writes b to a new file named name in a temporary folder and returns its path.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// osslVerify runs osslsigncode verify against the root of alg and reports whether it passed:
// exit code 0 and "Signature verification: ok" in its output, which must agree.
func osslVerify(t testing.TB, name string, b []byte, alg string) (bool, string) {
	t.Helper()
	p := writeTemp(t, name, b)
	out, code := runTool(t, "osslsigncode", "verify", "-CAfile", filepath.Join(testdataDir, "root-"+alg+".pem"), "-in", p)
	ok := strings.Contains(out, "Signature verification: ok")
	if ok != (code == 0) {
		t.Fatalf("osslsigncode verify: exit code %d disagrees with its output:\n%s", code, out)
	}
	return ok, out
}

// signFixture signs a fixture script with a fixture PFX.
func signFixture(t testing.TB, script, alg string, opts SignOptions) []byte {
	t.Helper()
	key, chain := loadPFX(t, "codesign-"+alg+".pfx")
	out, err := Sign(script, readFixture(t, script), key, chain, opts)
	if err != nil {
		t.Fatalf("Sign %s with %s: %v", script, alg, err)
	}
	return out
}

// rootsFor returns the trusted root of a fixture chain.
func rootsFor(t testing.TB, alg string) []*x509.Certificate {
	return []*x509.Certificate{loadPEM(t, "root-"+alg+".pem")}
}
