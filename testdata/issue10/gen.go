//go:build ignore

// Command gen writes the issue 10 fixtures (testdata/issue10/<scenario>/...) as the real cmdlets
// write them and in the folder layout collect.ps1 writes (P/<SERVER>/<Cmdlet>.xml, organisation-wide
// data in P/, P/certswap-collect.json naming the servers):
//
//   - list/: `<Cmdlet> | Format-List > P\<SERVER>\<Cmdlet>.txt` in Windows PowerShell 5.1 on an
//     English server with a 120-column console: UTF-16 LE with BOM, CRLF, labels padded to the
//     longest label of each object + " : ", values word-wrapped at 119 columns with continuation lines
//     indented by label width + 3, collections as {a, b}, 2 empty lines before the first object, 1
//     between objects, 3 after the last (notes/powershell-exports.md a.1-a.5; the same renderer rules
//     as testdata/exports/gen);
//   - clixml/: Export-Clixml as Windows PowerShell 5.1 writes it (UTF-16 LE with BOM, CRLF, two
//     blanks of indentation per level, RefId/TN/TNRef, Props and MS), with the certificate in the
//     form collect selects (Selected.<type> PSCustomObject: Thumbprint, Services, Status,
//     HasPrivateKey, IsSelfSigned, Subject, Issuer, NotBefore, NotAfter, CertificateDomains,
//     RawData); modelled on ../shared/reference/exchange-clixml/ and testdata/exports/clixml/;
//   - table/ (scenario e only): Get-ExchangeCertificate's default table view (Thumbprint, Services
//     as its letter code, Subject), 5.1 layout.
//
// Certificate values come from testdata/certs: the DER of each .cer file is read to write RawData
// and its SHA-1 is checked against the thumbprint openssl recorded in testdata/certs/expected.txt;
// Subject and Issuer are written by hand in the Windows form (reversed RDN order, S= for the state).
//
// Run from the repository root: go run ./testdata/issue10/gen.go
package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf16"
)

const root = "testdata/issue10"

// certInfo is one certificate of testdata/certs, as Get-ExchangeCertificate shows it.
type certInfo struct {
	file       string // .cer in testdata/certs
	thumbprint string // from expected.txt (openssl)
	subject    string // Windows form
	issuer     string // Windows form
	serial     string // .NET SerialNumber
	notBefore  string // en-US Format-List form
	notAfter   string
	dtBefore   string // CLIXML DT
	dtAfter    string
	domains    []string
	selfSigned bool
}

