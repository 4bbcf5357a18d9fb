package authenticode

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// osslSign signs script (written as name) with osslsigncode and extra options, returning the
// signed bytes.
func osslSign(t *testing.T, name string, script []byte, pfx string, extra ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in-"+name), filepath.Join(dir, "out-"+name)
	if err := os.WriteFile(in, script, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"sign", "-pkcs12", filepath.Join(testdataDir, pfx), "-pass", pfxPassword}, extra...)
	o, code := runTool(t, "osslsigncode", append(args, "-in", in, "-out", out)...)
	if code != 0 {
		t.Fatalf("osslsigncode sign: %d\n%s", code, o)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerifyStatuses(t *testing.T) {
	rsaSigned := signFixture(t, "ascii.ps1", "rsa", SignOptions{})
	sha1Signed := signFixture(t, "ascii.ps1", "rsa", SignOptions{Hash: crypto.SHA1})
	expKey, expChain := loadPFX(t, "expired-rsa.pfx")
	expiredSigned, err := Sign("a.ps1", readFixture(t, "ascii.ps1"), expKey, expChain, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tlsKey, tlsChain := loadPFX(t, "tls-rsa.pfx")
	tlsSigned, err := Sign("a.ps1", readFixture(t, "ascii.ps1"), tlsKey, tlsChain, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// osslsigncode writes a signingTime; 2025-06-01 lies before the leaf's validity.
	earlySigned := osslSign(t, "a.ps1", readFixture(t, "ascii.ps1"), "codesign-rsa.pfx", "-time", "1748736000")
	// osslsigncode signs BOM-less UTF-8 (certswap refuses to): hashed as UTF-8, with a warning.
	noBOM := osslSign(t, "a.ps1", []byte("Write-Host 'Köln'\r\n"), "codesign-rsa.pfx", "-time", "1785585600")
	// An unauthenticated blob is an unsigned attribute certswap does not accept.
	blob := osslSign(t, "a.ps1", readFixture(t, "ascii.ps1"), "codesign-rsa.pfx", "-addUnauthenticatedBlob")
	// An RFC 3161 timestamp from a throwaway TSA (openssl req): accepted, named, not checked.
	tsaDir := t.TempDir()
	if out, code := runTool(t, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", filepath.Join(tsaDir, "tsa.key"), "-out", filepath.Join(tsaDir, "tsa.pem"), "-subj", "/CN=throwaway TSA",
		"-days", "3650", "-addext", "extendedKeyUsage=critical,timeStamping", "-addext", "keyUsage=critical,digitalSignature"); code != 0 {
		t.Fatal(out)
	}
	stamped := osslSign(t, "a.ps1", readFixture(t, "ascii.ps1"), "codesign-rsa.pfx", "-TSA-certs", filepath.Join(tsaDir, "tsa.pem"),
		"-TSA-key", filepath.Join(tsaDir, "tsa.key"), "-TSA-time", "1785585600", "-time", "1785585600")
	u16be := append([]byte{0xFE, 0xFF}, encodeASCII("a\r\n"+hashForm.render([]byte{0x30, 0}), UTF16BE)...)
	rsaRoot, ecRoot := rootsFor(t, "rsa"), rootsFor(t, "ec")
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cases := []struct {
		name    string
		script  []byte
		roots   []*x509.Certificate
		at      time.Time
		want    Status
		msg     string // substring of Message
		warning string // expected warning, if any
	}{
		{"valid", rsaSigned, rsaRoot, testAt, Valid, "valid until 2036-01-01", ""},
		{"unsigned", readFixture(t, "ascii.ps1"), rsaRoot, testAt, NotSigned, "no signature block", ""},
		{"no roots", rsaSigned, nil, testAt, UntrustedRoot, "untrusted root", ""},
		{"other root", rsaSigned, ecRoot, testAt, UntrustedRoot, "untrusted root", ""},
		{"leaf expired since", rsaSigned, rsaRoot, date("2036-06-01"), Expired, "signing certificate expired on 2036-01-01", ""},
		{"leaf not yet valid", rsaSigned, rsaRoot, date("2025-06-01"), Expired, "signing certificate is not valid before 2026-01-01", ""},
		{"whole chain expired", rsaSigned, rsaRoot, date("2041-01-01"), Expired, "signing certificate expired on 2036-01-01", ""},
		{"signed with an expired certificate", expiredSigned, rsaRoot, testAt, Expired, "signing certificate expired on 2025-01-01", ""},
		{"signer without codeSigning EKU", tlsSigned, rsaRoot, testAt, NotCodeSigning, "no codeSigning EKU", ""},
		{"signingTime before the leaf's validity", earlySigned, rsaRoot, testAt, Expired, "signingTime 2025-06-01T00:00:00Z lies outside", ""},
		{"BOM-less UTF-8", noBOM, rsaRoot, testAt, Valid, "valid until", WarnEncodingAmbiguous},
		{"SHA1", sha1Signed, rsaRoot, testAt, Valid, "valid until", WarnSHA1},
		{"unauthenticated blob", blob, rsaRoot, testAt, Malformed, "unexpected unsigned attribute", ""},
		{"timestamp", stamped, rsaRoot, testAt, Valid, "the timestamp was not checked", WarnTimestamp},
		{"UTF-16 BE", u16be, rsaRoot, testAt, Malformed, "UTF-16 BE", ""},
		{"second block", slices.Concat(rsaSigned, rsaSigned[bytes.Index(rsaSigned, []byte("\r\n# SIG")):]), rsaRoot, testAt, Malformed, "a second line starts with", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Verify("a.ps1", c.script, VerifyOptions{Roots: c.roots, At: c.at})
			if r.Status != c.want || !strings.Contains(r.Message, c.msg) {
				t.Errorf("got %s %q, want %s %q", r.Status, r.Message, c.want, c.msg)
			}
			if c.warning != "" && !slices.Contains(r.Warnings, c.warning) {
				t.Errorf("warnings %q lack %q", r.Warnings, c.warning)
			}
			if c.want != NotSigned && c.want != Malformed && (r.Signer == nil || r.DigestAlgorithm == "") {
				t.Errorf("signer %v, digest %q not reported", r.Signer, r.DigestAlgorithm)
			}
		})
	}
}

func TestParseBlock(t *testing.T) {
	der := []byte("certswap test DER, any bytes: \x00\x01\x02\xFF and long enough to need two lines of base64 text")
	b64 := base64.StdEncoding.EncodeToString(der)
	good := "Get-Date\r\n" + hashForm.render(der)
	cases := []struct {
		name, file, text string
		want             string // error substring; "" = ok
	}{
		{"canonical", "a.ps1", good, ""},
		{"canonical psm1", "a.PSM1", good, ""},
		{"standard input", "-", good, ""},
		{"xml form", "a.ps1xml", "<x/>\r\n" + xmlForm.render(der), ""},
		{"hash form in ps1xml", "a.ps1xml", good, ErrNotSigned.Error()},
		{"unsigned", "a.ps1", "Get-Date\r\n", ErrNotSigned.Error()},
		{"marker not at line start", "a.ps1", "Get-Date # SIG # Begin signature block\r\n", ErrNotSigned.Error()},
		{"unknown extension", "a.bat", good, "unsupported file type"},
		{"trailing CRLF", "a.ps1", good + "\r\n", "line 7: data after the end of the signature block"},
		{"trailing text", "a.ps1", good + "x", "data after the end"},
		{"no final CRLF", "a.ps1", strings.TrimSuffix(good, "\r\n"), "does not end with"},
		{"LF before marker", "a.ps1", strings.Replace(good, "\r\n\r\n#", "\r\n\n#", 1), "not preceded by CRLF"},
		{"marker at start of file", "a.ps1", strings.TrimPrefix(hashForm.render(der), "\r\n"), "line 1: signature block is not preceded by CRLF"},
		{"76-character lines", "a.ps1", "Get-Date\r\n\r\n# SIG # Begin signature block\r\n# " + b64[:76] + "\r\n# " + b64[76:] + "\r\n# SIG # End signature block\r\n", "signature line of 76 characters"},
		{"short first line", "a.ps1", "Get-Date\r\n\r\n# SIG # Begin signature block\r\n# " + b64[:60] + "\r\n# " + b64[60:] + "\r\n# SIG # End signature block\r\n", "not in canonical form"},
		{"blank in line", "a.ps1", strings.Replace(good, "# "+b64[:4], "#  "+b64[1:4], 1), "invalid character"},
		{"no end line", "a.ps1", strings.Replace(good, "# SIG # End signature block\r\n", "", 1), "no end line"},
		{"padding in the middle", "a.ps1", "x\r\n\r\n# SIG # Begin signature block\r\n# QQ==QQ==\r\n# SIG # End signature block\r\n", "invalid base64"},
		{"non-zero padding bits", "a.ps1", "x\r\n\r\n# SIG # Begin signature block\r\n# QR==\r\n# SIG # End signature block\r\n", "invalid base64"},
		{"empty block", "a.ps1", "x\r\n\r\n# SIG # Begin signature block\r\n# SIG # End signature block\r\n", "empty signature block"},
		{"text after begin", "a.ps1", strings.Replace(good, "block\r\n#", "block \r\n#", 1), "characters after the begin marker"},
		{"UTF-16 LE", "a.ps1", string(append([]byte{0xFF, 0xFE}, encodeASCII(good, UTF16LE)...)), ""},
		{"UTF-16 LE, one 8-bit line", "a.ps1", string(append(append([]byte{0xFF, 0xFE}, encodeASCII("Get-Date\r\n", UTF16LE)...), hashForm.render(der)...)), ErrNotSigned.Error()},
		{"UTF-16 odd length", "a.ps1", string(append([]byte{0xFF, 0xFE}, encodeASCII(good, UTF16LE)...)) + "x", "odd length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			blk, err := ParseBlock(c.file, []byte(c.text))
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case c.want == "":
				if !bytes.Equal(blk.DER, der) {
					t.Errorf("DER %q", blk.DER)
				}
			case err == nil:
				t.Fatalf("no error, want %q", c.want)
			case !strings.Contains(err.Error(), c.want):
				t.Errorf("error %q, want %q", err, c.want)
			}
			if c.want == ErrNotSigned.Error() && !errors.Is(err, ErrNotSigned) {
				t.Errorf("error %v is not ErrNotSigned", err)
			}
		})
	}
}

