//go:build ignore

// gen writes large, realistic inputs for certswap's performance comparison (issue 8):
// Format-List and Export-Clixml exports of N receive connectors, N send connectors and N WAP
// applications, as Windows PowerShell 5.1 writes them (UTF-16 LE with BOM, CRLF, Format-List
// wrapped for a 120-column console: lines of at most 119 characters), a directory of
// certificates issued by one CA, and, on request, one Format-List file of a given size written
// as a stream (the 1 GB bounded-memory run).
//
// Run from the repository root:
//
//	go run testdata/bench/gen.go -out DIR [-n 1000] [-certs 1000] [-bytes 0] [-encoding utf16le]
//
// Layouts come from the committed export fixtures (testdata/exports/list/*.want.json for the
// property names and values of one object of each kind, testdata/exports/clixml/*.xml for one
// serialized object); gen varies the identity, server, name, ID and certificate of each copy.
// Every value is invented (contoso.com).
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// The field story's certificates (testdata/certs/new-mail.pfx, old-mail.cer) as Windows prints
// their names; openssl x509 -subject -issuer shows the same RDNs in DER order with ST= for S=.
const (
	oldTLS   = "<I>CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com"
	newTLS   = "<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com"
	otherTLS = "<I>CN=Contoso Issuing CA 1, DC=contoso, DC=com<S>CN=relay.contoso.com, OU=Messaging, O=\"Contoso, Ltd\""
	// openssl x509 -fingerprint -sha1 of old-mail.cer and new-mail.cer (colons removed).
	oldTP   = "2E3E9409A78AF16072AF7585E5C40444A490D05F"
	newTP   = "7BDCCF9928D5A8340570D5B0319136FF8CD1F875"
	otherTP = "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D"

	width = 119 // a 120-column console buffer: Out-File writes at BufferSize.Width - 1
)

var (
	fixtures = flag.String("fixtures", "testdata/exports", "the export fixture folder")
	out      = flag.String("out", "", "output folder (created)")
	n        = flag.Int("n", 1000, "objects of each kind (receive connectors, send connectors, WAP applications)")
	servers  = flag.Int("servers", 100, "Exchange servers the receive connectors are spread over")
	certs    = flag.Int("certs", 1000, "certificates written to OUT/certs (0: none)")
	size     = flag.Int64("bytes", 0, "also write OUT/big.txt, a Format-List receive-connector export of about this many bytes (on disk)")
	encoding = flag.String("encoding", "utf16le", "encoding of the Format-List files: utf16le (BOM, as > writes) or utf8")
	kinds    = flag.String("kinds", "list,clixml", "which exports to write: list, clixml (comma-separated; empty for none)")
	selected = flag.Bool("select", false, "Format-List files keep only the properties the checks read, as `Get-X | Format-List P1, P2, ...` writes them")
)

// selectProps are the properties -select keeps, per fixture: what validate's checks read plus
// the identity, as an admin's `| Format-List Identity, Fqdn, TlsCertificateName, ...` shows them.
var selectProps = map[string][]string{
	"get-receiveconnector":               {"AuthMechanism", "Bindings", "Fqdn", "TlsCertificateName", "Enabled", "RequireTLS", "Server", "Name", "Identity"},
	"get-sendconnector":                  {"TlsAuthLevel", "SmartHosts", "Fqdn", "TlsCertificateName", "RequireTLS", "Enabled", "SourceTransportServers", "CloudServicesMailEnabled", "Name", "Identity"},
	"get-webapplicationproxyapplication": {"BackendServerUrl", "ExternalCertificateThumbprint", "ExternalPreauthentication", "ExternalUrl", "ID", "Name"},
}

