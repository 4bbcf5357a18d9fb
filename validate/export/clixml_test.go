package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// referenceDir holds the real Export-Clixml captures (CSS-Exchange Health Checker test data);
// CI checks out ../shared beside the repository.
const referenceDir = "../../../shared/reference/exchange-clixml"

// decodedFixture reads a fixture and decodes it to UTF-8 the way a BOM says (UTF-8 when there is
// none), independently of the package's own decoder.
func decodedFixture(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := unicode.BOMOverride(unicode.UTF8.NewDecoder())
	out, _, err := transform.Bytes(dec, raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return out
}

// xmlUnescape undoes the five XML entities, for values the tests cut out of files with regexps.
var xmlUnescape = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&apos;", "'", "&amp;", "&")

// crlfEscape is the _xHHHH_ form of CR LF in CLIXML strings.
const crlfEscape = "_x000D__x000A_"

// mustProp returns an object's property or fails.
func mustProp(t testing.TB, o *Object, name string) Property {
	t.Helper()
	for _, p := range o.Properties {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("%s: no property %s", o.Identity, name)
	return Property{}
}

// vtext is a property's text or "<null>" / "{a|b}" for nulls and lists, for compact comparisons.
func vtext(p Property) string {
	switch {
	case p.Value.Null:
		return "<null>"
	case p.Value.IsList:
		return "{" + strings.Join(p.Value.List, "|") + "}"
	}
	return p.Value.Text
}

// TestCLIXMLReference reads every real capture and checks, per top-level object, the values
// cut out of the XML text by regular expressions (an independent reading of the same file).
func TestCLIXMLReference(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(referenceDir, "*.xml"))
	if err != nil || len(files) != 5 {
		t.Fatalf("reference captures missing in %s (CI has ../shared beside the clone): %v %d", referenceDir, err, len(files))
	}
	topObj := regexp.MustCompile(`(?m)^  <Obj RefId="`)
	identity := regexp.MustCompile(`(?s)<Obj N="Identity" RefId="\d+">.*?<ToString>(.*?)</ToString>|<S N="Identity">(.*?)</S>`)
	tlsObj := regexp.MustCompile(`(?s)<Obj N="TlsCertificateName" RefId="\d+">.*?<ToString>(.*?)</ToString>`)
	tlsNil := regexp.MustCompile(`<Nil N="TlsCertificateName" />`)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw := decodedFixture(t, f)
			objs, _, err := parseCLIXML(f, raw)
			if err != nil {
				t.Fatal(err)
			}
			starts := topObj.FindAllIndex(raw, -1)
			if len(objs) != len(starts) {
				t.Fatalf("%d objects, the file has %d top-level <Obj>", len(objs), len(starts))
			}
			for i, o := range objs {
				end := len(raw)
				if i+1 < len(starts) {
					end = starts[i+1][0]
				}
				chunk := raw[starts[i][0]:end]
				if want := bytes.Count(raw[:starts[i][0]], []byte("\n")) + 1; o.Line != want {
					t.Errorf("object %d: line %d, want %d", i, o.Line, want)
				}
				if m := identity.FindSubmatch(chunk); m != nil {
					want := xmlUnescape.Replace(string(m[1]) + string(m[2]))
					if got := vtext(mustProp(t, o, "Identity")); got != want {
						t.Errorf("object %d Identity %q, want %q", i, got, want)
					}
					if o.Identity != want {
						t.Errorf("object %d o.Identity %q, want %q", i, o.Identity, want)
					}
				}
				if m := tlsObj.FindSubmatch(chunk); m != nil {
					want := xmlUnescape.Replace(string(m[1]))
					p := mustProp(t, o, "TlsCertificateName")
					if vtext(p) != want {
						t.Errorf("object %d TlsCertificateName %q, want %q", i, vtext(p), want)
					}
					// The property's line is the line of its element.
					at := bytes.Index(raw, m[0])
					if want := bytes.Count(raw[:at], []byte("\n")) + 1; p.Line != want {
						t.Errorf("TlsCertificateName line %d, want %d", p.Line, want)
					}
				} else if tlsNil.Match(chunk) {
					if p := mustProp(t, o, "TlsCertificateName"); !p.Value.Null {
						t.Errorf("object %d TlsCertificateName %q, want null", i, vtext(p))
					}
				}
			}
		})
	}
}

