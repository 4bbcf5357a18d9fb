//go:build ignore

// gen writes the demo's exports the way Windows PowerShell 5.1 writes them with `>` (Out-File):
// UTF-16 LE with BOM, CRLF, Format-List word-wrapped at 119 columns (a 120-column console), two
// empty lines before the first object, one between objects and three at the end
// (../../../../shared/notes/powershell-exports.md a.1–a.4). Run by make-demo.sh with the
// thumbprints openssl computed.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"
)

const width = 119

var (
	oldTP   = flag.String("old", "", "old thumbprint")
	newTP   = flag.String("new", "", "new thumbprint")
	otherTP = flag.String("other", "", "unrelated thumbprint")
)

const (
	oldIssuer  = "CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB"
	newIssuer  = "CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB"
	subject    = "CN=mail.contoso.com"
	selfSigned = "5C4B1F0E62D41E1F7A2B9D3C8E6F0A1B2C3D4E5F"
	signingTP  = "9D2E7C1A4B3F5E6D8C0A1B2C3D4E5F60718293A4"
	decryptTP  = "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D"
)

type prop struct{ name, value string }

// wrap cuts one value line as PowerShell 5.1's GenerateLinesWithWordWrap does for an en-US culture:
// words keep their trailing blank; a word that does not fit starts the next line; a word wider
// than a whole line is poured into the current line and cut at the field edge.
func wrap(v string, field int) []string {
	if len(v) <= field {
		return []string{v}
	}
	var words []string
	for len(v) > 0 {
		i := strings.IndexByte(v, ' ')
		if i < 0 {
			words = append(words, v)
			break
		}
		words = append(words, v[:i+1])
		v = v[i+1:]
	}
	var lines []string
	cur := ""
	for _, w := range words {
		switch {
		case len(cur)+len(w) <= field:
			cur += w
		case len(w) > field:
			for _, c := range w {
				if len(cur) == field {
					lines = append(lines, cur)
					cur = ""
				}
				cur += string(c)
			}
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	return append(lines, cur)
}

func formatList(objs [][]prop) string {
	var b strings.Builder
	b.WriteString("\r\n\r\n")
	for i, o := range objs {
		if i > 0 {
			b.WriteString("\r\n")
		}
		lw := 0
		for _, p := range o {
			lw = max(lw, len(p.name))
		}
		field := width - (lw + 3)
		for _, p := range o {
			pieces := wrap(p.value, field)
			for j, piece := range pieces {
				if j == 0 {
					b.WriteString(p.name + strings.Repeat(" ", lw-len(p.name)) + " : " + piece)
				} else {
					b.WriteString(strings.Repeat(" ", lw+3) + piece)
				}
				b.WriteString("\r\n")
			}
		}
	}
	b.WriteString("\r\n\r\n\r\n")
	return b.String()
}

// utf16le encodes s as Out-File does in Windows PowerShell 5.1: UTF-16 LE with a BOM.
func utf16le(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := []byte{0xFF, 0xFE}
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out
}

func write(name, text string) {
	p := filepath.Join("exports", name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(p, utf16le(text), 0o644); err != nil {
		panic(err)
	}
}

func tls(issuer string) string { return "<I>" + issuer + "<S>" + subject }

func main() {
	flag.Parse()
	oldName := tls(oldIssuer)
	// Get-ReceiveConnector -Server EX01 | fl Identity,Server,Fqdn,TlsCertificateName,AuthMechanism,
	//   TlsDomainCapabilities,TransportRole,Bindings,RequireTLS,Enabled
	rc := func(id, fqdn, tlsName, auth, caps, role, bindings string) []prop {
		return []prop{{"Identity", id}, {"Server", "EX01"}, {"Fqdn", fqdn}, {"TlsCertificateName", tlsName},
			{"AuthMechanism", auth}, {"TlsDomainCapabilities", caps}, {"TransportRole", role},
			{"Bindings", bindings}, {"RequireTLS", "False"}, {"Enabled", "True"}}
	}
	write("EX01/Get-ReceiveConnector.txt", formatList([][]prop{
		rc(`EX01\Default Frontend EX01`, "mail.contoso.com", oldName, "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
			"{mail.protection.outlook.com:AcceptCloudServicesMail}", "FrontendTransport", "{[::]:25, 0.0.0.0:25}"),
		rc(`EX01\Partner Relay EX01`, "mail.contoso.com", oldName, "Tls", "{}", "FrontendTransport", "{0.0.0.0:25}"),
		rc(`EX01\Client Frontend EX01`, "mail.contoso.com", "", "Tls, Integrated, BasicAuth, BasicAuthRequireTLS", "{}", "FrontendTransport", "{[::]:587, 0.0.0.0:587}"),
	}))
	// Get-ExchangeCertificate -Server EX01 | fl Thumbprint,Issuer,Subject,NotBefore,NotAfter,Services,
	//   Status,CertificateDomains,HasPrivateKey,IsSelfSigned
	write("EX01/Get-ExchangeCertificate.txt", formatList([][]prop{
		{{"Thumbprint", *oldTP}, {"Issuer", oldIssuer}, {"Subject", subject}, {"NotBefore", "12/1/2025 12:00:00 AM"},
			{"NotAfter", "12/14/2026 11:59:59 PM"}, {"Services", "IIS, SMTP"}, {"Status", "Valid"},
			{"CertificateDomains", "{mail.contoso.com, autodiscover.contoso.com, adfs.contoso.com, certauth.adfs.contoso.com, enterpriseregistration.contoso.com, intranet.contoso.com}"},
			{"HasPrivateKey", "True"}, {"IsSelfSigned", "False"}},
		{{"Thumbprint", selfSigned}, {"Issuer", "CN=EX01"}, {"Subject", "CN=EX01"}, {"NotBefore", "3/2/2021 10:14:07 AM"},
			{"NotAfter", "3/2/2031 10:14:07 AM"}, {"Services", "IMAP, POP, SMTP"}, {"Status", "Valid"},
			{"CertificateDomains", "{EX01, EX01.corp.contoso.com}"}, {"HasPrivateKey", "True"}, {"IsSelfSigned", "True"}},
	}))
	// Get-TransportService EX01 | fl Name,InternalTransportCertificateThumbprint
	write("EX01/Get-TransportService.txt", formatList([][]prop{
		{{"Name", "EX01"}, {"InternalTransportCertificateThumbprint", selfSigned}},
	}))
	// Get-SendConnector | fl Identity,SourceTransportServers,Fqdn,TlsCertificateName,TlsAuthLevel,
	//   TlsDomain,RequireTLS,CloudServicesMailEnabled,SmartHosts,AddressSpaces,Enabled
	write("Get-SendConnector.txt", formatList([][]prop{
		{{"Identity", "Outbound to Office 365"}, {"SourceTransportServers", "{EX01}"}, {"Fqdn", "mail.contoso.com"},
			{"TlsCertificateName", oldName}, {"TlsAuthLevel", "DomainValidation"}, {"TlsDomain", "mail.protection.outlook.com"},
			{"RequireTLS", "True"}, {"CloudServicesMailEnabled", "True"}, {"SmartHosts", "{contoso-com.mail.protection.outlook.com}"},
			{"AddressSpaces", "{smtp:contoso.mail.onmicrosoft.com;1}"}, {"Enabled", "True"}},
	}))
	// Get-HybridConfiguration | fl TlsCertificateName,SendingTransportServers,ReceivingTransportServers,
	//   EdgeTransportServers (with Identity first)
	write("Get-HybridConfiguration.txt", formatList([][]prop{
		{{"Identity", "Hybrid Configuration"}, {"TlsCertificateName", oldName}, {"SendingTransportServers", "{EX01}"}, {"ReceivingTransportServers", "{EX01}"},
			{"EdgeTransportServers", "{}"}},
	}))

	// AD FS: Service-Communications already moved to the new certificate, HTTP.sys still on the old one.
	// Get-AdfsProperties | fl HostName,HttpsPort,TlsClientPort,Identifier
	write("ADFS01/Get-AdfsProperties.txt", formatList([][]prop{
		{{"HostName", "adfs.contoso.com"}, {"HttpsPort", "443"}, {"TlsClientPort", "49443"},
			{"Identifier", "http://adfs.contoso.com/adfs/services/trust"}},
	}))
	// Get-AdfsCertificate | fl CertificateType,IsPrimary,StoreLocation,StoreName,Thumbprint
	ac := func(typ, tp, loc string) []prop {
		return []prop{{"CertificateType", typ}, {"IsPrimary", "True"}, {"StoreLocation", loc}, {"StoreName", "My"}, {"Thumbprint", tp}}
	}
	write("ADFS01/Get-AdfsCertificate.txt", formatList([][]prop{
		ac("Service-Communications", *newTP, "LocalMachine"),
		ac("Token-Decrypting", decryptTP, "CurrentUser"),
		ac("Token-Signing", signingTP, "CurrentUser"),
	}))
	// Get-AdfsSslCertificate (its default table view)
	write("ADFS01/Get-AdfsSslCertificate.txt", "\r\n"+
		"HostName         PortNumber CertificateHash                         \r\n"+
		"--------         ---------- ---------------                         \r\n"+
		"adfs.contoso.com        443 "+*oldTP+"\r\n"+
		"localhost               443 "+*oldTP+"\r\n"+
		"adfs.contoso.com      49443 "+*oldTP+"\r\n"+
		"\r\n\r\n")
	write("ADFS01/netsh-http-sslcert.txt", netsh([]binding{
		{"Hostname:port", "adfs.contoso.com:443", *oldTP, "AdfsTrustedDevices", "Disabled"},
		{"Hostname:port", "localhost:443", *oldTP, "(null)", "Disabled"},
		{"Hostname:port", "adfs.contoso.com:49443", *oldTP, "(null)", "Enabled"},
	}))

	// WAP: the proxy's own binding and the published applications.
	write("WAP01/netsh-http-sslcert.txt", netsh([]binding{
		{"Hostname:port", "adfs.contoso.com:443", *oldTP, "(null)", "Disabled"},
	}))
	// Get-WebApplicationProxyConfiguration | fl ADFSUrl,ConfigurationVersion,ConnectedServersName
	write("Get-WebApplicationProxyConfiguration.txt", formatList([][]prop{
		{{"ADFSUrl", "https://adfs.contoso.com/adfs/ls"}, {"ConfigurationVersion", "Windows Server 2016"},
			{"ConnectedServersName", "{WAP01.corp.contoso.com}"}},
	}))
	app := func(name, id, url, tp, pre, rp string) []prop {
		return []prop{{"Name", name}, {"ID", id}, {"ADFSRelyingPartyName", rp}, {"ExternalPreauthentication", pre},
			{"ExternalUrl", url}, {"ExternalCertificateThumbprint", tp}, {"BackendServerUrl", url}}
	}
	write("Get-WebApplicationProxyApplication.txt", formatList([][]prop{
		app("ADFS", "2b8a3c1e-4d5f-6a7b-8c9d-0e1f2a3b4c5d", "https://adfs.contoso.com/adfs/", *oldTP, "PassThrough", ""),
		app("Outlook on the web", "7f3e2d1c-0b9a-4876-a5b4-c3d2e1f0a9b8", "https://mail.contoso.com/owa/", *oldTP, "ADFS", "OWA"),
		app("Intranet", "c0ffee00-1234-4abc-9def-00112233aabb", "https://intranet.contoso.com/", *oldTP, "ADFS", "Intranet"),
		app("CRM", "0d15ea5e-0000-4000-8000-00000000c0de", "https://crm.fabrikam.com/", *otherTP, "PassThrough", ""),
	}))
	// certswap collect's manifest: the folders below it are server folders.
	manifest := "{\r\n    \"tool\":  \"certswap collect\",\r\n    \"version\":  1,\r\n    \"servers\":  [\r\n                    \"ADFS01\",\r\n                    \"EX01\",\r\n                    \"WAP01\"\r\n                ]\r\n}\r\n"
	if err := os.WriteFile(filepath.Join("exports", "certswap-collect.json"), []byte(manifest), 0o644); err != nil {
		panic(err)
	}
	fmt.Println("exports written")
}

type binding struct{ keyLabel, key, hash, ctlStore, negotiate string }

// netsh writes `netsh http show sslcert` output: labels padded to 28, " : ", an empty line
// between bindings; the hash in lower case as netsh prints it.
func netsh(bs []binding) string {
	var b strings.Builder
	b.WriteString("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n")
	row := func(label, v string) {
		b.WriteString("    " + label + strings.Repeat(" ", max(0, 28-len(label))) + " : " + v + "\r\n")
	}
	for _, x := range bs {
		row(x.keyLabel, x.key)
		row("Certificate Hash", strings.ToLower(x.hash))
		row("Application ID", "{5d89a20c-beab-4389-9447-324788eb944a}")
		row("Certificate Store Name", "MY")
		row("Verify Client Certificate Revocation", "Enabled")
		row("Verify Revocation Using Cached Client Certificate Only", "Disabled")
		row("Usage Check", "Enabled")
		row("Revocation Freshness Time", "0")
		row("URL Retrieval Timeout", "0")
		row("Ctl Identifier", "(null)")
		row("Ctl Store Name", x.ctlStore)
		row("DS Mapper Usage", "Disabled")
		row("Negotiate Client Certificate", x.negotiate)
		b.WriteString("\r\n")
	}
	return b.String()
}