var (
	oldMail = certInfo{file: "old-mail.cer", thumbprint: "2E3E9409A78AF16072AF7585E5C40444A490D05F",
		subject: "CN=mail.contoso.com",
		issuer:  "CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB",
		serial:  "00C1A2B3C4D5E6F708192A3B4C5D6E7F", notBefore: "6/1/2023 12:00:00 AM", notAfter: "6/1/2036 11:59:59 PM",
		dtBefore: "2023-06-01T00:00:00+00:00", dtAfter: "2036-06-01T23:59:59+00:00",
		domains: []string{"mail.contoso.com", "autodiscover.contoso.com"}}
	newMail = certInfo{file: "new-mail.cer", thumbprint: "7BDCCF9928D5A8340570D5B0319136FF8CD1F875",
		subject: "CN=mail.contoso.com",
		issuer:  "CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB",
		serial:  "00E3B0C44298FC1C149AFBF4C8996FB924", notBefore: "6/1/2025 12:00:00 AM", notAfter: "6/1/2037 11:59:59 PM",
		dtBefore: "2025-06-01T00:00:00+00:00", dtAfter: "2037-06-01T23:59:59+00:00",
		domains: []string{"mail.contoso.com", "autodiscover.contoso.com"}}
	wildcard = certInfo{file: "wildcard.cer", thumbprint: "F774337BCF73C717BC5C1BE1D8C9A9EDA44F3E0E",
		subject: "CN=*.contoso.com, O=Contoso, C=US",
		issuer:  "CN=Certswap Test Issuing CA 1, O=Certswap Test, C=US",
		serial:  "2001", notBefore: "1/1/2025 12:00:00 AM", notAfter: "1/1/2037 12:00:00 AM",
		dtBefore: "2025-01-01T00:00:00+00:00", dtAfter: "2037-01-01T00:00:00+00:00",
		domains: []string{"*.contoso.com", "contoso.com"}}
	// tlsRSA is the certificate of tls-rsa-lmk.pfx (key in the CNG "Microsoft Software Key Storage
	// Provider") and tls-rsa-csp.pfx (CAPI "Microsoft Enhanced RSA and AES Cryptographic Provider").
	tlsRSA = certInfo{file: "tls-rsa.cer", thumbprint: "90168B9E493EB0F22DCBB043501C2349D98BA62E",
		subject: `CN=mail.contoso.com, O="Contoso, Ltd", L=Redmond, S=Washington, C=US`,
		issuer:  "CN=Certswap Test Issuing CA 1, O=Certswap Test, C=US",
		serial:  "009A1B2C3D4E5F60718293A4B5C6D7E8F9", notBefore: "1/1/2025 12:00:00 AM", notAfter: "1/1/2037 12:00:00 AM",
		dtBefore: "2025-01-01T00:00:00+00:00", dtAfter: "2037-01-01T00:00:00+00:00",
		domains: []string{"mail.contoso.com", "autodiscover.contoso.com", "owa.contoso.com", "legacy.contoso.com"}}
	selfEX01 = certInfo{file: "selfsigned.cer", thumbprint: "300D97816E712D9B98C206D30C9F8B706800DA7E",
		subject: "CN=EX01", issuer: "CN=EX01",
		serial: "3C5F00D1", notBefore: "1/1/2025 12:00:00 AM", notAfter: "1/1/2037 12:00:00 AM",
		dtBefore: "2025-01-01T00:00:00+00:00", dtAfter: "2037-01-01T00:00:00+00:00",
		domains: []string{"EX01", "EX01.contoso.local"}, selfSigned: true}
)

// installed is a certificate in a server's store with the services it is enabled for.
type installed struct {
	c        certInfo
	services []string // empty = None
}

// protoSettings is one server's Get-PopSettings or Get-ImapSettings.
type protoSettings struct {
	x509     string
	external []string
	internal []string
}

type server struct {
	name      string
	edge      bool // collected locally on the Edge (no remoting: no PSComputerName)
	certs     []installed
	pop, imap *protoSettings
	internal  string // InternalTransportCertificateThumbprint
}

type scenario struct {
	name    string
	servers []server
	edgeSub []string // Get-EdgeSubscription names (organisation-wide, collected on a Mailbox server)
	table   bool     // write the certificate export as the default table view instead
}

func popOn(s, x509 string) *protoSettings {
	return &protoSettings{x509: x509, external: []string{"mail.contoso.com:995:SSL"},
		internal: []string{s + ".contoso.com:995:SSL", s + ".contoso.com:110:TLS"}}
}

func imapOn(s, x509 string) *protoSettings {
	return &protoSettings{x509: x509, external: []string{"mail.contoso.com:993:SSL"},
		internal: []string{s + ".contoso.com:993:SSL", s + ".contoso.com:143:TLS"}}
}

var all4 = []string{"IMAP", "POP", "IIS", "SMTP"}

