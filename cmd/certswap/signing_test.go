package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// needOsslsigncode returns osslsigncode's path, or skips loudly (fails when CI requires it).
func needOsslsigncode(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("osslsigncode")
	if err != nil {
		if os.Getenv("CERTSWAP_REQUIRE_OSSLSIGNCODE") != "" {
			t.Fatalf("osslsigncode is missing and CERTSWAP_REQUIRE_OSSLSIGNCODE is set")
		}
		t.Skip("SKIPPING: osslsigncode is not installed (CI installs it and fails instead)")
	}
	return p
}

// TestGenerateSignedRunbooks is issue 6's "done when": runbooks from generate --sign-cert verify with
// osslsigncode (the independent oracle) and with certswap verify, and one edited byte breaks both.
func TestGenerateSignedRunbooks(t *testing.T) {
	ossl := needOsslsigncode(t)
	signing := filepath.Join(repoRoot(t), "testdata", "signing")
	out := filepath.Join(t.TempDir(), "change")
	code, _, stderr := runCLI(t, map[string]string{"SPW": "certswap-test"},
		"demo", "--out", out, "--sign-cert", filepath.Join(signing, "codesign-rsa.pfx"), "--sign-password-env", "SPW")
	if code != 0 {
		t.Fatalf("demo --sign-cert: exit %d: %s", code, stderr)
	}
	ps1, _ := filepath.Glob(filepath.Join(out, "*.ps1"))
	if len(ps1) < 6 {
		t.Fatalf("only %d runbooks", len(ps1))
	}
	root := filepath.Join(signing, "root-rsa.pem")
	for _, f := range ps1 {
		if b, err := exec.Command(ossl, "verify", "-CAfile", root, "-in", f).CombinedOutput(); err != nil || !strings.Contains(string(b), "Signature verification: ok") {
			t.Errorf("osslsigncode verify %s: %v\n%s", filepath.Base(f), err, b)
		}
	}
	args := append([]string{"verify", "--trust", root}, ps1...)
	if code, stdout, stderr := runCLI(t, nil, args...); code != 0 {
		t.Fatalf("certswap verify: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", "--quiet", "SHA256SUMS")
		cmd.Dir = out
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("SHA256SUMS does not cover the signed files: %v\n%s", err, b)
		}
	}

	// An edit after review: one byte of the body changed.
	f := filepath.Join(out, "exchange-EX01.ps1")
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), "Set-ReceiveConnector")
	data[i] = 's'
	if err := os.WriteFile(f, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(ossl, "verify", "-CAfile", root, "-in", f).CombinedOutput(); err == nil {
		t.Errorf("osslsigncode accepts an edited runbook:\n%s", b)
	}
	code, stdout, stderr := runCLI(t, nil, "verify", "--trust", root, f)
	if code != 1 || !strings.Contains(stdout, "HashMismatch") || !strings.Contains(stderr, "HashMismatch") {
		t.Errorf("certswap verify on an edited runbook: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestSignRefusals: a signing certificate without codeSigning EKU, an expired one and a CER without
// key are refused with one line and exit 2, and the file is left untouched.
func TestSignRefusals(t *testing.T) {
	signing := filepath.Join(repoRoot(t), "testdata", "signing")
	src, err := os.ReadFile(filepath.Join(signing, "ascii.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cert, want string }{
		{"tls-rsa.pfx", "codeSigning"},
		{"expired-rsa.pfx", "expired"},
		{"codesign-rsa.cer", "key"},
	} {
		t.Run(tc.cert, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "a.ps1")
			if err := os.WriteFile(f, src, 0o644); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := runCLI(t, map[string]string{"SPW": "certswap-test"},
				"sign", "--cert", filepath.Join(signing, tc.cert), "--password-env", "SPW", f)
			if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.cert) || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
			}
			if got, _ := os.ReadFile(f); string(got) != string(src) {
				t.Fatalf("the file was changed")
			}
			if strings.Contains(stderr, "certswap-test") {
				t.Fatalf("the password leaked: %q", stderr)
			}
		})
	}
}
