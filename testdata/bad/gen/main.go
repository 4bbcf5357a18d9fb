//go:build ignore

// gen writes the committed files of testdata/bad: small hostile or damaged inputs derived from
// the fixtures of testdata/certs and testdata/signing (truncated at fixed offsets, spliced,
// re-encoded), written by hand (exports), or made by openssl (certificates that need a key).
// Run it from the repository root:
//
//	go run ./testdata/bad/gen
//
// It is deterministic except for the openssl-made keys (sans-1000.cer, pfx-*-openssl.pfx), and
// it overwrites every file it names. The big cases (a 1,000,000-character line, 100,000 objects,
// 10,000-deep nesting, 200 MB files) are not committed: cmd/certswap/badinput_test.go writes them
// into a temporary folder at run time.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

const out = "testdata/bad"

func main() {
	for _, d := range []string{"cert", "export", "sig", "base"} {
		must(os.MkdirAll(filepath.Join(out, d), 0o755))
	}
	certs()
	exports()
	sigs()
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func read(p string) []byte {
	b, err := os.ReadFile(p)
	must(err)
	return b
}

func write(name string, b []byte) {
	must(os.WriteFile(filepath.Join(out, name), b, 0o644))
}

// garbage is a fixed pseudo-random byte string (seeded, so a rerun writes the same bytes).
func garbage(seed uint64, n int) []byte {
	r := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	must(cmd.Run())
}

func certs() {
	der := read("testdata/certs/tls-rsa.cer")
	pfx := read("testdata/certs/tls-rsa-modern.pfx")
	p7b := read("testdata/certs/new-mail-chain.p7b")
	pem := read("testdata/certs/new-mail.pem")

	write("cert/empty.cer", nil)
	write("cert/garbage.cer", garbage(1, 4096))
	write("cert/text.cer", []byte("this is not a certificate\r\n"))
	for _, n := range []int{1, 4, 64, len(der) / 2, len(der) - 1} {
		write(fmt.Sprintf("cert/trunc-der-%d.cer", n), der[:n])
	}
	for _, n := range []int{2, 16, 300, len(pfx) / 2, len(pfx) - 1} {
		write(fmt.Sprintf("cert/trunc-pfx-%d.pfx", n), pfx[:n])
	}
	for _, n := range []int{10, 200, len(p7b) / 2, len(p7b) - 1} {
		write(fmt.Sprintf("cert/trunc-p7b-%d.p7b", n), p7b[:n])
	}
	// PEM: the END line cut off; a body that is not Base64; a body of Base64 garbage.
	write("cert/pem-no-end.pem", pem[:len(pem)/2])
	write("cert/pem-bad-base64.pem", []byte("-----BEGIN CERTIFICATE-----\n!!!! this is not base64 @@@@\n-----END CERTIFICATE-----\n"))
	write("cert/pem-random-der.pem", []byte("-----BEGIN CERTIFICATE-----\n"+wrap64(base64.StdEncoding.EncodeToString(garbage(2, 600)))+"-----END CERTIFICATE-----\n"))
	write("cert/pem-empty.pem", []byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"))
	// DER whose outer length claims 4 GiB; DER with trailing bytes; a length past the end.
	// (100,000 nested indefinite-length SEQUENCEs are written by the test at run time.)
	write("cert/der-huge-length.cer", append([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff}, der[4:]...))
	write("cert/der-trailing-garbage.cer", append(append([]byte{}, der...), garbage(3, 64)...))
	write("cert/der-length-past-end.cer", append([]byte{0x30, 0x82, 0x7f, 0xff}, der[4:]...))
	// A PFX whose MAC asks for 2^31-1 iterations (a CPU bomb certswap must refuse before work).
	write("cert/pfx-mac-iterations.pfx", patchMACIterations(pfx))
	// A PKCS#7 SignedData with no certificate at all.
	run("openssl", "crl2pkcs7", "-nocrl", "-outform", "DER", "-out", filepath.Join(out, "cert/p7b-no-certificates.p7b"))

	// openssl-made: key-only PFXs (no certificate; EC, and RSA in the legacy 3DES encryption), a key with an unrelated certificate,
	// a certificate with 1,000 DNS SANs, and a PFX whose key bag asks for 2^31-1 PBKDF2 iterations.
	tmp, err := os.MkdirTemp("", "certswap-bad-gen-*")
	must(err)
	defer os.RemoveAll(tmp)
	key := filepath.Join(tmp, "k.pem")
	run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
	run("openssl", "pkcs12", "-export", "-nocerts", "-inkey", key, "-passout", "pass:", "-out", filepath.Join(out, "cert/pfx-no-certificate-openssl.pfx"))
	rsaKey := filepath.Join(tmp, "rsa.pem")
	run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsaKey)
	run("openssl", "pkcs12", "-export", "-nocerts", "-legacy", "-inkey", rsaKey, "-passout", "pass:", "-out", filepath.Join(out, "cert/pfx-no-certificate-rsa-legacy-openssl.pfx"))
	p8 := filepath.Join(tmp, "k.p8")
	run("openssl", "pkcs8", "-topk8", "-outform", "DER", "-v2", "aes-256-cbc", "-passout", "pass:", "-in", key, "-out", p8)
	run("go", "run", "./testdata/certs/assemble-pfx.go", filepath.Join(out, "cert/pfx-key-mismatch-openssl.pfx"), p8, "--", "testdata/certs/tls-rsa.cer")
	bomb := filepath.Join(tmp, "bomb.p8")
	must(os.WriteFile(bomb, iterationBombP8(), 0o600))
	run("go", "run", "./testdata/certs/assemble-pfx.go", filepath.Join(out, "cert/pfx-key-iterations.pfx"), bomb, "--", "testdata/certs/tls-rsa.cer")

	var cnf strings.Builder
	cnf.WriteString("[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=ext\n[dn]\nCN=sans.contoso.com\n[ext]\nsubjectAltName=@alt\nextendedKeyUsage=serverAuth\n[alt]\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&cnf, "DNS.%d=host%04d.contoso.com\n", i, i)
	}
	cnfPath := filepath.Join(tmp, "sans.cnf")
	must(os.WriteFile(cnfPath, []byte(cnf.String()), 0o600))
	run("openssl", "req", "-x509", "-new", "-key", key, "-config", cnfPath, "-days", "3650", "-outform", "DER", "-out", filepath.Join(out, "cert/sans-1000.cer"))
}

func wrap64(s string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + "\n")
		s = s[64:]
	}
	b.WriteString(s + "\n")
	return b.String()
}

