package authenticode

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	samples = []string{"ascii.ps1", "utf8bom.ps1", "utf16le.ps1"}
	algs    = []string{"rsa", "ec"}
)

// Files certswap signs pass osslsigncode verify (exit 0 and "Signature verification: ok"), and
// certswap's own Verify.
func TestInteropOut(t *testing.T) {
	for _, alg := range algs {
		for _, s := range samples {
			t.Run(alg+"/"+s, func(t *testing.T) {
				signed := signFixture(t, s, alg, SignOptions{})
				if ok, out := osslVerify(t, s, signed, alg); !ok {
					t.Fatalf("osslsigncode verify failed:\n%s", out)
				}
				if r := Verify(s, signed, VerifyOptions{Roots: rootsFor(t, alg), At: testAt}); r.Status != Valid {
					t.Fatalf("Verify: %s: %s", r.Status, r.Message)
				}
			})
		}
	}
}

// Every hash algorithm and every comment form passes osslsigncode, which reports the digest
// algorithm it read.
func TestInteropOutHashesAndForms(t *testing.T) {
	script := readFixture(t, "ascii.ps1")
	key, chain := loadPFX(t, "codesign-rsa.pfx")
	cases := []struct {
		name string
		hash crypto.Hash
		want string // osslsigncode's "Message digest algorithm" value
	}{
		{"a.ps1", crypto.SHA1, "SHA1"},
		{"a.ps1", crypto.SHA256, "SHA256"},
		{"a.ps1", crypto.SHA384, "SHA384"},
		{"a.ps1", crypto.SHA512, "SHA512"},
		{"a.psm1", 0, "SHA256"},
		{"a.psd1", 0, "SHA256"},
		{"a.ps1xml", 0, "SHA256"},
		{"a.psc1", 0, "SHA256"},
		{"a.cdxml", 0, "SHA256"},
	}
	for _, c := range cases {
		t.Run(c.name+"/"+c.want, func(t *testing.T) {
			signed, err := Sign(c.name, script, key, chain, SignOptions{Hash: c.hash})
			if err != nil {
				t.Fatal(err)
			}
			ok, out := osslVerify(t, c.name, signed, "rsa")
			if !ok {
				t.Fatalf("osslsigncode verify failed:\n%s", out)
			}
			if !regexp.MustCompile(`Message digest algorithm\s*:\s*` + c.want + `\b`).MatchString(out) {
				t.Errorf("osslsigncode did not read %s:\n%s", c.want, out)
			}
			wantBegin := "\r\n# SIG # Begin signature block\r\n"
			if ext := filepath.Ext(c.name); ext == ".ps1xml" || ext == ".psc1" || ext == ".cdxml" {
				wantBegin = "\r\n<!-- SIG # Begin signature block -->\r\n"
			}
			if !bytes.Contains(signed, []byte(wantBegin)) {
				t.Errorf("no %q in the signed file", wantBegin)
			}
			r := Verify(c.name, signed, VerifyOptions{Roots: rootsFor(t, "rsa"), At: testAt})
			if r.Status != Valid || r.DigestAlgorithm != c.want {
				t.Errorf("Verify: %s %s: %s", r.Status, r.DigestAlgorithm, r.Message)
			}
		})
	}
}

// Files osslsigncode signed (make.sh; with a signingTime) pass Verify with the root trusted.
func TestInteropIn(t *testing.T) {
	for _, alg := range algs {
		for _, s := range samples {
			name := strings.TrimSuffix(s, ".ps1") + ".ossl-" + alg + ".ps1"
			t.Run(name, func(t *testing.T) {
				r := Verify(name, readFixture(t, name), VerifyOptions{Roots: rootsFor(t, alg), At: testAt})
				if r.Status != Valid {
					t.Fatalf("Verify: %s: %s", r.Status, r.Message)
				}
				if r.DigestAlgorithm != "SHA256" || r.Signer == nil || r.Signer.Subject.CommonName != "certswap Test Code Signing "+alg {
					t.Errorf("got %s, signer %v", r.DigestAlgorithm, r.Signer)
				}
				if len(r.Warnings) != 0 {
					t.Errorf("warnings: %q", r.Warnings)
				}
			})
		}
	}
}