func scenarios() []scenario {
	ex01 := func(newCert installed, pop, imap string) server {
		return server{name: "EX01", certs: []installed{
			{oldMail, all4},
			newCert,
			{selfEX01, []string{"IMAP", "POP", "SMTP"}},
		}, pop: popOn("EX01", pop), imap: imapOn("EX01", imap), internal: selfEX01.thumbprint}
	}
	// EX02 is collected through EX01's shell: its objects carry PSComputerName ex01.contoso.com,
	// and only the folder says they are EX02's.
	ex02 := server{name: "EX02", certs: []installed{{oldMail, []string{"IIS", "SMTP"}}, {newMail, nil}},
		pop: popOn("EX02", "mail.contoso.com"), imap: imapOn("EX02", "mail.contoso.com"), internal: "9C1F4E2B7A3D5C8E0F1A2B3C4D5E6F708192A3B4"}
	edge01 := func(newServices []string) server {
		return server{name: "EDGE01", edge: true, certs: []installed{{oldMail, []string{"SMTP"}}, {newMail, newServices}},
			internal: "5D2C8E1F42D4195EE03C1E2F1B8A4D6C9E7F0A3B"}
	}
	return []scenario{
		{name: "a-san-missing", servers: []server{ex01(installed{newMail, nil}, "mail.contoso.com", "mail.contoso.com"), ex02}},
		{name: "a-san-quiet", servers: []server{ex01(installed{newMail, all4}, "mail.contoso.com", "mail.contoso.com")}},
		{name: "b-wildcard", servers: []server{ex01(installed{wildcard, nil}, "mail.contoso.com", "mail.contoso.com")}},
		{name: "c-pop-name", servers: []server{ex01(installed{newMail, all4}, "pop.fabrikam.com", "mail.contoso.com")}},
		{name: "d-edge", servers: []server{ex01(installed{newMail, all4}, "mail.contoso.com", "mail.contoso.com"), edge01(nil)}, edgeSub: []string{"EDGE01"}},
		{name: "d-edge-nosub", servers: []server{ex01(installed{newMail, all4}, "mail.contoso.com", "mail.contoso.com"), edge01(nil)}},
		// f. The old CA certificate is EX01's internal transport certificate (it was enabled for SMTP
		// with -Force) and an Edge is subscribed; the new certificate's key is CNG (tls-rsa-lmk.pfx)
		// or CAPI (tls-rsa-csp.pfx): the same exports serve both runs.
		{name: "f-edge-key", servers: []server{{name: "EX01", certs: []installed{
			{oldMail, []string{"IIS", "SMTP"}},
			{tlsRSA, nil},
			{selfEX01, []string{"IMAP", "POP", "SMTP"}},
		}, pop: popOn("EX01", "mail.contoso.com"), imap: imapOn("EX01", "mail.contoso.com"), internal: oldMail.thumbprint}}, edgeSub: []string{"EDGE01"}},
		{name: "e-table", servers: []server{ex01(installed{newMail, nil}, "mail.contoso.com", "mail.contoso.com")}, table: true},
	}
}

// ---- Format-List and Format-Table (Windows PowerShell 5.1, 119 columns, word wrap) ----

type prop struct {
	name  string
	value string
	list  []string
	isLst bool
}

func s(name, v string) prop               { return prop{name: name, value: v} }
func l(name string, items ...string) prop { return prop{name: name, list: items, isLst: true} }

func (p prop) text() string {
	if !p.isLst {
		return p.value
	}
	if len(p.list) > 4 { // $FormatEnumerationLimit = 4 in 5.1
		return "{" + strings.Join(p.list[:4], ", ") + "...}"
	}
	return "{" + strings.Join(p.list, ", ") + "}"
}

func u16len(v string) int { return len(utf16.Encode([]rune(v))) }

// wordWrap splits a line as GenerateLinesWithWordWrap does: a word keeps its trailing blank; a
// word wider than the field is poured into the current line and cut at the field edge.
func wordWrap(v string, field int) []string {
	if u16len(v) <= field {
		return []string{v}
	}
	var words []string
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' || v[i] == '\t' {
			words = append(words, v[start:i+1])
			start = i + 1
		}
	}
	words = append(words, v[start:])
	var out []string
	var cur []rune
	left := field
	for _, w := range words {
		ww := u16len(w)
		if ww > field {
			for _, c := range w {
				if left < 1 {
					out = append(out, string(cur))
					cur, left = cur[:0], field
				}
				cur = append(cur, c)
				left--
			}
			continue
		}
		if ww > left {
			out = append(out, string(cur))
			cur, left = cur[:0], field
		}
		cur = append(cur, []rune(w)...)
		left -= ww
	}
	return append(out, string(cur))
}