// patchMACIterations rewrites the MacData iteration count of an openssl PFX (an INTEGER at the
// very end of the file, 2048 = 02 02 08 00) as 02 04 7f ff ff ff, fixing the three enclosing
// lengths (PFX, MacData). The MAC itself is left as it is: certswap must refuse before checking it.
func patchMACIterations(pfx []byte) []byte {
	s := cryptobyte.String(pfx)
	var body cryptobyte.String
	if !s.ReadASN1(&body, cbasn1.SEQUENCE) {
		must(fmt.Errorf("pfx: not a SEQUENCE"))
	}
	var version int64
	var authSafe, mac cryptobyte.String
	if !body.ReadASN1Integer(&version) || !body.ReadASN1Element(&authSafe, cbasn1.SEQUENCE) || !body.ReadASN1(&mac, cbasn1.SEQUENCE) {
		must(fmt.Errorf("pfx: unexpected layout"))
	}
	var digest, salt cryptobyte.String
	if !mac.ReadASN1Element(&digest, cbasn1.SEQUENCE) || !mac.ReadASN1Element(&salt, cbasn1.OCTET_STRING) {
		must(fmt.Errorf("pfx: unexpected MacData"))
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(version)
		b.AddBytes(authSafe)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(digest)
			b.AddBytes(salt)
			b.AddASN1Int64(1<<31 - 1)
		})
	})
	return b.BytesOrPanic()
}