// TestCLIXMLReferenceValues checks values read by hand from the captures (element and line named).
func TestCLIXMLReferenceValues(t *testing.T) {
	read := func(name string) []*Object {
		objs, _, err := parseCLIXML(name, decodedFixture(t, filepath.Join(referenceDir, name)))
		if err != nil {
			t.Fatal(err)
		}
		return objs
	}
	rc := read("GetReceiveConnector.xml")
	// Third object, "Default Frontend": <Obj N="Bindings"> LST items [::]:25 then 0.0.0.0:25 (lines 1023-1093),
	// <Obj N="AuthMechanism"> ToString (line 1016), <B N="RequireTLS">false</B>, <Obj N="Server"> ToString.
	fe := rc[2]
	for name, want := range map[string]string{
		"Bindings":           "{[::]:25|0.0.0.0:25}",
		"AuthMechanism":      "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
		"RequireTLS":         "False",
		"Enabled":            "True",
		"Fqdn":               "WIN-CTD3L0RGEN4.exlab.dom",
		"TlsCertificateName": "<I>CN=WIN-CTD3L0RGEN4<S>CN=WIN-CTD3L0RGEN4",
		"DefaultDomain":      "<null>",
		"Banner":             "",
		"Id":                 `WIN-CTD3L0RGEN4\Default Frontend WIN-CTD3L0RGEN4`, // <Ref N="Id"> to the Identity Obj
		"PSComputerName":     "win-ctd3l0rgen4.exlab.dom",
	} {
		if got := vtext(mustProp(t, fe, name)); got != want {
			t.Errorf("Default Frontend %s = %q, want %q", name, got, want)
		}
	}
	if fe.Kind != KindReceiveConnector || fe.Server != "WIN-CTD3L0RGEN4" {
		t.Errorf("kind %s server %q", fe.Kind, fe.Server)
	}
	for _, p := range fe.Properties {
		if p.Name == "SerializationData" {
			t.Error("SerializationData must be left out")
		}
	}

	// sc-1: <Ref N="SourceIPAddress" RefId="4" /> (line 143) names the IPAddress Obj first written
	// inside SmartHosts[0]'s Props; its ToString is 0.0.0.0.
	sc := read("GetSendConnector.xml")[0]
	if got := vtext(mustProp(t, sc, "SourceIPAddress")); got != "0.0.0.0" {
		t.Errorf("SourceIPAddress %q", got)
	}
	if got := vtext(mustProp(t, sc, "SmartHosts")); got != "{microsoft-com.mail.protection.outlook.com}" {
		t.Errorf("SmartHosts %q", got)
	}
	if got := vtext(mustProp(t, sc, "AddressSpaces")); got != "{SMTP:*;1}" {
		t.Errorf("AddressSpaces %q", got)
	}
	if sc.Kind != KindSendConnector {
		t.Errorf("kind %s", sc.Kind)
	}

	hy := read("GetHybridConfiguration.xml")[0]
	if got := vtext(mustProp(t, hy, "TlsCertificateName")); got != "<I>CN=GeoTrust TLS RSA CA G1, OU=www.digicert.com, O=DigiCert Inc, C=US<S>CN=mail.contoso.com" {
		t.Errorf("hybrid TlsCertificateName %q", got)
	}

	// exchcert-5: RawData only. Windows' own ToString of each certificate holds [Subject], [Issuer]
	// and [Thumbprint]: the computed values must equal them.
	raw := decodedFixture(t, filepath.Join(referenceDir, "GetExchangeCertificate.xml"))
	section := regexp.MustCompile(`\[(Subject|Issuer|Thumbprint)\]` + crlfEscape + `  (.*?)` + crlfEscape)
	toStrings := regexp.MustCompile(`(?s)<ToString>(\[Subject\].*?)</ToString>`).FindAllSubmatch(raw, -1)
	certs := read("GetExchangeCertificate.xml")
	if len(certs) != 4 || len(toStrings) != 4 {
		t.Fatalf("%d certificates, %d ToStrings", len(certs), len(toStrings))
	}
	for i, o := range certs {
		for _, m := range section.FindAllSubmatch(toStrings[i][1], -1) {
			name, want := string(m[1]), xmlUnescape.Replace(string(m[2]))
			if got := vtext(mustProp(t, o, name)); got != want {
				t.Errorf("certificate %d %s = %q, Windows printed %q", i, name, got, want)
			}
		}
		if o.Kind != KindExchangeCertificate || o.Certificate == nil {
			t.Errorf("certificate %d: kind %s, certificate %v", i, o.Kind, o.Certificate != nil)
		}
		if o.Identity != o.Certificate.Thumbprint {
			t.Errorf("certificate %d identity %q", i, o.Identity)
		}
		if len(o.Warnings) != 1 || !strings.Contains(o.Warnings[0].Message, "computed from RawData") {
			t.Errorf("certificate %d warnings %v", i, o.Warnings)
		}
	}
}

