package cert

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/crypto/cryptobyte"
)

// Fixture passwords, as listed in testdata/certs/README.md.
const (
	testPassword        = "Contoso-Test-1!"
	testPasswordUnicode = "Pässwort-€"
)

// mustReadBad reads a file of the bad-input corpus, testdata/bad/cert.
func mustReadBad(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(certsDir, "..", "bad", "cert", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustRead(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(certsDir, file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func itoa(i int) string { return strconv.Itoa(i) }

func cryptoString(b []byte) cryptobyte.String { return cryptobyte.String(b) }

func ptr(s string) *string { return &s }

// loadCases: every container fixture, with what make-certs.sh put into it.
var loadCases = []struct {
	file     string
	password *string // nil: no password source (the empty password is tried)
	format   Format
	leaves   []string // certificate names in expected.txt
	chain    []string // in order, leaf's issuer first
	provider string   // the "Microsoft CSP Name" bag attribute
}{
	{"tls-rsa-modern.pfx", ptr(testPassword), FormatPFX, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"tls-rsa-3des.pfx", ptr(testPassword), FormatPFX, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"tls-rsa-rc2.pfx", ptr(testPassword), FormatPFX, []string{"tls-rsa"}, nil, ""},
	{"tls-rsa-csp.pfx", ptr(testPassword), FormatPFX, []string{"tls-rsa"}, nil, "Microsoft Enhanced RSA and AES Cryptographic Provider"},
	{"tls-rsa-lmk.pfx", ptr(testPassword), FormatPFX, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, "Microsoft Software Key Storage Provider"},
	{"tls-ec-empty.pfx", nil, FormatPFX, []string{"tls-ec"}, nil, ""},
	{"tls-ec-unicode.pfx", ptr(testPasswordUnicode), FormatPFX, []string{"tls-ec"}, nil, ""},
	{"new-mail.pfx", ptr(testPassword), FormatPFX, []string{"new-mail"}, []string{"sectigo-dv", "usertrust-root"}, ""},
	{"old-mail.pfx", ptr(testPassword), FormatPFX, []string{"old-mail"}, []string{"comodo-dv", "comodo-root"}, ""},
	{"wildcard.pfx", ptr(testPassword), FormatPFX, []string{"wildcard"}, nil, ""},
	{"selfsigned.pfx", ptr(testPassword), FormatPFX, []string{"selfsigned"}, nil, ""},
	{"leaf-last.pfx", nil, FormatPFX, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"tls-rsa.cer", nil, FormatDER, []string{"tls-rsa"}, nil, ""},
	{"tls-ec.der", nil, FormatDER, []string{"tls-ec"}, nil, ""},
	{"sha1.cer", nil, FormatDER, []string{"sha1"}, nil, ""},
	{"rsa1024.cer", nil, FormatDER, []string{"rsa1024"}, nil, ""},
	{"client.cer", nil, FormatDER, []string{"client"}, nil, ""},
	{"expired.cer", nil, FormatDER, []string{"expired"}, nil, ""},
	{"wildcard.cer", nil, FormatDER, []string{"wildcard"}, nil, ""},
	{"selfsigned.cer", nil, FormatDER, []string{"selfsigned"}, nil, ""},
	{"selfsigned-sha1.cer", nil, FormatDER, []string{"selfsigned-sha1"}, nil, ""},
	{"old-mail.cer", nil, FormatDER, []string{"old-mail"}, nil, ""},
	{"new-mail.cer", nil, FormatDER, []string{"new-mail"}, nil, ""},
	{"new-mail.pem", nil, FormatPEM, []string{"new-mail"}, nil, ""},
	{"tls-rsa-chain-crlf.pem", nil, FormatPEM, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"tls-ec-bom.cer", nil, FormatPEM, []string{"tls-ec"}, nil, ""},
	{"new-mail.b64", nil, FormatBase64, []string{"new-mail"}, nil, ""},
	{"old-mail-wrapped.b64", nil, FormatBase64, []string{"old-mail"}, nil, ""},
	{"old-mail-bagattrs.pem", nil, FormatPEM, []string{"old-mail"}, []string{"comodo-dv", "comodo-root"}, ""},
	{"new-mail-chain.p7b", nil, FormatP7B, []string{"new-mail"}, []string{"sectigo-dv", "usertrust-root"}, ""},
	{"tls-rsa-chain.p7b.pem", nil, FormatP7B, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"tls-rsa-signed-ber.p7b", nil, FormatP7B, []string{"tls-rsa"}, []string{"issuing-ca", "root-ca"}, ""},
	{"two-leaves.pem", nil, FormatPEM, []string{"old-mail", "new-mail"}, nil, ""},
	{"odd-negative-serial.der", nil, FormatDER, []string{"odd-negative-serial"}, nil, ""},
	{"odd-dates.der", nil, FormatDER, []string{"odd-dates"}, nil, ""},
	{"odd-octet-name.der", nil, FormatDER, []string{"odd-octet-name"}, nil, ""},
	{"odd-printable.der", nil, FormatDER, []string{"odd-printable"}, nil, ""},
	{"odd-huge-name.der", nil, FormatDER, []string{"odd-huge-name"}, nil, ""},
	{"odd-san.der", nil, FormatDER, []string{"odd-san"}, nil, ""},
}

func TestLoad(t *testing.T) {
	_, byThumb := readExpected(t)
	names := func(cs []*Certificate) []string {
		var out []string
		for _, c := range cs {
			if e := byThumb[c.Thumbprint]; e != nil {
				out = append(out, e.name)
			} else {
				out = append(out, "unknown:"+c.Thumbprint)
			}
		}
		return out
	}
	for _, tc := range loadCases {
		t.Run(tc.file, func(t *testing.T) {
			data := mustRead(t, tc.file)
			if !Sniff(data) {
				t.Error("Sniff = false")
			}
			f, err := Load("dir/"+tc.file, data, LoadOptions{Password: tc.password})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if f.Name != "dir/"+tc.file {
				t.Errorf("Name = %q", f.Name)
			}
			if f.Format != tc.format {
				t.Errorf("Format = %s, want %s", f.Format, tc.format)
			}
			if got := names(f.Leaves); fmt.Sprint(got) != fmt.Sprint(tc.leaves) {
				t.Errorf("Leaves = %v, want %v", got, tc.leaves)
			}
			if got := names(f.Chain); fmt.Sprint(got) != fmt.Sprint(tc.chain) {
				t.Errorf("Chain = %v, want %v", got, tc.chain)
			}
			for _, c := range append(append([]*Certificate{}, f.Leaves...), f.Chain...) {
				if e := byThumb[c.Thumbprint]; e != nil {
					checkAgainstOpenSSL(t, c, e)
				}
				isKeyLeaf := tc.format == FormatPFX && c == f.Leaves[0]
				if c.HasPrivateKey != isKeyLeaf {
					t.Errorf("%s: HasPrivateKey = %v", c.Thumbprint, c.HasPrivateKey)
				}
				want := ""
				if isKeyLeaf {
					want = tc.provider
				}
				if c.KeyProvider != want {
					t.Errorf("%s: KeyProvider = %q, want %q", c.Thumbprint, c.KeyProvider, want)
				}
			}
			if tc.format != FormatPFX {
				if f.Key != nil {
					t.Error("Key set for a file without a private key")
				}
				return
			}
			// The key really is the leaf's: sign with it, verify with the certificate.
			signer, ok := f.Key.(crypto.Signer)
			if !ok {
				t.Fatalf("Key is %T", f.Key)
			}
			digest := sha256.Sum256([]byte("certswap"))
			sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			leaf := f.Leaves[0].X509
			alg := x509.SHA256WithRSA
			if _, ok := f.Key.(*ecdsa.PrivateKey); ok {
				alg = x509.ECDSAWithSHA256
			}
			if err := leaf.CheckSignature(alg, []byte("certswap"), sig); err != nil {
				t.Errorf("key does not match the leaf: %v", err)
			}
		})
	}
}

func TestLoadPassword(t *testing.T) {
	const wrong = "S3cret-but-wrong"
	protected := mustRead(t, "tls-rsa-modern.pfx")
	empty := mustRead(t, "tls-ec-empty.pfx")
	promptErr := errors.New("no terminal")
	cases := []struct {
		name    string
		data    []byte
		opts    LoadOptions
		prompts int   // how often the prompt must have been called
		err     error // nil: loads
	}{
		{"password", protected, LoadOptions{Password: ptr(testPassword)}, 0, nil},
		{"wrong password", protected, LoadOptions{Password: ptr(wrong)}, 0, ErrWrongPassword},
		{"explicit empty password", protected, LoadOptions{Password: ptr("")}, 0, ErrWrongPassword},
		{"explicit password ignores prompt", protected, LoadOptions{Password: ptr(wrong), Prompt: func() (string, error) { return testPassword, nil }}, 0, ErrWrongPassword},
		{"no source", protected, LoadOptions{}, 0, ErrPasswordRequired},
		{"prompt", protected, LoadOptions{Prompt: func() (string, error) { return testPassword, nil }}, 1, nil},
		{"prompt wrong", protected, LoadOptions{Prompt: func() (string, error) { return wrong, nil }}, 1, ErrWrongPassword},
		{"prompt fails", protected, LoadOptions{Prompt: func() (string, error) { return "", promptErr }}, 1, promptErr},
		{"empty password, no prompt needed", empty, LoadOptions{Prompt: func() (string, error) { return wrong, nil }}, 0, nil},
		{"empty password file, wrong explicit", empty, LoadOptions{Password: ptr(wrong)}, 0, ErrWrongPassword},
		{"unicode password", mustRead(t, "tls-ec-unicode.pfx"), LoadOptions{Password: ptr(testPasswordUnicode)}, 0, nil},
		{"unicode password, NFD spelling", mustRead(t, "tls-ec-unicode.pfx"), LoadOptions{Password: ptr("Pa\u0308sswort-€")}, 0, ErrWrongPassword},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			if p := tc.opts.Prompt; p != nil {
				tc.opts.Prompt = func() (string, error) { calls++; return p() }
			}
			f, err := Load("x.pfx", tc.data, tc.opts)
			if calls != tc.prompts {
				t.Errorf("prompt called %d times, want %d", calls, tc.prompts)
			}
			if tc.err == nil {
				if err != nil || f == nil {
					t.Fatalf("Load = %v, %v", f, err)
				}
				return
			}
			if f != nil || !errors.Is(err, tc.err) {
				t.Fatalf("Load = %v, %v; want %v", f, err, tc.err)
			}
			if strings.Contains(err.Error(), wrong) || strings.Contains(err.Error(), testPassword) {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
	if ErrWrongPassword.Error() != "wrong password" {
		t.Errorf("ErrWrongPassword = %q", ErrWrongPassword)
	}
	if ErrPasswordRequired.Error() != "password required (use --password-file or --password-env)" {
		t.Errorf("ErrPasswordRequired = %q", ErrPasswordRequired)
	}
}

// TestLoadErrors: bad input gives one clear error (no file name: cmd adds it), no File.
func TestLoadErrors(t *testing.T) {
	der := mustRead(t, "tls-rsa.cer")
	pemText := string(mustRead(t, "new-mail.pem"))
	pfx := mustRead(t, "tls-rsa-modern.pfx")
	p7b := mustRead(t, "new-mail-chain.p7b")
	ber := mustRead(t, "tls-rsa-signed-ber.p7b")
	csr := makeCSR(t)
	cases := []struct {
		name string
		data []byte
		opts LoadOptions
		want string // the whole error text
	}{
		{"empty", nil, LoadOptions{}, "empty file"},
		{"too large", make([]byte, MaxFileSize+1), LoadOptions{}, "file is over the 1048576-byte (1 MiB) limit for certificate files"},
		{"text", []byte("Name : EX01\r\nThumbprint : ABC\r\n"), LoadOptions{}, "not a certificate file (expected PFX, CER or P7B)"},
		{"binary", []byte{0x00, 0x01, 0x02, 0xff}, LoadOptions{}, "not a certificate file (expected PFX, CER or P7B)"},
		{"private key DER", mustPKCS8(t), LoadOptions{}, "not a certificate file (expected PFX, CER or P7B)"},
		{"no key", mustRead(t, "nokey.pfx"), LoadOptions{Password: ptr(testPassword)}, "PFX holds no private key; export the certificate as .cer or .p7b instead"},
		{"two keys", mustRead(t, "twokeys.pfx"), LoadOptions{}, "PFX holds two private keys"},
		{"key, no certificate (EC, AES)", mustReadBad(t, "pfx-no-certificate-openssl.pfx"), LoadOptions{Password: ptr("")}, "PFX holds a private key but no certificate; export the certificate together with its private key"},
		{"key, no certificate (RSA, 3DES)", mustReadBad(t, "pfx-no-certificate-rsa-legacy-openssl.pfx"), LoadOptions{}, "PFX holds a private key but no certificate; export the certificate together with its private key"},
		{"wrong password", mustRead(t, "new-mail.pfx"), LoadOptions{Password: ptr("x")}, "wrong password"},
		{"no password", mustRead(t, "new-mail.pfx"), LoadOptions{}, "password required (use --password-file or --password-env)"},
		{"truncated DER", der[:500], LoadOptions{}, "truncated DER at byte 500"},
		{"trailing data", append(bytes.Clone(der), 0, 5), LoadOptions{}, fmt.Sprintf("unexpected data after the DER structure at byte %d", len(der)+1)},
		{"BER certificate", append([]byte{0x30, 0x80}, der[4:]...), LoadOptions{}, "BER indefinite-length encoding is not supported (convert the file to DER)"},
		{"BER PFX", append([]byte{0x30, 0x80}, pfx[4:]...), LoadOptions{}, "BER indefinite-length encoding is not supported (convert the file to DER)"},
		{"BER P7B without end", ber[:len(ber)-2], LoadOptions{}, fmt.Sprintf("truncated DER at byte %d", len(ber)-2)},
		{"BER P7B with trailing data", append(bytes.Clone(ber), 1), LoadOptions{}, fmt.Sprintf("unexpected data after the DER structure at byte %d", len(ber))},
		{"P7B with trailing data", append(bytes.Clone(p7b), 0, 0, 7), LoadOptions{}, fmt.Sprintf("unexpected data after the DER structure at byte %d", len(p7b)+2)},
		{"damaged certificate", damage(der, 13), LoadOptions{}, "not an X.509 certificate (bad serial number)"},
		{"CSR DER", csr, LoadOptions{}, "a certificate signing request (CSR), not a certificate"},
		{"CSR PEM", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr}), LoadOptions{}, "a certificate signing request (CSR), not a certificate"},
		{"key only PEM", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), LoadOptions{}, "PEM file holds no certificate (only PRIVATE KEY)"},
		{"no END", []byte(pemText[:200]), LoadOptions{}, `line 1: PEM block "CERTIFICATE" has no END line`},
		{"END mismatch", []byte(strings.Replace(pemText, "END CERTIFICATE", "END PKCS7", 1)), LoadOptions{}, `line 23: PEM block "CERTIFICATE" begun at line 1 ends with "PKCS7"`},
		{"bad Base64 in PEM", []byte("\n\n-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n"), LoadOptions{}, `line 3: PEM block "CERTIFICATE" is not valid Base64`},
		{"truncated DER in PEM", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der[:100]}), LoadOptions{}, "line 1: truncated DER at byte 100"},
		{"not a cert in PEM", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x05}}), LoadOptions{}, "line 1: not an X.509 certificate (no TBSCertificate)"},
		{"PKCS7 label on a certificate", pem.EncodeToMemory(&pem.Block{Type: "PKCS7", Bytes: der}), LoadOptions{}, `line 1: PEM block "PKCS7" is not PKCS#7 SignedData`},
		{"bare Base64 of text", []byte("SGVsbG8gd29ybGQ="), LoadOptions{}, "not a certificate file (expected PFX, CER or P7B)"},
		{"bare Base64 of truncated DER", []byte(b64(der[:300])), LoadOptions{}, "in Base64: truncated DER at byte 300"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Load("x", tc.data, tc.opts)
			if err == nil || f != nil {
				t.Fatalf("Load = %v, %v; want an error", f, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error = %q\nwant    %q", err, tc.want)
			}
		})
	}
}