func formatList(objs [][]prop) []string {
	lines := []string{"", ""}
	for _, o := range objs {
		lw := 0
		for _, p := range o {
			if len(p.name) > lw {
				lw = len(p.name)
			}
		}
		for _, p := range o {
			for i, part := range wordWrap(p.text(), 119-(lw+3)) {
				if i == 0 {
					lines = append(lines, p.name+strings.Repeat(" ", lw-len(p.name))+" : "+part)
				} else {
					lines = append(lines, strings.Repeat(" ", lw+3)+part)
				}
			}
		}
		lines = append(lines, "")
	}
	return append(lines, "", "")
}

// formatTable writes Get-ExchangeCertificate's default view: Thumbprint (40), Services (8),
// Subject (the rest of the 119 columns), one blank between columns, cut cells ending in "...".
func formatTable(rows [][3]string) []string {
	cut := func(v string, w int) string {
		if len(v) <= w {
			return v + strings.Repeat(" ", w-len(v))
		}
		return v[:w-3] + "..."
	}
	row := func(a, b, c string) string {
		return strings.TrimRight(cut(a, 40)+" "+cut(b, 8)+" "+cut(c, 40), " ")
	}
	lines := []string{"", row("Thumbprint", "Services", "Subject"), row("----------", "--------", "-------")}
	for _, r := range rows {
		lines = append(lines, row(r[0], r[1], r[2]))
	}
	return append(lines, "", "")
}

// letters writes a service list as the ServicesStringForm letter code (I P U W S F C).
func letters(services []string) string {
	code := []byte(".......")
	for _, sv := range services {
		i := strings.Index("IMAP POP  UM   IIS  SMTP", sv) / 5
		code[i] = "IPUWS"[i]
	}
	return string(code)
}

// ---- Export-Clixml ----

// clixml writes CLIXML with RefIds and type-name references as the serializer does.
type clixml struct {
	b     strings.Builder
	ref   int
	tnRef map[string]int
	tns   int
}

func newClixml() *clixml {
	x := &clixml{tnRef: map[string]int{}}
	x.b.WriteString("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n")
	return x
}

func esc(v string) string { return html.EscapeString(v) }

func (x *clixml) line(depth int, v string) {
	x.b.WriteString(strings.Repeat("  ", depth) + v + "\r\n")
}

func (x *clixml) tn(depth int, types ...string) {
	key := strings.Join(types, "|")
	if id, ok := x.tnRef[key]; ok {
		x.line(depth, fmt.Sprintf("<TNRef RefId=\"%d\" />", id))
		return
	}
	id := x.tns
	x.tns++
	x.tnRef[key] = id
	x.line(depth, fmt.Sprintf("<TN RefId=\"%d\">", id))
	for _, t := range types {
		x.line(depth+1, "<T>"+esc(t)+"</T>")
	}
	x.line(depth, "</TN>")
}

func (x *clixml) nextRef() int { r := x.ref; x.ref++; return r }

// enum writes an enum value as Obj with ToString and I32.
func (x *clixml) enum(depth int, name, typ, str string, n int) {
	x.line(depth, fmt.Sprintf("<Obj N=\"%s\" RefId=\"%d\">", name, x.nextRef()))
	x.tn(depth+1, typ, "System.Enum", "System.ValueType", "System.Object")
	x.line(depth+1, "<ToString>"+esc(str)+"</ToString>")
	x.line(depth+1, fmt.Sprintf("<I32>%d</I32>", n))
	x.line(depth, "</Obj>")
}

// toStringObj writes an object serialized by its ToString only (ADObjectId, IPBinding, ...).
func (x *clixml) toStringObj(depth int, name, typ, str string) {
	attr := ""
	if name != "" {
		attr = fmt.Sprintf(" N=\"%s\"", name)
	}
	x.line(depth, fmt.Sprintf("<Obj%s RefId=\"%d\">", attr, x.nextRef()))
	x.tn(depth+1, typ, "System.Object")
	x.line(depth+1, "<ToString>"+esc(str)+"</ToString>")
	x.line(depth, "</Obj>")
}