// osslsigncode signs now, in this test, with other hashes and forms; Verify accepts each.
func TestInteropInFresh(t *testing.T) {
	dir := t.TempDir()
	script := readFixture(t, "utf8bom.ps1")
	for _, c := range []struct{ name, h, want string }{
		{"a.ps1", "sha1", "SHA1"}, {"a.ps1", "sha384", "SHA384"}, {"a.ps1", "sha512", "SHA512"},
		{"a.psm1", "sha256", "SHA256"}, {"a.ps1xml", "sha256", "SHA256"},
	} {
		t.Run(c.name+"/"+c.h, func(t *testing.T) {
			in := filepath.Join(dir, c.h+"-in"+filepath.Ext(c.name))
			out := filepath.Join(dir, c.h+"-out"+filepath.Ext(c.name))
			if err := os.WriteFile(in, script, 0o644); err != nil {
				t.Fatal(err)
			}
			o, code := runTool(t, "osslsigncode", "sign", "-pkcs12", filepath.Join(testdataDir, "codesign-ec.pfx"),
				"-pass", pfxPassword, "-h", c.h, "-time", "1785585600", "-in", in, "-out", out)
			if code != 0 {
				t.Fatalf("osslsigncode sign: %d\n%s", code, o)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(c.name, b, VerifyOptions{Roots: rootsFor(t, "ec"), At: testAt})
			if r.Status != Valid || r.DigestAlgorithm != c.want {
				t.Fatalf("Verify: %s %s: %s", r.Status, r.DigestAlgorithm, r.Message)
			}
		})
	}
}

// The digest certswap signs is SHA-256 of the UTF-16 LE text before the block, BOM kept, as
// computed by iconv and openssl dgst; osslsigncode reports the same value as current and
// calculated digest.
func TestDigestIndependent(t *testing.T) {
	needTool(t, "iconv")
	for _, s := range samples {
		t.Run(s, func(t *testing.T) {
			in := filepath.Join(testdataDir, s)
			var want string
			if s == "utf16le.ps1" {
				want = dgst(t, in)
			} else {
				u16 := filepath.Join(t.TempDir(), "u16")
				out, code := runTool(t, "sh", "-c", `iconv -f UTF-8 -t UTF-16LE "$1" > "$2"`, "sh", in, u16)
				if code != 0 {
					t.Fatal(out)
				}
				want = dgst(t, u16)
			}
			signed := signFixture(t, s, "rsa", SignOptions{})
			ok, out := osslVerify(t, s, signed, "rsa")
			if !ok {
				t.Fatal(out)
			}
			for _, label := range []string{"Current message digest", "Calculated message digest"} {
				m := regexp.MustCompile(label + `\s*:\s*([0-9A-F]+)`).FindStringSubmatch(out)
				if m == nil || m[1] != want {
					t.Errorf("%s: got %v, want %s", label, m, want)
				}
			}
			blk, err := ParseBlock(s, signed)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.ToUpper(hex.EncodeToString(blk.DER)); !strings.Contains(got, "0420"+want) {
				t.Errorf("signature does not carry digest %s", want)
			}
		})
	}
}

// dgst returns openssl's SHA-256 of a file in upper-case hex.
func dgst(t *testing.T, path string) string {
	out, code := runTool(t, "openssl", "dgst", "-sha256", "-r", path)
	if code != 0 {
		t.Fatal(out)
	}
	return strings.ToUpper(strings.Fields(out)[0])
}

// The signature's structure, read by openssl asn1parse, is the one the note documents from
// Microsoft's and osslsigncode's signatures: the PowerShell SpcIndirectDataContent prefix byte
// for byte, signed attributes contentType, messageDigest, SpcStatementType (individual),
// SpcSpOpusInfo (empty), no signingTime, rsaEncryption for RSA, the three certificates.
func TestStructure(t *testing.T) {
	// notes/authenticode-ps1.md §3.2 (identical in Microsoft's signatures).
	const prefix = "3069303406" + "0A2B0601040182370201" + "1E30260203010000" + "04101FCC3B60594B084EB724D2C6297EF351" +
		"020100020100020100020100020100" + "3031300D0609608648016503040201050004" + "20"
	signed := signFixture(t, "ascii.ps1", "rsa", SignOptions{})
	blk, err := ParseBlock("a.ps1", signed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToUpper(hex.EncodeToString(blk.DER)), prefix) {
		t.Errorf("no PowerShell SpcIndirectDataContent prefix in the DER")
	}
	der := writeTemp(t, "sig.der", blk.DER)
	out, code := runTool(t, "openssl", "asn1parse", "-inform", "DER", "-in", der)
	if code != 0 {
		t.Fatal(out)
	}
	for _, want := range []string{":pkcs7-signedData", ":1.3.6.1.4.1.311.2.1.4", ":1.3.6.1.4.1.311.2.1.30",
		":contentType", ":messageDigest", ":1.3.6.1.4.1.311.2.1.11", ":Microsoft Individual Code Signing",
		":1.3.6.1.4.1.311.2.1.12", ":rsaEncryption"} {
		if !strings.Contains(out, want) {
			t.Errorf("asn1parse output lacks %q", want)
		}
	}
	if strings.Contains(out, "signingTime") {
		t.Errorf("certswap wrote a signingTime")
	}
	if n := strings.Count(out, ":X509v3 Subject Key Identifier"); n != 3 {
		t.Errorf("%d certificates, want 3", n)
	}
	// 64 base64 characters a line, CRLF (note §1.1).
	lines := strings.Split(string(signed[len(blk.Signed):]), "\r\n")
	if lines[0] != "" || lines[1] != "# SIG # Begin signature block" || len(lines[2]) != 66 || lines[len(lines)-1] != "" ||
		lines[len(lines)-2] != "# SIG # End signature block" {
		t.Errorf("block lines: %q ... %q", lines[:3], lines[len(lines)-2:])
	}
}

// Signed files still parse as PowerShell (ps-parse, an independent grammar): the block is
// comments only.
func TestSignedParses(t *testing.T) {
	psParse, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "tools", "ps-parse", "ps-parse"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(psParse); err != nil {
		if toolRequired("ps-parse") {
			t.Fatalf("ps-parse not found at %s", psParse)
		}
		t.Skipf("SKIPPING: ps-parse not found at %s", psParse)
	}
	needTool(t, "node")
	var files []string
	for _, s := range samples {
		files = append(files, writeTemp(t, s, signFixture(t, s, "rsa", SignOptions{})))
	}
	out, code := runTool(t, psParse, files...)
	if code != 0 {
		t.Fatalf("ps-parse exit %d:\n%s", code, out)
	}
}