// fuzzSeeds adds every script in testdata/signing to a fuzz corpus.
func fuzzSeeds(f *testing.F) {
	names, err := filepath.Glob(filepath.Join(testdataDir, "*.ps1"))
	if err != nil || len(names) == 0 {
		f.Fatalf("no seeds: %v", err)
	}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("x\r\n\r\n# SIG # Begin signature block\r\n# MAA=\r\n# SIG # End signature block\r\n"))
}

// FuzzParseBlock: no panic; a block that parses renders back to the same bytes.
func FuzzParseBlock(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, script []byte) {
		blk, err := ParseBlock("f.ps1", script)
		if err != nil {
			return
		}
		again := append(slices.Clone(blk.Signed), encodeASCII(hashForm.render(blk.DER), blk.Encoding)...)
		if !bytes.Equal(again, script) {
			t.Fatalf("parsed block does not render back to the input")
		}
	})
}

// FuzzVerify: no panic, a known status, and Valid only for a file whose block parses.
func FuzzVerify(f *testing.F) {
	fuzzSeeds(f)
	roots := []*x509.Certificate{loadPEM(f, "root-rsa.pem"), loadPEM(f, "root-ec.pem")}
	known := []Status{Valid, HashMismatch, NotSigned, UntrustedRoot, Expired, NotCodeSigning, Malformed}
	f.Fuzz(func(t *testing.T, script []byte) {
		r := Verify("f.ps1", script, VerifyOptions{Roots: roots, At: testAt})
		if !slices.Contains(known, r.Status) {
			t.Fatalf("unknown status %q", r.Status)
		}
		if r.Status == Valid {
			if _, err := ParseBlock("f.ps1", script); err != nil {
				t.Fatalf("Valid but ParseBlock: %v", err)
			}
		}
	})
}