// mvp writes a MultiValuedProperty of ToString-only items.
func (x *clixml) mvp(depth int, name, item string, items []string) {
	x.line(depth, fmt.Sprintf("<Obj N=\"%s\" RefId=\"%d\">", name, x.nextRef()))
	x.tn(depth+1, "Microsoft.Exchange.Data.MultiValuedProperty`1[["+item+", Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
		"Microsoft.Exchange.Data.MultiValuedPropertyBase", "System.Object")
	x.line(depth+1, "<LST>")
	for _, it := range items {
		x.toStringObj(depth+2, "", item, it)
	}
	x.line(depth+1, "</LST>")
	x.line(depth, "</Obj>")
}

// remoting writes the MS block implicit remoting adds to an Exchange object.
func (x *clixml) remoting(depth int, computer string) {
	x.line(depth, "<MS>")
	if computer != "" {
		x.line(depth+1, "<S N=\"PSComputerName\">"+computer+"</S>")
		x.line(depth+1, "<G N=\"RunspaceId\">5c1f0a3e-8f0e-4b7a-9a59-2f3d1c0b7e11</G>")
		x.line(depth+1, "<B N=\"PSShowComputerName\">false</B>")
	}
	x.line(depth+1, "<BA N=\"SerializationData\">AAEAAAD/////AQAAAAAAAAAL</BA>")
	x.line(depth, "</MS>")
}

func (x *clixml) bytes() []byte {
	x.b.WriteString("</Objs>")
	return utf16le(x.b.String())
}

// allowed is the AllowedServices flags value of a service list.
func allowed(services []string) (string, int) {
	bits := map[string]int{"IMAP": 1, "POP": 2, "UM": 4, "IIS": 8, "SMTP": 16}
	n := 0
	for _, sv := range services {
		n |= bits[sv]
	}
	if n == 0 {
		return "None", 0
	}
	return strings.Join(services, ", "), n
}