// rawCert is what make-fixtures.py recorded from openssl for the RawData certificate.
type rawCert struct {
	thumbprint, serial    string
	notBefore, notAfter   string // RFC 3339 UTC
	subjectRFC, issuerRFC string
}

func readRawCert(t *testing.T) rawCert {
	t.Helper()
	f, err := os.Open("../../testdata/exports/clixml/rawdata-cert.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rc rawCert
	date := func(v string) string {
		tm, err := time.Parse("Jan _2 15:04:05 2006 MST", strings.Join(strings.Fields(v), " "))
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC().Format(time.RFC3339)
	}
	s := bufio.NewScanner(f)
	for s.Scan() {
		k, v, _ := strings.Cut(s.Text(), "=")
		switch {
		case strings.HasPrefix(k, "thumbprint "):
			rc.thumbprint = strings.TrimPrefix(k, "thumbprint ")
		case k == "serial":
			rc.serial = v
		case k == "notBefore":
			rc.notBefore = date(v)
		case k == "notAfter":
			rc.notAfter = date(v)
		}
	}
	if len(rc.thumbprint) != 40 || rc.serial == "" || rc.notAfter == "" {
		t.Fatalf("rawdata-cert.txt incomplete: %+v", rc)
	}
	return rc
}

// The RawData certificate's names as Windows prints them (notes/windows-dn-format.md: reversed
// RDN order, ", ", S= for stateOrProvinceName, a value with a comma double-quoted).
const (
	fixtureSubject = `CN=mail.contoso.com, O="Contoso, Ltd", L=Redmond, S=Washington, C=US`
	fixtureIssuer  = `CN=Contoso Issuing CA 1, O="Contoso, Ltd", C=US`
	godaddyTLS     = `<I>CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O="GoDaddy.com, Inc.", L=Scottsdale, S=Arizona, C=US<S>CN=mail.contoso.com`
)

// TestCLIXMLFixtures reads the project's CLIXML fixture per kind (UTF-16 LE with BOM, CRLF).
func TestCLIXMLFixtures(t *testing.T) {
	rc := readRawCert(t)
	type want struct {
		kind     Kind
		identity string
		server   string
		props    map[string]string
		warnings int
	}
	tests := []struct {
		file string
		objs []want
	}{
		{"receive-connector.xml", []want{
			{KindReceiveConnector, `EX01\Default Frontend EX01`, "EX01", map[string]string{
				"AuthMechanism":         "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
				"Banner":                "220 mail.contoso.com ESMTP\r\nAuthorised use only",
				"Bindings":              "{[::]:25|0.0.0.0:25}",
				"DefaultDomain":         "<null>",
				"Fqdn":                  "mail.contoso.com",
				"TlsCertificateName":    godaddyTLS,
				"Comment":               "it's the “Frontend” connector",
				"TlsDomainCapabilities": "{}",
				"Server":                "EX01",
				"TransportRole":         "FrontendTransport",
				"Id":                    `EX01\Default Frontend EX01`,
				"PSComputerName":        "ex01.contoso.com",
				"PSShowComputerName":    "False",
			}, 0},
			{KindReceiveConnector, `EX01\Client Frontend EX01`, "EX01", map[string]string{
				"Fqdn":               "mail.contoso.com", // <Ref N="Fqdn"> to the first object's Fqdn
				"TlsCertificateName": "<null>",
				"Server":             "EX01",
				"TransportRole":      "FrontendTransport",
				"Bindings":           "{[::]:587|0.0.0.0:587}",
			}, 0},
		}},
		{"send-connector.xml", []want{{KindSendConnector, "Outbound to Office 365 - 2b6f1a3c-5d4e-4f00-9a1b-7c8d9e0f1a2b", "", map[string]string{
			"TlsCertificateName":       godaddyTLS,
			"SourceIPAddress":          "0.0.0.0",
			"SmartHosts":               "{contoso-com.mail.protection.outlook.com}",
			"AddressSpaces":            "{smtp:*.mail.onmicrosoft.com;1|smtp:contoso.mail.onmicrosoft.com;1}",
			"SourceTransportServers":   "{EX01|EX02}",
			"TlsAuthLevel":             "DomainValidation",
			"CloudServicesMailEnabled": "True",
		}, 0}}},
		{"exchange-certificate-rawdata.xml", []want{{KindExchangeCertificate, rc.thumbprint, "", map[string]string{
			"Thumbprint":   rc.thumbprint,
			"Subject":      fixtureSubject,
			"Issuer":       fixtureIssuer,
			"SerialNumber": rc.serial,
			"NotBefore":    rc.notBefore,
			"NotAfter":     rc.notAfter,
		}, 1}}},
		{"exchange-certificate-selected.xml", []want{{KindExchangeCertificate, rc.thumbprint, "", map[string]string{
			"Thumbprint":         rc.thumbprint,
			"Services":           "IMAP, POP, IIS, SMTP",
			"Status":             "Valid",
			"HasPrivateKey":      "True",
			"IsSelfSigned":       "False",
			"Subject":            fixtureSubject,
			"Issuer":             fixtureIssuer,
			"CertificateDomains": "{mail.contoso.com|autodiscover.contoso.com}",
		}, 0}}},
		{"hybrid-configuration.xml", []want{{KindHybridConfiguration, "Hybrid Configuration", "", map[string]string{
			"TlsCertificateName":        godaddyTLS,
			"ReceivingTransportServers": "{EX01|EX02}",
			"Features":                  "{FreeBusy|MoveMailbox|Mailtips|MessageTracking|OwaRedirection|OnlineArchive|SecureMail|Photos}",
		}, 0}}},
		{"transport-service.xml", []want{{KindTransportService, "EX01", "EX01", map[string]string{
			"InternalTransportCertificateThumbprint": "611C687DFC4343A5A03E0005A1EC6E9B6AFF586D",
		}, 0}}},
		{"pop-settings.xml", []want{{KindPopSettings, `EX01\1`, "EX01", map[string]string{
			"ProtocolName":               "POP3",
			"X509CertificateName":        "mail.contoso.com",
			"SSLBindings":                "{[::]:995|0.0.0.0:995}",
			"ExternalConnectionSettings": "{mail.contoso.com:995:SSL}",
			"InternalConnectionSettings": "{EX01.corp.contoso.com:995:SSL|EX01.corp.contoso.com:110:TLS}",
		}, 0}}},
		{"imap-settings.xml", []want{{KindImapSettings, `EX01\1`, "EX01", map[string]string{
			"ProtocolName":        "IMAP4",
			"X509CertificateName": "mail.contoso.com",
		}, 0}}},
		{"edge-subscription.xml", []want{{KindEdgeSubscription, "EDGE01", "EDGE01", map[string]string{
			"Site":   "corp.contoso.com/Configuration/Sites/Default-First-Site-Name",
			"Domain": "contoso.com",
		}, 0}}},
		{"adfs-ssl-certificate.xml", []want{
			{KindAdfsSslCertificate, "adfs.contoso.com", "", map[string]string{"PortNumber": "443", "CertificateHash": rc.thumbprint}, 0},
			{KindAdfsSslCertificate, "localhost", "", map[string]string{"PortNumber": "443"}, 0},
			{KindAdfsSslCertificate, "adfs.contoso.com", "", map[string]string{"PortNumber": "49443"}, 0},
			{KindAdfsSslCertificate, "EnterpriseRegistration.contoso.com", "", map[string]string{"PortNumber": "443"}, 0},
		}},
		{"adfs-certificate.xml", []want{{KindAdfsCertificate, rc.thumbprint, "", map[string]string{
			"CertificateType": "Service-Communications",
			"IsPrimary":       "True",
			"StoreLocation":   "LocalMachine",
			"StoreName":       "My",
			"Thumbprint":      rc.thumbprint,
		}, 0}}},
		{"adfs-properties.xml", []want{{KindAdfsProperties, "", "", map[string]string{
			"HostName":               "adfs.contoso.com",
			"HttpsPort":              "443",
			"TlsClientPort":          "49443",
			"Identifier":             "http://adfs.contoso.com/adfs/services/trust",
			"WIASupportedUserAgents": "{MSIE 6.0|MSIE 7.0; Windows NT|Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko}",
		}, 0}}},
		{"wap-ssl-certificate.xml", []want{{KindWapSslCertificate, "", "", map[string]string{
			"HostName": "adfs.contoso.com", "CertificateHash": rc.thumbprint}, 0}}},
		{"wap-application.xml", []want{
			{KindWapApplication, "Outlook on the web", "", map[string]string{
				"ID":                            "3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b",
				"ExternalCertificateThumbprint": rc.thumbprint,
				"ExternalPreauthentication":     "ADFS",
				"ADFSRelyingPartyName":          "OWA",
			}, 0},
			{KindWapApplication, "ADFS", "", map[string]string{"ADFSRelyingPartyName": "<null>", "ExternalPreauthentication": "PassThrough"}, 0},
		}},
		{"wap-configuration.xml", []want{{KindWapConfiguration, "", "", map[string]string{
			"ADFSUrl":                        "https://adfs.contoso.com/adfs/ls",
			"ADFSTokenAcceptanceDurationSec": "120",
			"ConnectedServersName":           "{WAP01.contoso.com|WAP02.contoso.com}",
		}, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("../../testdata/exports/clixml", tt.file)
			objs, warns, err := parseCLIXML(path, decodedFixture(t, path))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 {
				t.Errorf("file warnings %v", warns)
			}
			if len(objs) != len(tt.objs) {
				t.Fatalf("%d objects, want %d", len(objs), len(tt.objs))
			}
			for i, w := range tt.objs {
				o := objs[i]
				if o.Kind != w.kind || (w.identity != "" && o.Identity != w.identity) || o.Server != w.server {
					t.Errorf("object %d: kind %s identity %q server %q, want %s %q %q", i, o.Kind, o.Identity, o.Server, w.kind, w.identity, w.server)
				}
				if o.File != path || o.Line < 2 {
					t.Errorf("object %d: file %q line %d", i, o.File, o.Line)
				}
				for name, v := range w.props {
					p := mustProp(t, o, name)
					if got := vtext(p); got != v {
						t.Errorf("object %d %s = %q, want %q", i, name, got, v)
					}
					if p.Line < 2 || p.Lossy != "" {
						t.Errorf("object %d %s: line %d lossy %q", i, name, p.Line, p.Lossy)
					}
				}
				if len(o.Warnings) != w.warnings {
					t.Errorf("object %d warnings %v, want %d", i, o.Warnings, w.warnings)
				}
			}
		})
	}
}

// TestCLIXMLCertificateAttached checks that the certificate inside Get-AdfsCertificate's
// Certificate property is parsed and attached, with the thumbprint openssl recorded.
func TestCLIXMLCertificateAttached(t *testing.T) {
	rc := readRawCert(t)
	for _, f := range []string{"adfs-certificate.xml", "exchange-certificate-selected.xml", "exchange-certificate-rawdata.xml"} {
		path := filepath.Join("../../testdata/exports/clixml", f)
		objs, _, err := parseCLIXML(path, decodedFixture(t, path))
		if err != nil {
			t.Fatal(err)
		}
		c := objs[0].Certificate
		if c == nil || c.Thumbprint != rc.thumbprint || c.Subject != fixtureSubject || c.Issuer != fixtureIssuer {
			t.Errorf("%s: certificate %+v", f, c)
		}
	}
}

// clixmlDoc wraps objects in <Objs>.
func clixmlDoc(body string) string {
	return `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">` + "\n" + body + "\n</Objs>"
}

func TestCLIXMLValues(t *testing.T) {
	tests := []struct {
		name, elem string
		want       string
	}{
		{"string", `<S N="P">a_x000D__x000A_b</S>`, "a\r\nb"},
		{"underscore escape", `<S N="P">_x005F_x000D_</S>`, "_x000D_"},
		{"surrogate pair", `<S N="P">_xD83D__xDE00_</S>`, "\U0001F600"},
		{"lone surrogate", `<S N="P">a_xD83D_b</S>`, "a\uFFFDb"},
		{"not an escape", `<S N="P">_x12_ _xZZZZ_ _x0041</S>`, "_x12_ _xZZZZ_ _x0041"},
		{"entities", `<S N="P">&lt;I&gt;&amp;&quot;</S>`, `<I>&"`},
		{"true", `<B N="P">true</B>`, "True"},
		{"false", `<B N="P">false</B>`, "False"},
		{"nil", `<Nil N="P" />`, "<null>"},
		{"int", `<I32 N="P">-5</I32>`, "-5"},
		{"date", `<DT N="P">2021-08-06T15:59:05.1234567+02:00</DT>`, "2021-08-06T15:59:05.1234567+02:00"},
		{"timespan", `<TS N="P">PT9M</TS>`, "PT9M"},
		{"guid", `<G N="P">3e7c2964-a6ef-4f43-b318-b3a23880dcbc</G>`, "3e7c2964-a6ef-4f43-b318-b3a23880dcbc"},
		{"char", `<C N="P">97</C>`, "a"},
		{"version", `<Version N="P">15.2.1118.7</Version>`, "15.2.1118.7"},
		{"enum", `<Obj N="P" RefId="1"><TN RefId="1"><T>X</T><T>System.Enum</T></TN><ToString>A, B</ToString><I32>3</I32></Obj>`, "A, B"},
		{"empty list", `<Obj N="P" RefId="1"><LST /></Obj>`, "{}"},
		{"list with null", `<Obj N="P" RefId="1"><LST><S>a</S><Nil /><S>b</S></LST></Obj>`, "{a||b}"},
		{"nested list", `<Obj N="P" RefId="1"><LST><Obj RefId="2"><LST><S>a</S><S>b</S></LST></Obj></LST></Obj>`, "{{a, b}}"},
		{"IE", `<Obj N="P" RefId="1"><IE><I32>1</I32><I32>2</I32></IE></Obj>`, "{1|2}"},
		{"STK", `<Obj N="P" RefId="1"><STK><S>b</S><S>a</S></STK></Obj>`, "{b|a}"},
		{"QUE", `<Obj N="P" RefId="1"><QUE><S>a</S></QUE></Obj>`, "{a}"},
		{"uri", `<URI N="P">https://adfs.contoso.com/adfs/ls/</URI>`, "https://adfs.contoso.com/adfs/ls/"},
		{"scriptblock", `<SBK N="P">$_.Name -eq 'x'</SBK>`, "$_.Name -eq 'x'"},
		{"byte array", `<BA N="P">AAEC</BA>`, "AAEC"},
		{"ref to nested", `<Obj N="Q" RefId="1"><LST><Obj RefId="2"><ToString>t</ToString></Obj></LST></Obj><Ref N="P" RefId="2" />`, "t"},
		{"dictionary", `<Obj N="P" RefId="1"><DCT><En><S N="Key">k</S><I32 N="Value">1</I32></En></DCT></Obj>`, "{[k, 1]}"},
		{"custom object", `<Obj N="P" RefId="1"><MS><S N="A">1</S><B N="B">true</B></MS></Obj>`, "@{A=1; B=True}"},
		{"extended string", `<Obj N="P" RefId="1"><S>text</S><MS><S N="Note">n</S></MS></Obj>`, "text"},
		{"empty obj", `<Obj N="P" RefId="1"></Obj>`, ""},
		{"secure string", `<SS N="P">01000000d08c9ddf</SS>`, "System.Security.SecureString"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := clixmlDoc(`<Obj RefId="0"><TN RefId="0"><T>System.Object</T></TN><Props>` + tt.elem + `</Props></Obj>`)
			objs, _, err := parseCLIXML("x.xml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := vtext(mustProp(t, objs[0], "P")); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCLIXMLShapes(t *testing.T) {
	// A repeated top-level object (<Ref> in <Objs>), a top-level primitive, a BOM and an XML
	// declaration naming utf-16 (the text is UTF-8 here: the declaration is ignored).
	doc := "\uFEFF<?xml version=\"1.0\" encoding=\"utf-16\"?>\n" + clixmlDoc(
		`<Obj RefId="0"><TN RefId="0"><T>System.Object</T></TN><Props><S N="Name">one</S></Props></Obj>
<S>loose</S>
<Ref RefId="0" />`)
	objs, warns, err := parseCLIXML("x.xml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[1].Identity != "one" || objs[1].Line != 5 || objs[0].Line != 3 {
		t.Fatalf("objects %d %+v", len(objs), objs)
	}
	if len(warns) != 1 || warns[0].Line != 4 {
		t.Errorf("warnings %v", warns)
	}
}

func TestCLIXMLErrors(t *testing.T) {
	deep := strings.Repeat(`<Obj RefId="1"><LST>`, 60) + strings.Repeat(`</LST></Obj>`, 60)
	many := new(strings.Builder)
	for i := 0; i <= MaxProperties; i++ {
		fmt.Fprintf(many, `<S N="P%d">x</S>`, i)
	}
	obj := func(props string) string {
		return clixmlDoc(`<Obj RefId="0"><TN RefId="0"><T>System.Object</T></TN><Props>` + props + `</Props></Obj>`)
	}
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"doctype", "<!DOCTYPE Objs [<!ENTITY a \"b\">]>\n" + clixmlDoc(""), 1, "DTD"},
		{"entity use", obj(`<S N="P">&xxe;</S>`), 2, "entity"},
		{"not objs", "<root/>", 1, "not an Export-Clixml file"},
		{"no root", "   ", 1, "no <Objs>"},
		{"no objects", clixmlDoc(""), 1, "no objects"},
		{"unknown element", obj(`<Foo N="P">x</Foo>`), 2, "unknown CLIXML element <Foo>"},
		{"bad bool", obj(`<B N="P">yes</B>`), 2, "not true or false"},
		{"dangling ref", obj(`<Ref N="P" RefId="9" />`), 2, "names no earlier object"},
		{"dangling tnref", clixmlDoc(`<Obj RefId="0"><TNRef RefId="7" /></Obj>`), 2, "names no earlier <TN>"},
		{"self ref", obj(`<Obj N="P" RefId="5"><LST><Ref RefId="5" /></LST></Obj>`), 2, "names no earlier object"},
		{"no name", obj(`<S>x</S>`), 2, "no property name"},
		{"too deep", obj(`<Obj N="P" RefId="1">` + deep + `</Obj>`), 2, "nested deeper than 100"},
		{"too many", obj(many.String()), 2, "more than 10000 properties"},
		{"truncated", clixmlDoc(`<Obj RefId="0"><Props><S N="P">x</S>`)[:90], 2, "unexpected EOF"},
		{"mismatched", clixmlDoc(`<Obj RefId="0"></Props>`), 2, "closed by </Props>"},
		{"text", clixmlDoc(`hello <Obj RefId="0"/>`), 2, "text between objects"},
		{"second root", clixmlDoc(`<Obj RefId="0"><Props><S N="a">b</S></Props></Obj>`) + "<Objs/>", 3, "second root"},
		{"bad char", obj(`<C N="P">x</C>`), 2, "not a UTF-16 code unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseCLIXML("x.xml", []byte(tt.doc))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Err.Error(), tt.msg) {
				t.Errorf("got line %d %q, want line %d containing %q", pe.Line, pe.Err, tt.line, tt.msg)
			}
			if strings.Contains(err.Error(), "x.xml") {
				t.Errorf("error names the file: %v", err)
			}
		})
	}
}

// TestCLIXMLManyRefs makes sure Ref resolution stays linear: 20,000 objects each referring to
// one shared 2,000-item list would be 40 million copies if values were copied.
func TestCLIXMLManyRefs(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><TN RefId="0"><T>System.Object</T></TN><Props><Obj N="L" RefId="1"><LST>`)
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&b, "<S>item%d</S>", i)
	}
	b.WriteString(`</LST></Obj></Props></Obj>`)
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&b, `<Obj RefId="%d"><TNRef RefId="0" /><Props><S N="Name">o</S><Ref N="L" RefId="1" /></Props></Obj>`, i+2)
	}
	b.WriteString(`</Objs>`)
	objs, _, err := parseCLIXML("x.xml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 20001 || len(objs[20000].Properties[1].Value.List) != 2000 {
		t.Fatalf("%d objects", len(objs))
	}
}

// TestCLIXMLRefBomb: each object names the previous one twice, so its text would double at every
// step (2^60 bytes); the expansion budget refuses it instead.
func TestCLIXMLRefBomb(t *testing.T) {
	for _, shape := range []string{
		`<Obj RefId="%d"><MS><Ref N="a" RefId="%d" /><Ref N="b" RefId="%d" /></MS></Obj>`,
		`<Obj RefId="%d"><LST><Ref RefId="%d" /><Ref RefId="%d" /></LST></Obj>`,
	} {
		var b strings.Builder
		b.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj RefId="0"><Props>`)
		b.WriteString(`<Obj N="p0" RefId="1"><MS><S N="x">` + strings.Repeat("x", 1000) + `</S></MS></Obj>`)
		for i := 2; i < 62; i++ {
			b.WriteString(strings.Replace(fmt.Sprintf(shape, i, i-1, i-1), "<Obj ", fmt.Sprintf(`<Obj N="p%d" `, i), 1))
		}
		b.WriteString(`</Props></Obj></Objs>`)
		_, _, err := parseCLIXML("x.xml", []byte(b.String()))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(pe.Err.Error(), "expand to more than") {
			t.Errorf("error %v, want the expansion limit", err)
		}
	}
}