func main() {
	flag.Parse()
	if *out == "" {
		fail(fmt.Errorf("-out is required"))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	want := map[string]bool{}
	for _, k := range strings.Split(*kinds, ",") {
		want[strings.TrimSpace(k)] = true
	}
	if want["list"] {
		for _, k := range listKinds {
			props := fixtureProps(k.fixture)
			if err := writeFile(filepath.Join(*out, k.file+".txt"), func(w *bufio.Writer) error {
				return writeList(w, *n, props, k.vary)
			}); err != nil {
				fail(err)
			}
		}
	}
	if want["clixml"] {
		for _, k := range clixmlKinds {
			if err := writeCLIXML(filepath.Join(*out, k.file+".xml"), k.fixture, *n, k.vary); err != nil {
				fail(err)
			}
		}
	}
	if *certs > 0 {
		if err := writeCerts(filepath.Join(*out, "certs"), *certs); err != nil {
			fail(err)
		}
	}
	if *size > 0 {
		props := fixtureProps("get-receiveconnector")
		if err := writeFile(filepath.Join(*out, "big.txt"), func(w *bufio.Writer) error {
			cw := &countWriter{w: w}
			unit := int64(1) // bytes on disk per byte of (ASCII) text
			if *encoding == "utf16le" {
				unit = 2
			}
			return writeListUntil(cw, props, varyReceive, func() bool { return cw.n*unit >= *size })
		}); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// ---------------------------------------------------------------------------------------------
// Format-List

type prop struct{ name, value string }

type listKind struct {
	file, fixture string
	vary          func(i int, p []prop)
}

var listKinds = []listKind{
	{"Get-ReceiveConnector", "get-receiveconnector", varyReceive},
	{"Get-SendConnector", "get-sendconnector", varySend},
	{"Get-WebApplicationProxyApplication", "get-webapplicationproxyapplication", varyWAP},
}

// fixtureProps reads the source values of the first object of a list fixture.
func fixtureProps(name string) []prop {
	data, err := os.ReadFile(filepath.Join(*fixtures, "list", name+".want.json"))
	if err != nil {
		fail(err)
	}
	var doc struct {
		Objects []struct {
			Properties []struct {
				Name  string `json:"name"`
				Value any    `json:"value"`
			} `json:"properties"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		fail(fmt.Errorf("%s: %w", name, err))
	}
	keep := map[string]bool{}
	for _, k := range selectProps[name] {
		keep[k] = true
	}
	var ps []prop
	for _, p := range doc.Objects[0].Properties {
		if *selected && !keep[p.Name] {
			continue
		}
		s, _ := p.Value.(string)
		ps = append(ps, prop{p.Name, s})
	}
	return ps
}

// tlsFor spreads objects over the old name (a third), the new one (a third) and another
// certificate (a third), as in a half-finished rotation.
func tlsFor(i int) string { return [...]string{oldTLS, newTLS, otherTLS}[i%3] }

func server(i int) string { return fmt.Sprintf("EX%03d", i%*servers+1) }

func varyReceive(i int, ps []prop) {
	srv := server(i)
	name := fmt.Sprintf("Frontend %06d %s", i, srv)
	for k := range ps {
		switch ps[k].name {
		case "Identity":
			ps[k].value = srv + `\` + name
		case "Name":
			ps[k].value = name
		case "Server":
			ps[k].value = srv
		case "Fqdn":
			ps[k].value = srv + ".contoso.com"
		case "TlsCertificateName":
			ps[k].value = tlsFor(i)
		case "DistinguishedName":
			ps[k].value = "CN=" + name + ",CN=SMTP Receive Connectors,CN=Protocols,CN=" + srv + ",CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"
		case "Guid":
			ps[k].value = guid(1, i)
		}
	}
}

func varySend(i int, ps []prop) {
	name := "Outbound to Office 365 - " + guid(2, i)
	for k := range ps {
		switch ps[k].name {
		case "Identity", "Name":
			ps[k].value = name
		case "TlsCertificateName":
			ps[k].value = tlsFor(i)
		case "Guid":
			ps[k].value = guid(3, i)
		}
	}
}

func varyWAP(i int, ps []prop) {
	for k := range ps {
		switch ps[k].name {
		case "Name":
			ps[k].value = fmt.Sprintf("App %06d", i)
		case "ID":
			ps[k].value = guid(4, i)
		case "ExternalUrl":
			ps[k].value = fmt.Sprintf("https://app%d.contoso.com/", i%500)
		case "ExternalCertificateThumbprint":
			ps[k].value = [...]string{oldTP, newTP, otherTP}[i%3]
		}
	}
}

func guid(kind, i int) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", 0x5eed0000+kind, i>>16&0xffff, i>>4&0xfff, kind, i)
}

func writeList(w io.Writer, count int, props []prop, vary func(int, []prop)) error {
	i := 0
	return writeListUntil(w, props, vary, func() bool { i++; return i > count })
}

// writeListUntil writes objects until done() says stop, as Windows PowerShell 5.1's
// `| Format-List > file` lays them out: two empty lines first, one between objects, three at the end.
func writeListUntil(w io.Writer, props []prop, vary func(int, []prop), done func() bool) error {
	ps := make([]prop, len(props))
	if _, err := io.WriteString(w, "\r\n\r\n"); err != nil {
		return err
	}
	var sb strings.Builder
	for i := 0; !done(); i++ {
		copy(ps, props)
		vary(i, ps)
		sb.Reset()
		if i > 0 {
			sb.WriteString("\r\n")
		}
		listObject(&sb, ps)
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\r\n\r\n\r\n")
	return err
}

func listObject(sb *strings.Builder, ps []prop) {
	label := 0
	for _, p := range ps {
		label = max(label, len(p.name))
	}
	field := width - (label + 3)
	indent := strings.Repeat(" ", label+3)
	for _, p := range ps {
		sb.WriteString(p.name)
		sb.WriteString(strings.Repeat(" ", label-len(p.name)))
		sb.WriteString(" : ")
		first := true
		for _, piece := range strings.Split(strings.ReplaceAll(p.value, "\r", ""), "\n") {
			for _, l := range wordWrap(piece, field) {
				if !first {
					sb.WriteString(indent)
				}
				first = false
				sb.WriteString(l)
				sb.WriteString("\r\n")
			}
		}
	}
}

// wordWrap cuts one line of a value as GenerateLinesWithWordWrap does for an English culture
// (notes/powershell-exports.md a.3): a word keeps its trailing blank; a word that does not fit
// starts the next line, unless it is wider than a whole line, when it is poured into the current
// line and cut at the field edge. Every character counts one cell (a 5.1 file).
func wordWrap(s string, field int) []string {
	if len([]rune(s)) <= field {
		return []string{s}
	}
	var lines []string
	var cur []rune
	left := field
	for _, word := range words(s) {
		ww := len(word)
		switch {
		case ww <= left:
			cur = append(cur, word...)
			left -= ww
		case ww > field:
			for _, c := range word {
				if left < 1 {
					lines = append(lines, string(cur))
					cur, left = cur[:0:0], field
				}
				cur = append(cur, c)
				left--
			}
		default:
			lines = append(lines, string(cur))
			cur, left = append([]rune(nil), word...), field-ww
		}
	}
	return append(lines, string(cur))
}

// words splits at blanks and tabs, each delimiter kept at the end of its word.
func words(s string) [][]rune {
	var ws [][]rune
	var w []rune
	for _, c := range s {
		w = append(w, c)
		if c == ' ' || c == '\t' {
			ws, w = append(ws, w), nil
		}
	}
	if len(w) > 0 {
		ws = append(ws, w)
	}
	return ws
}

// ---------------------------------------------------------------------------------------------
// Export-Clixml

type clixmlKind struct {
	file, fixture string
	vary          func(i int, obj string) string
}

var clixmlKinds = []clixmlKind{
	{"Get-ReceiveConnector", "receive-connector.xml", varyReceiveXML},
	{"Get-SendConnector", "send-connector.xml", varySendXML},
	{"Get-WebApplicationProxyApplication", "wap-application.xml", varyWAPXML},
}

var (
	reObjRef = regexp.MustCompile(`(<(?:Obj|Ref)\b[^>]*\bRefId=")(\d+)(")`)
	reTN     = regexp.MustCompile(`(?s)<TN RefId="(\d+)">.*?</TN>`)
	reTLS    = regexp.MustCompile(`&lt;I&gt;(.*?)&lt;S&gt;([^<]*)`)
	reIssuer = regexp.MustCompile(`(<S N="CertificateIssuer">)[^<]*`)
	reSubj   = regexp.MustCompile(`(<S N="CertificateSubject">)[^<]*`)
)

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func setTLSXML(obj string, i int) string {
	t := tlsFor(i)
	issuer, subject, _ := strings.Cut(strings.TrimPrefix(t, "<I>"), "<S>")
	obj = reTLS.ReplaceAllLiteralString(obj, xmlEscape(t))
	obj = reIssuer.ReplaceAllString(obj, "${1}"+strings.ReplaceAll(xmlEscape(issuer), "$", "$$"))
	return reSubj.ReplaceAllString(obj, "${1}"+strings.ReplaceAll(xmlEscape(subject), "$", "$$"))
}

func varyReceiveXML(i int, obj string) string {
	srv := server(i)
	name := fmt.Sprintf("Frontend %06d %s", i, srv)
	obj = strings.ReplaceAll(obj, "Default Frontend EX01", name)
	obj = strings.ReplaceAll(obj, "EX01", srv)
	obj = strings.ReplaceAll(obj, "ex01", strings.ToLower(srv))
	return setTLSXML(obj, i)
}

var reSendName = regexp.MustCompile(`Outbound to Office 365 - [0-9a-f-]{36}`)

func varySendXML(i int, obj string) string {
	obj = reSendName.ReplaceAllLiteralString(obj, "Outbound to Office 365 - "+guid(2, i))
	return setTLSXML(obj, i)
}

var (
	reWAPName = regexp.MustCompile(`(<S N="Name">|<ToString>)Outlook on the web(<)`)
	reWAPID   = regexp.MustCompile(`(<G N="ID">)[^<]*`)
	reWAPTP   = regexp.MustCompile(`(<S N="ExternalCertificateThumbprint">)[^<]*`)
)

func varyWAPXML(i int, obj string) string {
	obj = reWAPName.ReplaceAllString(obj, fmt.Sprintf("${1}App %06d${2}", i))
	obj = reWAPID.ReplaceAllString(obj, "${1}"+guid(4, i))
	return reWAPTP.ReplaceAllString(obj, "${1}"+[...]string{oldTP, newTP, otherTP}[i%3])
}

// writeCLIXML repeats the first object of a fixture count times, as Export-Clixml numbers them:
// every Obj gets the next RefId (Refs inside the object follow), and a type name written once is
// referred to by TNRef afterwards.
func writeCLIXML(path, fixture string, count int, vary func(int, string) string) error {
	text, err := readUTF16(filepath.Join(*fixtures, "clixml", fixture))
	if err != nil {
		return err
	}
	nl := "\n"
	if strings.Contains(text, "\r\n") {
		nl = "\r\n"
	}
	start := strings.Index(text, "  <Obj RefId=\"0\">")
	end := strings.Index(text[start:], nl+"  </Obj>")
	if start < 0 || end < 0 {
		return fmt.Errorf("%s: no first object", fixture)
	}
	head, obj := text[:start], text[start:start+end+len(nl+"  </Obj>")+len(nl)]
	objs := len(regexp.MustCompile(`<Obj\b`).FindAllString(obj, -1))
	later := reTN.ReplaceAllString(obj, `<TNRef RefId="$1" />`)
	return writeFile(path, func(w *bufio.Writer) error {
		if _, err := io.WriteString(w, head); err != nil {
			return err
		}
		for i := 0; i < count; i++ {
			o := obj
			if i > 0 {
				o = later
			}
			base := i * objs
			o = reObjRef.ReplaceAllStringFunc(o, func(m string) string {
				p := reObjRef.FindStringSubmatch(m)
				k, _ := strconv.Atoi(p[2])
				return p[1] + strconv.Itoa(base+k) + p[3]
			})
			if _, err := io.WriteString(w, vary(i, o)); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "</Objs>")
		return err
	}, "utf16le")
}

func readUTF16(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xFE || len(b)%2 != 0 {
		return "", fmt.Errorf("%s: not UTF-16 LE with BOM", path)
	}
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	return string(utf16.Decode(u)), nil
}

// ---------------------------------------------------------------------------------------------
// Output

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// utf16Writer encodes UTF-8 text as UTF-16 LE; a character cut between two writes is kept for
// the next one.
type utf16Writer struct {
	w         io.Writer
	buf, rest []byte
}

func (u *utf16Writer) Write(p []byte) (int, error) {
	u.buf = u.buf[:0]
	s := append(u.rest, p...)
	cut := len(s)
	for i := len(s) - 1; i >= 0 && i >= len(s)-3; i-- {
		if !utf8.RuneStart(s[i]) {
			continue
		}
		if !utf8.FullRune(s[i:]) {
			cut = i
		}
		break
	}
	u.rest = append([]byte(nil), s[cut:]...)
	for _, r := range string(s[:cut]) {
		if r >= 0x10000 {
			a, b := utf16.EncodeRune(r)
			u.buf = append(u.buf, byte(a), byte(a>>8), byte(b), byte(b>>8))
			continue
		}
		u.buf = append(u.buf, byte(r), byte(r>>8))
	}
	if _, err := u.w.Write(u.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeFile streams body into path in the -encoding (or the one given).
func writeFile(path string, body func(*bufio.Writer) error, enc ...string) error {
	e := *encoding
	if len(enc) > 0 {
		e = enc[0]
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	fw := bufio.NewWriterSize(f, 1<<20)
	var w *bufio.Writer
	switch e {
	case "utf16le":
		fw.Write([]byte{0xFF, 0xFE})
		w = bufio.NewWriterSize(&utf16Writer{w: fw}, 1<<20)
	case "utf8":
		w = fw
	default:
		f.Close()
		return fmt.Errorf("unknown -encoding %q", e)
	}
	if err := body(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := fw.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ---------------------------------------------------------------------------------------------
// Certificates

// writeCerts writes count TLS certificates (ECDSA P-256, one key, by one CA) as DER .cer files,
// and the CA as ca.pem outside that folder.
func writeCerts(dir string, count int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	nb := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	na := time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"Contoso, Ltd"}, CommonName: "Contoso Bench CA"},
		NotBefore:             nb,
		NotAfter:              na,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	for i := 0; i < count; i++ {
		host := fmt.Sprintf("host%04d.contoso.com", i)
		t := &x509.Certificate{
			SerialNumber: big.NewInt(int64(0x10000 + i)),
			Subject: pkix.Name{Country: []string{"US"}, Province: []string{"Washington"}, Locality: []string{"Redmond"},
				Organization: []string{"Contoso, Ltd"}, CommonName: host},
			NotBefore:   nb,
			NotAfter:    na,
			DNSNames:    []string{host, "mail" + host[4:], "autodiscover" + host[4:]},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}
		der, err := x509.CreateCertificate(rand.Reader, t, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%04d.cer", i)), der, 0o644); err != nil {
			return err
		}
	}
	return nil
}
