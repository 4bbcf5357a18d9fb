package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// demoExpected reads demo/expected.txt: the demo certificates' thumbprints as openssl computed them.
func demoExpected(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join("demo", "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), " "); ok {
			m[k] = v
		}
	}
	return m
}

// psParse runs the independent PowerShell parser on files; it skips loudly when node is missing,
// unless CERTSWAP_REQUIRE_PSPARSE is set (CI sets it), where it fails.
func psParse(t *testing.T, files ...string) {
	t.Helper()
	tool := filepath.Join(repoRoot(t), "..", "shared", "tools", "ps-parse", "ps-parse")
	if _, err := exec.LookPath("node"); err != nil {
		if os.Getenv("CERTSWAP_REQUIRE_PSPARSE") != "" {
			t.Fatalf("node is missing and CERTSWAP_REQUIRE_PSPARSE is set: %v", err)
		}
		t.Skip("SKIPPING ps-parse: node is not installed (CI installs it and fails instead)")
	}
	out, err := exec.Command(tool, files...).CombinedOutput()
	if err != nil {
		t.Fatalf("ps-parse: %v\n%s", err, out)
	}
}

// TestDemo runs the README's first command and checks that it tells both field stories right:
// every object that still names the old certificate is found, the unrelated WAP application is left
// alone, the runbooks parse, and SHA256SUMS verifies.
func TestDemo(t *testing.T) {
	want := demoExpected(t)
	out := filepath.Join(t.TempDir(), "change")
	code, stdout, stderr := runCLI(t, nil, "demo", "--out", out)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, stderr)
	}
	for _, s := range []string{
		// Exchange: two receive connectors, the send connector and the hybrid configuration
		"fix: Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'",
		"fix: Set-ReceiveConnector -Identity 'EX01\\Partner Relay EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'",
		"fix: Set-SendConnector -Identity 'Outbound to Office 365' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'",
		"fix: Set-HybridConfiguration -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'",
		// WAP: the three applications on the old thumbprint, by ID, the federation rule included
		"fix: Set-WebApplicationProxyApplication -ID '2b8a3c1e-4d5f-6a7b-8c9d-0e1f2a3b4c5d' -ExternalCertificateThumbprint '" + want["new"] + "'",
		"fix: Set-WebApplicationProxyApplication -ID '7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8' -ExternalCertificateThumbprint '" + want["new"] + "'",
		"fix: Set-WebApplicationProxyApplication -ID 'c0ffee00-1234-4abc-9def-00112233aabb' -ExternalCertificateThumbprint '" + want["new"] + "'",
		// WAP: the proxy's own HTTP.sys binding on WAP01
		"fix: Set-WebApplicationProxySslCertificate -Thumbprint '" + want["new"] + "'",
		// AD FS: HTTP.sys still on the old certificate although Service-Communications moved
		"fix: Set-AdfsSslCertificate -Thumbprint '" + want["new"] + "'",
	} {
		if !strings.Contains(stdout, s) {
			t.Errorf("demo report lacks %q", s)
		}
	}
	if strings.Contains(stdout, "0d15ea5e-0000-4000-8000-00000000c0de") {
		t.Errorf("the CRM application on an unrelated certificate must be left alone")
	}
	if !strings.Contains(stdout, want["old"]) {
		t.Errorf("the report does not name the old thumbprint %s (openssl)", want["old"])
	}
	var ps1 []string
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".ps1") {
			ps1 = append(ps1, filepath.Join(out, e.Name()))
		}
	}
	for _, n := range []string{"exchange-EX01.ps1", "exchange-EX01-rollback.ps1", "adfs.ps1", "adfs-rollback.ps1", "wap.ps1", "wap-rollback.ps1", "CHANGE.md", "plan.json", "SHA256SUMS", ".gitattributes"} {
		if _, err := os.Stat(filepath.Join(out, n)); err != nil {
			t.Errorf("demo did not write %s", n)
		}
	}
	psParse(t, ps1...)
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", "--quiet", "SHA256SUMS")
		cmd.Dir = out
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, b)
		}
	}
}