// resignDER replaces the DER of a signed file's block, keeping the canonical block layout, so
// that only the DER rules are under test.
func resignDER(t *testing.T, signed []byte, der []byte) []byte {
	t.Helper()
	blk, err := ParseBlock("a.ps1", signed)
	if err != nil {
		t.Fatal(err)
	}
	return append(slices.Clone(blk.Signed), encodeASCII(hashForm.render(der), blk.Encoding)...)
}

// DER that is not canonical, or not in the fixed shape, is Malformed even where the
// signature would still verify. osslsigncode's verdict is logged for comparison.
func TestVerifyDERRules(t *testing.T) {
	signed := signFixture(t, "ascii.ps1", "rsa", SignOptions{})
	blk, err := ParseBlock("a.ps1", signed)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := parseSignedData(blk.DER)
	if err != nil {
		t.Fatal(err)
	}
	swap := func(der []byte, elems [][]byte) []byte {
		a, b := elems[0], elems[1]
		joined := slices.Concat(a, b)
		if !bytes.Contains(der, joined) {
			t.Fatal("elements not adjacent")
		}
		return bytes.Replace(der, joined, slices.Concat(b, a), 1)
	}
	longLen := func(der []byte) []byte {
		// 30 82 HH LL -> 30 83 00 HH LL: the same length with a needless leading zero octet.
		if der[1] != 0x82 {
			t.Fatalf("outer length form %#x", der[1])
		}
		return slices.Concat([]byte{0x30, 0x83, 0x00}, der[2:])
	}
	many := *sd
	for range maxCerts {
		many.certs = append(slices.Clone(many.certs), selfSigned(t, x509.KeyUsageCertSign, nil).Raw)
	}
	manyDER, err := many.marshal()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		der  []byte
		msg  string
	}{
		{"too many certificates", manyDER, "certificates (at most 16 are read)"},
		{"long-form length with a leading zero", longLen(blk.DER), "not a DER ContentInfo"},
		{"byte after the ContentInfo", append(slices.Clone(blk.DER), 0), "data after the signature's ContentInfo"},
		{"certificates out of DER order", swap(blk.DER, sd.certs), "not in DER order"},
		{"signed attributes out of DER order", swap(blk.DER, sd.attrs), "not in DER order"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := resignDER(t, signed, c.der)
			r := Verify("a.ps1", b, VerifyOptions{Roots: rootsFor(t, "rsa"), At: testAt})
			if r.Status != Malformed || !strings.Contains(r.Message, c.msg) {
				t.Errorf("got %s %q, want Malformed %q", r.Status, r.Message, c.msg)
			}
			if ok, _ := osslVerify(t, "a.ps1", b, "rsa"); ok {
				t.Logf("osslsigncode accepts %s (certswap is stricter)", c.name)
			}
		})
	}
}