// clixmlSeeds are the fuzz seeds: every fixture and capture, decoded.
func clixmlSeeds(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/exports/clixml/*.xml")
	refs, _ := filepath.Glob(filepath.Join(referenceDir, "*.xml"))
	for _, p := range append(paths, refs...) {
		f.Add(decodedFixture(f, p))
	}
	f.Add([]byte(clixmlDoc(`<Obj RefId="0"><Props><Ref N="a" RefId="0"/></Props></Obj>`)))
}

func FuzzCLIXML(f *testing.F) {
	clixmlSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := parseCLIXML("fuzz.xml", data)
		if err == nil && len(objs) == 0 {
			t.Fatal("no error and no objects")
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %v", err)
		}
	})
}

func BenchmarkCLIXML(b *testing.B) {
	data := decodedFixture(b, filepath.Join(referenceDir, "GetReceiveConnector.xml"))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseCLIXML("rc.xml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStructuredFixturesReadFile reads every structured fixture through ReadFile, so encoding and
// format detection hand each one to the right reader.
func TestStructuredFixturesReadFile(t *testing.T) {
	tests := []struct {
		glob, format string
		files        int
	}{
		{"clixml/*.xml", FormatClixml, 15},
		{"json/*.json", FormatJSON, 5},
		{"csv/*.csv", FormatCSV, 3},
		{"netsh/*.txt", FormatNetsh, 2},
	}
	for _, tt := range tests {
		paths, _ := filepath.Glob(filepath.Join("../../testdata/exports", tt.glob))
		if len(paths) != tt.files {
			t.Errorf("%s: %d files, want %d", tt.glob, len(paths), tt.files)
		}
		for _, p := range paths {
			f, err := ReadFile(p)
			if err != nil {
				t.Errorf("%v", err)
				continue
			}
			raw, _ := os.ReadFile(p)
			enc := "UTF-8"
			if bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) {
				enc = "UTF-16LE-BOM"
			}
			if f.Format != tt.format || f.Encoding != enc || len(f.Objects) == 0 || len(f.Warnings) != 0 {
				t.Errorf("%s: format %s encoding %s, %d objects, warnings %v", p, f.Format, f.Encoding, len(f.Objects), f.Warnings)
			}
		}
	}
	refs, _ := filepath.Glob(filepath.Join(referenceDir, "*.xml"))
	for _, p := range refs {
		if f, err := ReadFile(p); err != nil || f.Format != FormatClixml || f.Encoding != "UTF-8-BOM" {
			t.Errorf("%s: %v %+v", p, err, f)
		}
	}
}

// TestStructuredReencoded reads every structured fixture re-encoded as the other encodings and
// line ends PowerShell and copies produce, and expects the same objects.
func TestStructuredReencoded(t *testing.T) {
	type variant struct {
		name     string
		encoding string
		crlf     bool
	}
	variants := []variant{
		{"utf8-lf", "UTF-8", false},
		{"utf8bom-crlf", "UTF-8-BOM", true},
		{"utf16le-crlf", "UTF-16LE-BOM", true},
		{"utf16be-lf", "UTF-16BE-BOM", false},
	}
	encode := func(text string, v variant) []byte {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		if v.crlf {
			text = strings.ReplaceAll(text, "\n", "\r\n")
		}
		var enc transform.Transformer
		switch v.encoding {
		case "UTF-8":
			return []byte(text)
		case "UTF-8-BOM":
			return append([]byte("\uFEFF"), text...)
		case "UTF-16LE-BOM":
			enc = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()
		default:
			enc = unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()
		}
		out, _, err := transform.Bytes(enc, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// summary is every object's kind, identity and properties, CR LF inside values read as LF.
	summary := func(f *File) string {
		var b strings.Builder
		for _, o := range f.Objects {
			fmt.Fprintf(&b, "%s %q %d\n", o.Kind, o.Identity, o.Line)
			for _, p := range o.Properties {
				fmt.Fprintf(&b, "  %s %d %q %q\n", p.Name, p.Line, strings.ReplaceAll(vtext(p), "\r\n", "\n"), p.Lossy)
			}
		}
		return b.String()
	}
	paths, _ := filepath.Glob("../../testdata/exports/*/*")
	n := 0
	for _, p := range paths {
		switch filepath.Ext(p) {
		case ".xml", ".json", ".csv", ".txt":
		default:
			continue
		}
		if filepath.Base(filepath.Dir(p)) == "gen" || strings.HasSuffix(p, "rawdata-cert.txt") {
			continue
		}
		if d := filepath.Base(filepath.Dir(p)); d != "clixml" && d != "json" && d != "csv" && d != "netsh" {
			continue
		}
		n++
		orig, err := ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := summary(orig)
		text := string(decodedFixture(t, p))
		for _, v := range variants {
			f, err := Read(p, bytes.NewReader(encode(text, v)))
			if err != nil {
				t.Errorf("%s as %s: %v", p, v.name, err)
				continue
			}
			if f.Encoding != v.encoding || f.Format != orig.Format {
				t.Errorf("%s as %s: encoding %s format %s", p, v.name, f.Encoding, f.Format)
			}
			if got := summary(f); got != want {
				t.Errorf("%s as %s: objects differ:\n%s\nwant:\n%s", p, v.name, got, want)
			}
		}
	}
	if n != 25 {
		t.Errorf("%d fixtures re-encoded, want 25", n)
	}
}