// damage flips the tag byte at off.
func damage(der []byte, off int) []byte {
	d := bytes.Clone(der)
	d[off] ^= 0xff
	return d
}

func b64(b []byte) string {
	return strings.TrimSpace(string(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: b}))[len("-----BEGIN X-----\n") : len(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: b}))-len("-----END X-----\n")])
}

func makeCSR(t *testing.T) []byte {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "mail.contoso.com"}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return csr
}

func mustPKCS8(t *testing.T) []byte {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// TestLoadTruncated cuts PFX, DER and P7B files at many offsets: always an error, never a
// panic, and once the first headers are there, the truncation is named.
func TestLoadTruncated(t *testing.T) {
	for _, file := range []string{"tls-rsa-modern.pfx", "tls-rsa-rc2.pfx", "tls-rsa.cer", "tls-ec.der", "new-mail-chain.p7b", "tls-rsa-signed-ber.p7b", "odd-negative-serial.der"} {
		data := mustRead(t, file)
		step := max(1, len(data)/300)
		for i := 1; i < len(data); i += step {
			f, err := Load("x", data[:i], LoadOptions{Password: ptr(testPassword)})
			if err == nil || f != nil {
				t.Fatalf("%s cut at %d: Load = %v, %v", file, i, f, err)
			}
			if i >= 16 && err.Error() != fmt.Sprintf("truncated DER at byte %d", i) {
				t.Errorf("%s cut at %d: %v", file, i, err)
			}
		}
	}
}

// TestLoadTextForms: the same certificate in the text forms Windows and PowerShell produce.
func TestLoadTextForms(t *testing.T) {
	pemLF := mustRead(t, "new-mail.pem")
	der := mustRead(t, "new-mail.cer")
	want := Thumbprint(der)
	utf16le := func(s string, bom bool, order binary.AppendByteOrder) []byte {
		var out []byte
		if bom {
			out = order.AppendUint16(out, 0xfeff)
		}
		for _, u := range utf16.Encode([]rune(s)) {
			out = order.AppendUint16(out, u)
		}
		return out
	}
	keyBlock := "-----BEGIN RSA PRIVATE KEY-----\nnot decoded\n-----END RSA PRIVATE KEY-----\n"
	cases := []struct {
		name   string
		data   []byte
		format Format
	}{
		{"PEM LF", pemLF, FormatPEM},
		{"PEM CRLF", bytes.ReplaceAll(pemLF, []byte("\n"), []byte("\r\n")), FormatPEM},
		{"PEM BOM CRLF", append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(pemLF, []byte("\n"), []byte("\r\n"))...), FormatPEM},
		{"PEM UTF-16LE BOM (PowerShell > redirection)", utf16le(string(pemLF), true, binary.LittleEndian), FormatPEM},
		{"PEM UTF-16BE BOM", utf16le(string(pemLF), true, binary.BigEndian), FormatPEM},
		{"PEM with a key block", append([]byte(keyBlock), pemLF...), FormatPEM},
		{"PEM pasted as one line", []byte(strings.Join(strings.Fields(string(pemLF)), " ")), FormatPEM},
		{"PEM pasted as one line, no spaces", []byte(strings.ReplaceAll(string(pemLF), "\n", "")), FormatPEM},
		{"PEM with text around it on the same lines", []byte("cert: " + strings.Replace(string(pemLF), "-----\n", "----- ", 1) + " (end)"), FormatPEM},
		{"PEM with trailing blanks", bytes.ReplaceAll(pemLF, []byte("\n"), []byte("  \n")), FormatPEM},
		{"X509 CERTIFICATE label", bytes.ReplaceAll(pemLF, []byte(" CERTIFICATE"), []byte(" X509 CERTIFICATE")), FormatPEM},
		{"bare Base64 one line", []byte(strings.ReplaceAll(b64(der), "\n", "")), FormatBase64},
		{"bare Base64 CRLF, final newline", []byte(strings.ReplaceAll(b64(der), "\n", "\r\n") + "\r\n"), FormatBase64},
		{"DER with zero padding", append(bytes.Clone(der), 0, 0, 0, 0), FormatDER},
		{"bare Base64 with BOM", append([]byte("\xef\xbb\xbf"), b64(der)...), FormatBase64},
		{"bare Base64 UTF-16LE", utf16le(b64(der), true, binary.LittleEndian), FormatBase64},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !Sniff(tc.data) {
				t.Error("Sniff = false")
			}
			f, err := Load("x", tc.data, LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.format || len(f.Leaves) != 1 || f.Leaves[0].Thumbprint != want || f.Key != nil {
				t.Errorf("got %s, %d leaves, key %v", f.Format, len(f.Leaves), f.Key != nil)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	no := map[string][]byte{
		"empty":              nil,
		"Format-List":        []byte("\r\n\r\nIdentity : EX01\\Default Frontend EX01\r\nFqdn     : mail.contoso.com\r\n"),
		"CLIXML":             []byte(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0">`),
		"UTF-16 Format-List": []byte("\xff\xfeI\x00d\x00:\x00"),
		"JSON":               []byte(`[{"Thumbprint":"ABC"}]`),
		"CSV":                []byte("\"Name\",\"Fqdn\"\r\n"),
		"base64 of text":     []byte("SGVsbG8gd29ybGQgaGVsbG8gd29ybGQ="),
		"word":               []byte("MIIIIII"),
		"CSR":                pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: makeCSR(t)}),
		"CSR DER":            makeCSR(t),
		"private key DER":    mustPKCS8(t),
		"netsh":              []byte("\r\nSSL Certificate bindings:\r\n-------------------------\r\n"),
	}
	for name, data := range no {
		if Sniff(data) {
			t.Errorf("%s: Sniff = true", name)
		}
	}
	// Truncated certificate files still sniff as certificates (Load then says what is wrong).
	for _, file := range []string{"tls-rsa.cer", "tls-rsa-modern.pfx", "new-mail-chain.p7b"} {
		if data := mustRead(t, file); !Sniff(data[:32]) {
			t.Errorf("%s cut to 32 bytes: Sniff = false", file)
		}
	}
}

func FuzzLoad(f *testing.F) {
	for _, tc := range loadCases {
		f.Add(mustRead(f, tc.file))
	}
	f.Add(mustRead(f, "nokey.pfx"))
	f.Add(mustRead(f, "twokeys.pfx"))
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n"))
	pw := testPassword
	// Mutated MAC iteration counts would otherwise cost seconds each under the fuzzer.
	saved := maxPFXIterations
	maxPFXIterations = 20_000
	f.Cleanup(func() { maxPFXIterations = saved })
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Load("fuzz", data, LoadOptions{Password: &pw})
		if err != nil {
			if file != nil {
				t.Fatalf("error %v with a File", err)
			}
			if strings.Contains(err.Error(), pw) {
				t.Fatalf("error %q holds the password", err)
			}
			return
		}
		if file == nil || len(file.Leaves) == 0 {
			t.Fatal("no error and no leaf")
		}
		for _, c := range append(append([]*Certificate{}, file.Leaves...), file.Chain...) {
			if c == nil || len(c.Thumbprint) != 40 {
				t.Fatal("bad certificate in File")
			}
		}
		_ = Sniff(data)
	})
}

func BenchmarkLoadPFX(b *testing.B) {
	for _, file := range []string{"tls-rsa-modern.pfx", "tls-rsa-3des.pfx", "tls-rsa-rc2.pfx", "tls-rsa-lmk.pfx"} {
		data := mustRead(b, file)
		b.Run(file, func(b *testing.B) {
			for b.Loop() {
				if _, err := Load(file, data, LoadOptions{Password: ptr(testPassword)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestLoadP7BPadding: Windows pads the PKCS#7 it exports with zero bytes
// (dotnet/runtime#59212); the certificates are read as from the unpadded file.
func TestLoadP7BPadding(t *testing.T) {
	p7b := mustRead(t, "new-mail-chain.p7b")
	plain, err := Load("a.p7b", p7b, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	padded, err := Load("b.p7b", append(bytes.Clone(p7b), 0, 0, 0, 0), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if padded.Format != FormatP7B || len(padded.Leaves) != 1 || padded.Leaves[0].Thumbprint != plain.Leaves[0].Thumbprint ||
		len(padded.Chain) != len(plain.Chain) {
		t.Errorf("padded P7B read differently: %+v", padded)
	}
}