func certClixml(srv server, shell string) []byte {
	x := newClixml()
	for _, ic := range srv.certs {
		c := ic.c
		x.line(1, fmt.Sprintf("<Obj RefId=\"%d\">", x.nextRef()))
		x.tn(2, "Selected.Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate", "System.Management.Automation.PSCustomObject", "System.Object")
		x.line(2, "<MS>")
		x.line(3, "<S N=\"Thumbprint\">"+c.thumbprint+"</S>")
		str, n := allowed(ic.services)
		x.enum(3, "Services", "Microsoft.Exchange.Management.SystemConfigurationTasks.AllowedServices", str, n)
		x.enum(3, "Status", "Microsoft.Exchange.Management.SystemConfigurationTasks.CertificateStatus", "Valid", 1)
		x.line(3, "<B N=\"HasPrivateKey\">true</B>")
		x.line(3, fmt.Sprintf("<B N=\"IsSelfSigned\">%t</B>", c.selfSigned))
		x.line(3, "<S N=\"Subject\">"+esc(c.subject)+"</S>")
		x.line(3, "<S N=\"Issuer\">"+esc(c.issuer)+"</S>")
		x.line(3, "<DT N=\"NotBefore\">"+c.dtBefore+"</DT>")
		x.line(3, "<DT N=\"NotAfter\">"+c.dtAfter+"</DT>")
		x.line(3, fmt.Sprintf("<Obj N=\"CertificateDomains\" RefId=\"%d\">", x.nextRef()))
		x.tn(4, "Deserialized.System.Collections.ObjectModel.ReadOnlyCollection`1[[Microsoft.Exchange.Data.SmtpDomainWithSubdomains, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "Deserialized.System.Object")
		x.line(4, "<LST>")
		for _, d := range c.domains {
			x.line(5, "<S>"+d+"</S>")
		}
		x.line(4, "</LST>")
		x.line(3, "</Obj>")
		x.line(3, "<BA N=\"RawData\">"+base64.StdEncoding.EncodeToString(der(c))+"</BA>")
		if shell != "" {
			x.line(3, "<S N=\"PSComputerName\">"+shell+"</S>")
		}
		x.line(2, "</MS>")
		x.line(1, "</Obj>")
	}
	return x.bytes()
}

func protoClixml(srv server, p *protoSettings, proto, shell string) []byte {
	x := newClixml()
	typ := "Pop3AdConfiguration"
	ssl, plain := []string{"[::]:995", "0.0.0.0:995"}, []string{"[::]:110", "0.0.0.0:110"}
	if proto == "IMAP4" {
		typ = "Imap4AdConfiguration"
		ssl, plain = []string{"[::]:993", "0.0.0.0:993"}, []string{"[::]:143", "0.0.0.0:143"}
	}
	x.line(1, fmt.Sprintf("<Obj RefId=\"%d\">", x.nextRef()))
	x.tn(2, "Microsoft.Exchange.Data.Directory.SystemConfiguration."+typ, "Microsoft.Exchange.Data.Directory.SystemConfiguration.PopImapAdConfiguration",
		"Microsoft.Exchange.Data.Directory.ADConfigurationObject", "Microsoft.Exchange.Data.Directory.ADObject", "System.Object")
	x.line(2, "<ToString>"+srv.name+`\1</ToString>`)
	x.line(2, "<Props>")
	x.line(3, "<S N=\"ProtocolName\">"+proto+"</S>")
	x.enum(3, "LoginType", "Microsoft.Exchange.Data.Directory.SystemConfiguration.LoginOptions", "SecureLogin", 2)
	x.mvp(3, "ExternalConnectionSettings", "Microsoft.Exchange.Data.ProtocolConnectionSettings", p.external)
	x.mvp(3, "InternalConnectionSettings", "Microsoft.Exchange.Data.ProtocolConnectionSettings", p.internal)
	x.mvp(3, "SSLBindings", "Microsoft.Exchange.Data.IPBinding", ssl)
	x.mvp(3, "UnencryptedOrTLSBindings", "Microsoft.Exchange.Data.IPBinding", plain)
	x.line(3, "<S N=\"X509CertificateName\">"+esc(p.x509)+"</S>")
	x.toStringObj(3, "Server", "Microsoft.Exchange.Data.Directory.ADObjectId", srv.name)
	x.line(3, "<S N=\"Name\">1</S>")
	x.toStringObj(3, "Identity", "Microsoft.Exchange.Data.Directory.ADObjectId", srv.name+`\1`)
	x.line(3, "<B N=\"IsValid\">true</B>")
	x.line(2, "</Props>")
	x.remoting(2, shell)
	x.line(1, "</Obj>")
	return x.bytes()
}

func transportClixml(srv server, shell string) []byte {
	x := newClixml()
	x.line(1, fmt.Sprintf("<Obj RefId=\"%d\">", x.nextRef()))
	x.tn(2, "Microsoft.Exchange.Data.Directory.SystemConfiguration.TransportServerPresentationObject", "Microsoft.Exchange.Data.Directory.ADObject", "System.Object")
	x.line(2, "<ToString>"+srv.name+"</ToString>")
	x.line(2, "<Props>")
	x.line(3, "<S N=\"Name\">"+srv.name+"</S>")
	x.line(3, "<S N=\"InternalTransportCertificateThumbprint\">"+srv.internal+"</S>")
	x.line(3, "<I32 N=\"MaxConcurrentMailboxDeliveries\">20</I32>")
	x.toStringObj(3, "Identity", "Microsoft.Exchange.Data.Directory.ADObjectId", srv.name)
	x.line(3, "<B N=\"IsValid\">true</B>")
	x.line(2, "</Props>")
	x.remoting(2, shell)
	x.line(1, "</Obj>")
	return x.bytes()
}

func edgeSubClixml(names []string) []byte {
	x := newClixml()
	for _, n := range names {
		x.line(1, fmt.Sprintf("<Obj RefId=\"%d\">", x.nextRef()))
		x.tn(2, "Microsoft.Exchange.Management.SystemConfigurationTasks.EdgeSubscription", "System.Object")
		x.line(2, "<ToString>"+n+"</ToString>")
		x.line(2, "<Props>")
		x.line(3, "<S N=\"Name\">"+n+"</S>")
		x.toStringObj(3, "Site", "Microsoft.Exchange.Data.Directory.ADObjectId", "contoso.com/Configuration/Sites/Default-First-Site-Name")
		x.line(3, "<S N=\"Domain\">contoso.com</S>")
		x.toStringObj(3, "Identity", "Microsoft.Exchange.Data.Directory.ADObjectId", n)
		x.line(3, "<B N=\"IsValid\">true</B>")
		x.line(2, "</Props>")
		x.remoting(2, "ex01.contoso.com")
		x.line(1, "</Obj>")
	}
	return x.bytes()
}

// ---- Format-List objects ----

const runspace = "5c1f0a3e-8f0e-4b7a-9a59-2f3d1c0b7e11"

func certList(srv server) [][]prop {
	var objs [][]prop
	for _, ic := range srv.certs {
		c := ic.c
		str, _ := allowed(ic.services)
		root := "ThirdParty"
		if c.selfSigned {
			root = "Registry"
		}
		objs = append(objs, []prop{
			l("AccessRules", "System.Security.AccessControl.CryptoKeyAccessRule", "System.Security.AccessControl.CryptoKeyAccessRule", "System.Security.AccessControl.CryptoKeyAccessRule"),
			l("CertificateDomains", c.domains...),
			s("HasPrivateKey", "True"),
			s("IsSelfSigned", fmt.Sprint(map[bool]string{true: "True", false: "False"}[c.selfSigned])),
			s("Issuer", c.issuer),
			s("NotAfter", c.notAfter),
			s("NotBefore", c.notBefore),
			s("PublicKeySize", "2048"),
			s("RootCAType", root),
			s("SerialNumber", c.serial),
			s("Services", str),
			s("Status", "Valid"),
			s("Subject", c.subject),
			s("Thumbprint", c.thumbprint),
		})
	}
	return objs
}

func protoList(srv server, p *protoSettings, proto string) [][]prop {
	ssl, plain := []string{"[::]:995", "0.0.0.0:995"}, []string{"[::]:110", "0.0.0.0:110"}
	if proto == "IMAP4" {
		ssl, plain = []string{"[::]:993", "0.0.0.0:993"}, []string{"[::]:143", "0.0.0.0:143"}
	}
	return [][]prop{{
		s("RunspaceId", runspace),
		s("ProtocolName", proto),
		s("Name", "1"),
		s("LoginType", "SecureLogin"),
		l("ExternalConnectionSettings", p.external...),
		l("InternalConnectionSettings", p.internal...),
		l("SSLBindings", ssl...),
		l("UnencryptedOrTLSBindings", plain...),
		s("X509CertificateName", p.x509),
		s("Server", srv.name),
		s("Identity", srv.name+`\1`),
		s("IsValid", "True"),
	}}
}

func transportList(srv server) [][]prop {
	o := []prop{
		s("Name", srv.name),
		s("InternalTransportCertificateThumbprint", srv.internal),
		s("MaxConcurrentMailboxDeliveries", "20"),
		s("Identity", srv.name),
		s("IsValid", "True"),
	}
	if !srv.edge {
		o = append([]prop{s("RunspaceId", runspace)}, o...)
	}
	return [][]prop{o}
}

func edgeSubList(names []string) [][]prop {
	var objs [][]prop
	for _, n := range names {
		objs = append(objs, []prop{
			s("RunspaceId", runspace),
			s("Name", n),
			s("Site", "contoso.com/Configuration/Sites/Default-First-Site-Name"),
			s("Domain", "contoso.com"),
			s("Identity", n),
			s("IsValid", "True"),
			s("ObjectState", "Unchanged"),
		})
	}
	return objs
}

// ---- files ----

func utf16le(text string) []byte {
	var b bytes.Buffer
	b.Write([]byte{0xFF, 0xFE})
	for _, u := range utf16.Encode([]rune(text)) {
		b.WriteByte(byte(u))
		b.WriteByte(byte(u >> 8))
	}
	return b.Bytes()
}

func textFile(lines []string) []byte { return utf16le(strings.Join(lines, "\r\n")) }

func der(c certInfo) []byte {
	b, err := os.ReadFile(filepath.Join("testdata/certs", c.file))
	if err != nil {
		panic(err)
	}
	sum := sha1.Sum(b)
	if got := strings.ToUpper(hex.EncodeToString(sum[:])); got != c.thumbprint {
		panic(fmt.Sprintf("%s: SHA-1 %s, expected.txt says %s", c.file, got, c.thumbprint))
	}
	return b
}

func write(path string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		panic(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		panic(err)
	}
}

// manifest is certswap-collect.json as collect.ps1 writes it (Windows PowerShell 5.1's
// ConvertTo-Json layout, UTF-8 without BOM, CRLF).
func manifest(servers []string) []byte {
	sort.Strings(servers)
	var items []string
	for _, n := range servers {
		items = append(items, strings.Repeat(" ", 20)+`"`+n+`"`)
	}
	return []byte("{\r\n    \"tool\":  \"certswap collect\",\r\n    \"version\":  1,\r\n    \"servers\":  [\r\n" +
		strings.Join(items, ",\r\n") + "\r\n" + strings.Repeat(" ", 16) + "]\r\n}\r\n")
}

func main() {
	for _, sc := range scenarios() {
		var names []string
		for _, srv := range sc.servers {
			names = append(names, srv.name)
		}
		forms := []string{"list", "clixml"}
		if sc.table {
			forms = []string{"table"}
		}
		for _, form := range forms {
			p := filepath.Join(root, sc.name, form)
			write(filepath.Join(p, "certswap-collect.json"), manifest(names))
			for _, srv := range sc.servers {
				dir := filepath.Join(p, srv.name)
				// Mailbox servers are collected through EX01's Exchange Management Shell (implicit
				// remoting: PSComputerName ex01.contoso.com on every object); the Edge locally.
				shell := "ex01.contoso.com"
				if srv.edge {
					shell = ""
				}
				switch form {
				case "clixml":
					write(filepath.Join(dir, "Get-ExchangeCertificate.xml"), certClixml(srv, shell))
					write(filepath.Join(dir, "Get-TransportService.xml"), transportClixml(srv, shell))
					if srv.pop != nil {
						write(filepath.Join(dir, "Get-PopSettings.xml"), protoClixml(srv, srv.pop, "POP3", shell))
						write(filepath.Join(dir, "Get-ImapSettings.xml"), protoClixml(srv, srv.imap, "IMAP4", shell))
					}
				default:
					if form == "table" {
						var rows [][3]string
						for _, ic := range srv.certs {
							rows = append(rows, [3]string{ic.c.thumbprint, letters(ic.services), ic.c.subject})
						}
						write(filepath.Join(dir, "Get-ExchangeCertificate.txt"), textFile(formatTable(rows)))
					} else {
						write(filepath.Join(dir, "Get-ExchangeCertificate.txt"), textFile(formatList(certList(srv))))
					}
					write(filepath.Join(dir, "Get-TransportService.txt"), textFile(formatList(transportList(srv))))
					if srv.pop != nil {
						write(filepath.Join(dir, "Get-PopSettings.txt"), textFile(formatList(protoList(srv, srv.pop, "POP3"))))
						write(filepath.Join(dir, "Get-ImapSettings.txt"), textFile(formatList(protoList(srv, srv.imap, "IMAP4"))))
					}
				}
			}
			if len(sc.edgeSub) > 0 {
				if form == "clixml" {
					write(filepath.Join(p, "Get-EdgeSubscription.xml"), edgeSubClixml(sc.edgeSub))
				} else {
					write(filepath.Join(p, "Get-EdgeSubscription.txt"), textFile(formatList(edgeSubList(sc.edgeSub))))
				}
			}
		}
	}
}