// iterationBombP8 is a PKCS#8 EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC)
// whose PBKDF2 asks for 2^31-1 iterations; its ciphertext is random bytes.
func iterationBombP8() []byte {
	oid := func(b *cryptobyte.Builder, o asn1.ObjectIdentifier) { b.AddASN1ObjectIdentifier(o) }
	salt := make([]byte, 16)
	iv := make([]byte, 16)
	ct := make([]byte, 160)
	rand.Read(salt)
	rand.Read(iv)
	rand.Read(ct)
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			oid(b, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}) // PBES2
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					oid(b, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}) // PBKDF2
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(salt)
						b.AddASN1Int64(1<<31 - 1)
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							oid(b, asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}) // hmacWithSHA256
							b.AddASN1NULL()
						})
					})
				})
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					oid(b, asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}) // aes256-CBC
					b.AddASN1OctetString(iv)
				})
			})
		})
		b.AddASN1OctetString(ct)
	})
	return b.BytesOrPanic()
}

// The valid exports the damaged ones are made from (base/ holds them; the test checks that each
// is read, so that a refusal of its damaged copy is the damage's doing).
const (
	baseList = "\r\n\r\nIdentity           : EX01\\Default Frontend EX01\r\nServer             : EX01\r\nBindings           : {0.0.0.0:25}\r\nFqdn               : mail.contoso.com\r\nTlsCertificateName : <I>CN=Old CA, O=Contoso<S>CN=mail.contoso.com\r\n\r\n\r\n\r\n"
	baseXML  = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0">
      <T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T>
      <T>System.Object</T>
    </TN>
    <ToString>EX01\Default Frontend EX01</ToString>
    <Props>
      <S N="Identity">EX01\Default Frontend EX01</S>
      <S N="Server">EX01</S>
      <S N="Fqdn">mail.contoso.com</S>
      <S N="TlsCertificateName">&lt;I&gt;CN=Old CA, O=Contoso&lt;S&gt;CN=mail.contoso.com</S>
    </Props>
  </Obj>
</Objs>
`
	baseJSON = `[
    {
        "Identity":  "EX01\\Default Frontend EX01",
        "Server":  "EX01",
        "Bindings":  [ "0.0.0.0:25" ],
        "Fqdn":  "mail.contoso.com",
        "TlsCertificateName":  "\u003cI\u003eCN=Old CA, O=Contoso\u003cS\u003eCN=mail.contoso.com"
    }
]
`
	baseCSV   = "#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\r\n\"Identity\",\"Server\",\"Bindings\",\"Fqdn\",\"TlsCertificateName\"\r\n\"EX01\\Default Frontend EX01\",\"EX01\",\"0.0.0.0:25\",\"mail.contoso.com\",\"<I>CN=Old CA, O=Contoso<S>CN=mail.contoso.com\"\r\n"
	baseNetsh = "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n    Hostname:port                : adfs.contoso.com:443\r\n    Certificate Hash             : 90168b9e493eb0f22dcbb043501c2349d98ba62e\r\n    Application ID               : {5d89a20c-beab-4389-9447-324788eb944a}\r\n    Certificate Store Name       : MY\r\n\r\n"
)

func utf16le(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xff, 0xfe)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf16be(s string, bom bool) []byte {
	var b []byte
	if bom {
		b = append(b, 0xfe, 0xff)
	}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func decodeUTF16LE(b []byte) string {
	b = bytes.TrimPrefix(b, []byte{0xff, 0xfe})
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}

func exports() {
	write("base/list.txt", []byte(baseList))
	write("base/list-utf16.txt", utf16le(baseList, true))
	write("base/clixml.xml", []byte(baseXML))
	write("base/json.json", []byte(baseJSON))
	write("base/csv.csv", []byte(baseCSV))
	write("base/netsh.txt", []byte(baseNetsh))

	e := func(name string, b []byte) { write("export/"+name, b) }
	e("empty.txt", nil)
	e("blank-lines.txt", []byte("\r\n\r\n   \r\n\r\n"))
	e("garbage.bin", garbage(4, 4096))
	e("elf-header.txt", append([]byte("\x7fELF\x02\x01\x01\x00"), garbage(5, 200)...))
	// Encodings.
	u := utf16le(baseList, true)
	e("utf16le-odd-length.txt", u[:len(u)-1])
	e("utf16be-odd-length.txt", func() []byte { b := utf16be(baseList, true); return b[:len(b)-1] }())
	e("utf16le-unpaired-surrogate.txt", append(utf16le(baseList[:60], true), append([]byte{0x00, 0xd8, 'A', 0}, utf16le(baseList[60:], false)...)...))
	e("mixed-utf16-then-utf8.txt", append(utf16le(baseList, true), []byte("Comment            : appended with >> in UTF-8\r\n")...))
	e("mixed-utf8-then-utf16.txt", append([]byte(baseList), utf16le("Comment            : appended in UTF-16\r\n", true)...))
	e("nul-in-utf8.txt", []byte(strings.Replace(baseList, "mail.contoso.com", "mail\x00contoso.com", 1)))
	e("utf16le-no-bom-odd.txt", utf16le(baseList, false)[:len(baseList)*2-1])
	// Format-List without values: labels only; and separators only.
	e("list-no-values.txt", []byte("\r\n\r\nIdentity           :\r\nServer             :\r\nFqdn               :\r\n\r\n"))
	e("list-labels-no-colon.txt", []byte("\r\n\r\nIdentity\r\nServer\r\nFqdn\r\n\r\n"))
	e("list-colons-only.txt", []byte("\r\n : \r\n : \r\n : \r\n"))
	// CLIXML.
	e("clixml-dtd.xml", []byte("<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [ <!ELEMENT Objs ANY> ]>\n"+baseXML))
	e("clixml-billion-laughs.xml", []byte(`<?xml version="1.0"?>
<!DOCTYPE Objs [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0"><TN RefId="0"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T></TN>
    <Props><S N="Identity">&i;</S><S N="Fqdn">mail.contoso.com</S></Props></Obj>
</Objs>
`))
	e("clixml-external-entity.xml", []byte(`<?xml version="1.0"?>
<!DOCTYPE Objs [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0"><TN RefId="0"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T></TN>
    <Props><S N="Identity">&x;</S><S N="Fqdn">mail.contoso.com</S></Props></Obj>
</Objs>
`))
	e("clixml-undefined-entity.xml", []byte(strings.Replace(baseXML, "mail.contoso.com</S>", "&undefined;</S>", 1)))
	e("clixml-truncated.xml", []byte(baseXML[:len(baseXML)/2]))
	e("clixml-unclosed.xml", []byte(strings.TrimSuffix(baseXML, "</Objs>\n")))
	e("clixml-not-objs.xml", []byte("<html><body><p>Identity : EX01</p></body></html>\n"))
	e("clixml-two-roots.xml", []byte(baseXML+baseXML))
	e("clixml-bad-refid.xml", []byte(strings.Replace(baseXML, `<TN RefId="0">`, `<TNRef RefId="7" /><TN RefId="0">`, 1)))
	e("clixml-utf16-truncated.xml", utf16le(baseXML, true)[:301])
	// ConvertTo-Json.
	e("json-truncated.json", []byte(baseJSON[:len(baseJSON)/2]))
	e("json-trailing-garbage.json", []byte(baseJSON+"}}]] garbage\n"))
	e("json-bad-escape.json", []byte(strings.Replace(baseJSON, `\u003cI`, `\u00zzI`, 1)))
	e("json-empty-array.json", []byte("[]\n"))
	e("json-scalar-array.json", []byte("[1, 2, 3]\n"))
	// Export-Csv.
	e("csv-broken-quote.csv", []byte(strings.Replace(baseCSV, `"mail.contoso.com"`, `"mail.contoso.com`, 1)))
	e("csv-header-only.csv", []byte("#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\r\n"))
	e("csv-ragged.csv", []byte(strings.Replace(baseCSV, `,"EX01",`, `,`, 1)))
	// A value generate cannot write as a PowerShell literal: the field story's receive connector
	// export (testdata/exports/exchange-field-story, UTF-16 LE) as UTF-8, with a BEL (U+0007) in
	// the identity of the connector whose TlsCertificateName must change.
	story := decodeUTF16LE(read("testdata/exports/exchange-field-story/Get-ReceiveConnector.txt"))
	e("control-char-identity.txt", []byte(strings.ReplaceAll(story, `EX01\Default Frontend EX01`, "EX01\\Default\aFrontend EX01")))
	// netsh.
	e("netsh-unknown-label.txt", []byte(strings.Replace(baseNetsh, "Certificate Store Name", "Certificate Frobnicator", 1)))
}

// The signed sample comes from osslsigncode (testdata/signing/ascii.ossl-rsa.ps1), not from
// certswap: every damaged signature below is a change to a signature certswap did not make.
func sigs() {
	signed := read("testdata/signing/ascii.ossl-rsa.ps1")
	const begin = "# SIG # Begin signature block\r\n"
	const end = "# SIG # End signature block\r\n"
	i := bytes.Index(signed, []byte(begin))
	if i < 0 || !bytes.HasSuffix(signed, []byte(end)) {
		must(fmt.Errorf("ascii.ossl-rsa.ps1: no signature block at the end"))
	}
	body, block := signed[:i], signed[i:]
	lines := strings.SplitAfter(string(block), "\r\n")
	lines = lines[:len(lines)-1] // the empty string after the last CRLF
	inner := lines[1 : len(lines)-1]
	s := func(name string, b []byte) { write("sig/"+name, b) }
	cat := func(parts ...string) []byte { return []byte(strings.Join(parts, "")) }

	s("not-signed.ps1", body)
	s("empty.ps1", nil)
	s("binary.ps1", garbage(6, 2000))
	s("garbage-base64.ps1", cat(string(body), begin, "# !!!! not base64 @@@@ ####\r\n", "# ==========\r\n", end))
	s("random-der.ps1", cat(string(body), begin, blockLines(garbage(7, 1500)), end))
	s("other-file.ps1", cat("# certswap signing sample\r\nRemove-Item -Recurse -Force C:\\\r\n", string(block)))
	s("body-changed.ps1", cat(strings.Replace(string(body), "world", "World", 1), string(block)))
	s("truncated-no-end.ps1", signed[:i+len(block)/2])
	s("truncated-lines.ps1", cat(string(body), begin, strings.Join(inner[:len(inner)/2], ""), end))
	s("empty-block.ps1", cat(string(body), begin, end))
	s("block-lf.ps1", bytes.ReplaceAll(append(append([]byte{}, body...), block...), []byte("\r\n"), []byte("\n")))
	s("text-after-block.ps1", cat(string(signed), "Write-Host 'added after signing'\r\n"))
	s("two-blocks.ps1", cat(string(signed), string(block)))
	s("begin-only.ps1", cat(string(body), begin))
	s("line-dropped.ps1", cat(string(body), begin, strings.Join(inner[1:], ""), end))
	// Sign inputs certswap refuses: UTF-16 BE, and BOM-less non-ASCII text.
	s("utf16be.ps1", utf16be("# certswap\r\nWrite-Host 'Hallo'\r\n", true))
	s("nonascii-nobom.ps1", []byte("# certswap\r\nWrite-Host 'Grüße – ‘x’'\r\n"))
}

// blockLines formats DER as the signature block's comment lines (64 Base64 characters a line).
func blockLines(der []byte) string {
	enc := base64.StdEncoding.EncodeToString(der)
	var b strings.Builder
	for len(enc) > 64 {
		b.WriteString("# " + enc[:64] + "\r\n")
		enc = enc[64:]
	}
	b.WriteString("# " + enc + "\r\n")
	return b.String()
}