// signCustom signs like Sign but with the signed attributes and certificate list given, to make
// the shapes other signing tools write.
func signCustom(t *testing.T, script []byte, alg string, attrs func(md []byte) [][]byte, certs func([]*x509.Certificate) [][]byte) []byte {
	t.Helper()
	key, chain := loadPFX(t, "codesign-"+alg+".pfx")
	a, _ := algFor(crypto.SHA256)
	h := crypto.SHA256.New()
	if _, err := hashText(h, script, DetectEncoding(script)); err != nil {
		t.Fatal(err)
	}
	indirect := indirectData(a, h.Sum(nil))
	h.Reset()
	h.Write(contentOctets(indirect))
	as := attrs(h.Sum(nil))
	h.Reset()
	h.Write(signedAttrsDER(as))
	sig, err := key.Sign(rand.Reader, h.Sum(nil), crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sigOID, null := oidRSAEncryption, true
	if alg == "ec" {
		sigOID, null = a.ecdsaOID, false
	}
	sd := &signedData{alg: a, indirect: indirect, certs: certs(chain), sid: issuerAndSerial(chain[0].RawIssuer, chain[0].SerialNumber),
		attrs: as, sigOID: sigOID, sigNull: null, signature: sig}
	der, err := sd.marshal()
	if err != nil {
		t.Fatal(err)
	}
	return append(slices.Clone(script), hashForm.render(der)...)
}

// Shapes seen in signatures from Windows tooling (a PowerShell file signed through Microsoft's
// Trusted Signing, read while researching): the signer's certificate twice in the SET, and
// signed attributes SpcSpOpusInfo, contentType and messageDigest without SpcStatementType.
// Verify accepts both; osslsigncode must accept them too.
func TestVerifyWindowsShapes(t *testing.T) {
	script := readFixture(t, "ascii.ps1")
	standard := func(md []byte) [][]byte {
		return [][]byte{attrContentType, attribute(oidMessageDigest, derOctets(md)), attrIndividual, attrEmptyOpus}
	}
	noStatement := func(md []byte) [][]byte {
		return [][]byte{attrContentType, attribute(oidMessageDigest, derOctets(md)), attrEmptyOpus}
	}
	chainCerts := func(ch []*x509.Certificate) [][]byte {
		var out [][]byte
		for _, c := range ch {
			out = append(out, c.Raw)
		}
		return out
	}
	signerTwice := func(ch []*x509.Certificate) [][]byte { return append(chainCerts(ch), ch[0].Raw) }
	for _, c := range []struct {
		name string
		file []byte
	}{
		{"signer certificate twice", signCustom(t, script, "rsa", standard, signerTwice)},
		{"no SpcStatementType", signCustom(t, script, "rsa", noStatement, chainCerts)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r := Verify("a.ps1", c.file, VerifyOptions{Roots: rootsFor(t, "rsa"), At: testAt}); r.Status != Valid {
				t.Errorf("Verify: %s: %s", r.Status, r.Message)
			}
			if ok, out := osslVerify(t, "a.ps1", c.file, "rsa"); !ok {
				t.Errorf("osslsigncode verify failed:\n%s", out)
			}
		})
	}
}
