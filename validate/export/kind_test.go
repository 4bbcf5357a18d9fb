package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// obj builds an object from name/value pairs.
func obj(kv ...string) *Object {
	o := &Object{}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Properties = append(o.Properties, Property{Name: kv[i], Value: Value{Text: kv[i+1]}, Line: i/2 + 1})
	}
	return o
}

func TestClassify(t *testing.T) {
	cases := []struct {
		name      string
		o         *Object
		typeNames []string
		kind      Kind
		identity  string
		server    string
	}{
		{"receive connector", obj("Bindings", "{[::]:25, 0.0.0.0:25}", "Server", "ex01.contoso.com", "Name", "Default Frontend EX01", "Identity", `EX01\Default Frontend EX01`),
			nil, KindReceiveConnector, `EX01\Default Frontend EX01`, "EX01"},
		{"receive connector table view", obj("Identity", `win-ctd3l0rgen4\Default WIN-CTD3L0RGEN4`, "Bindings", "{0.0.0.0:2525}", "Enabled", "True"),
			nil, KindReceiveConnector, `win-ctd3l0rgen4\Default WIN-CTD3L0RGEN4`, "WIN-CTD3L0RGEN4"},
		{"send connector belongs to the organisation", obj("AddressSpaces", "{smtp:*;1}", "Fqdn", "mail.contoso.com", "Identity", "Outbound to Office 365", "Server", "EX01"),
			nil, KindSendConnector, "Outbound to Office 365", ""},
		{"hybrid configuration", obj("ReceivingTransportServers", "{EX01}", "TlsCertificateName", "", "Name", "Hybrid Configuration"),
			nil, KindHybridConfiguration, "Hybrid Configuration", ""},
		{"exchange certificate fl", obj("Thumbprint", "3F1C", "Services", "IIS, SMTP", "Identity", `EX01.contoso.com\3F1C`),
			nil, KindExchangeCertificate, `EX01.contoso.com\3F1C`, "EX01"},
		{"exchange certificate table", obj("Thumbprint", "3F1C", "Services", "IP.WS..", "Subject", "CN=mail"),
			nil, KindExchangeCertificate, "3F1C", ""},
		{"transport service", obj("Name", "EDGE01.dmz.local", "InternalTransportCertificateThumbprint", "A0B1"),
			nil, KindTransportService, "EDGE01.dmz.local", "EDGE01"},
		{"auth config", obj("CurrentCertificateThumbprint", "5D4C", "NextCertificateThumbprint", "", "Name", "Auth Configuration"),
			nil, KindAuthConfig, "Auth Configuration", ""},
		{"pop settings by protocol name", obj("ProtocolName", "POP3", "X509CertificateName", "mail.contoso.com", "SSLBindings", "{[::]:995}", "Identity", `EX01\1`),
			nil, KindPopSettings, `EX01\1`, "EX01"},
		{"imap settings by port", obj("X509CertificateName", "mail.contoso.com", "SSLBindings", "{[::]:993, 0.0.0.0:993}", "Identity", `EX02\1`),
			nil, KindImapSettings, `EX02\1`, "EX02"},
		{"edge subscription", obj("Name", "EDGE01", "Site", "Default-First-Site-Name", "Domain", "contoso.com"),
			nil, KindEdgeSubscription, "EDGE01", "EDGE01"},
		{"adfs ssl certificate", obj("HostName", "sts.contoso.com", "PortNumber", "443", "CertificateHash", "4195"),
			nil, KindAdfsSslCertificate, "sts.contoso.com", ""},
		{"adfs certificate", obj("Certificate", "[Subject]", "CertificateType", "Token-Signing", "IsPrimary", "True", "Thumbprint", "5A4A"),
			nil, KindAdfsCertificate, "5A4A", ""},
		{"adfs properties", obj("HostName", "sts.contoso.com", "HttpsPort", "443", "Identifier", "http://sts.contoso.com/adfs/services/trust"),
			nil, KindAdfsProperties, "sts.contoso.com", ""},
		{"wap application", obj("Name", "OWA", "ExternalUrl", "https://mail.contoso.com/owa/", "BackendServerUrl", "https://mail.contoso.com/owa/", "ExternalCertificateThumbprint", "4195", "PSComputerName", "WAP01"),
			nil, KindWapApplication, "OWA", ""},
		{"wap configuration", obj("ADFSUrl", "https://sts.contoso.com/adfs/ls", "ConnectedServersName", "{wap01}"),
			nil, KindWapConfiguration, "https://sts.contoso.com/adfs/ls", ""},
		{"netsh binding", obj("Hostname:port", "sts.contoso.com:443", "Certificate Hash", "4195", "Application ID", "{5d89a20c-beab-4389-9447-324788eb944a}"),
			nil, KindNetshSslBinding, "sts.contoso.com:443", ""},
		{"type name wins over properties", obj("Thumbprint", "X", "Services", "IIS"),
			[]string{"Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector", "System.Object"}, KindReceiveConnector, "X", ""},
		{"selected type name", obj("Thumbprint", "X", "RawData", "MII"),
			[]string{"Selected.Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate", "System.Management.Automation.PSCustomObject", "System.Object"}, KindExchangeCertificate, "X", ""},
		{"a list type name does not name the object", obj("Thumbprint", "X", "Services", "IIS"),
			[]string{"Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SendConnector]]"}, KindExchangeCertificate, "X", ""},
		{"server as ConvertTo-Json writes an ADObjectId", obj("Bindings", "{}", "Server", `{"Rdn":"CN=EX01","Parent":"Servers","Depth":9,"Name":"ex01"}`),
			nil, KindReceiveConnector, "{}", "EX01"},
		{"unknown", obj("Foo", "bar"), nil, KindUnknown, "bar", ""},
		{"null identity falls back to name", &Object{Properties: []Property{{Name: "Identity", Value: Value{Null: true}}, {Name: "Name", Value: Value{Text: "n"}}}},
			nil, KindUnknown, "n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			classify(c.o, c.typeNames)
			if c.o.Kind != c.kind || c.o.Identity != c.identity || c.o.Server != c.server {
				t.Errorf("got %q %q %q, want %q %q %q", c.o.Kind, c.o.Identity, c.o.Server, c.kind, c.identity, c.server)
			}
		})
	}
}

func TestServerLabel(t *testing.T) {
	for in, want := range map[string]string{
		"win-ctd3l0rgen4.exlab.dom": "WIN-CTD3L0RGEN4",
		"EX01":                      "EX01",
		" ex01.contoso.com ":        "EX01",
		"":                          "",
	} {
		if got := ServerLabel(in); got != want {
			t.Errorf("ServerLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAssignServers(t *testing.T) {
	root := t.TempDir()
	mk := func(rel string) string {
		p := filepath.Join(root, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		return p
	}
	// collect layout: P/certswap-collect.json, P/EX02/...
	os.WriteFile(mk("collected/"+CollectFile), []byte(`{"servers":["EX02"]}`), 0o644)
	named := &File{Name: mk("exports/EX01/Get-ExchangeCertificate.txt"), Objects: []*Object{
		{Kind: KindExchangeCertificate, Properties: obj("Thumbprint", "A").Properties},
	}}
	byCollect := &File{Name: mk("collected/EX02/Get-PopSettings.txt"), Objects: []*Object{
		{Kind: KindAdfsSslCertificate, Properties: obj("HostName", "h").Properties},
	}}
	notAServer := &File{Name: mk("exports/Get-ExchangeCertificate.txt"), Objects: []*Object{
		{Kind: KindExchangeCertificate, Properties: obj("Thumbprint", "B", "PSComputerName", "ex03.contoso.com").Properties},
		{Kind: KindExchangeCertificate, Properties: obj("Thumbprint", "C").Properties},
	}}
	org := &File{Name: mk("exports/EX01/Get-SendConnector.txt"), Objects: []*Object{
		{Kind: KindSendConnector, Properties: obj("Identity", "Outbound").Properties},
	}}
	source := &File{Name: mk("other/Get-ReceiveConnector.txt"), Objects: []*Object{
		{Kind: KindReceiveConnector, Server: "EX01", Properties: obj("Server", "EX01").Properties},
	}}
	AssignServers([]*File{named, byCollect, notAServer, org, source})
	checks := []struct {
		o      *Object
		server string
		warned bool
	}{
		{named.Objects[0], "EX01", false},
		{byCollect.Objects[0], "EX02", false},
		{notAServer.Objects[0], "EX03", true},
		{notAServer.Objects[1], "", false},
		{org.Objects[0], "", false},
		{source.Objects[0], "EX01", false},
	}
	for i, c := range checks {
		if c.o.Server != c.server {
			t.Errorf("object %d: server %q, want %q", i, c.o.Server, c.server)
		}
		if warned := len(c.o.Warnings) > 0; warned != c.warned {
			t.Errorf("object %d: warnings %+v", i, c.o.Warnings)
		} else if warned && !strings.Contains(c.o.Warnings[0].Message, "PSComputerName") {
			t.Errorf("object %d: warning %q", i, c.o.Warnings[0].Message)
		}
	}
}

// TestFixtureFolderIsNoServer: testdata/exports/ names no server "exports".
func TestFixtureFolderIsNoServer(t *testing.T) {
	f, err := ReadFile(filepath.Join(fixtureDir, "list", "get-adfssslcertificate.utf8.lf.txt"))
	if err != nil {
		t.Fatal(err)
	}
	AssignServers([]*File{f})
	for _, o := range f.Objects {
		if o.Server != "" {
			t.Errorf("server %q from the fixture folder", o.Server)
		}
	}
}

func TestAccess(t *testing.T) {
	o := &Object{Properties: []Property{
		{Name: "Bindings", Value: Value{Text: "{[::]:25, 0.0.0.0:25}"}},
		{Name: "Features", Value: Value{Text: "{FreeBusy, MoveMailbox, Mailtips, MessageTracking...}"}, Lossy: LossyTruncatedCollection},
		{Name: "Domains", Value: Value{IsList: true, List: []string{"contoso.com", "contoso.mail.onmicrosoft.com"}}},
		{Name: "Empty", Value: Value{Text: "{}"}},
		{Name: "Comment", Value: Value{Null: true}},
		{Name: "Fqdn", Value: Value{Text: "mail.contoso.com"}},
	}}
	if p, ok := o.Get("bindings"); !ok || p.Name != "Bindings" {
		t.Error("Get is not case-insensitive")
	}
	if got := o.Text("Domains"); got != "{contoso.com, contoso.mail.onmicrosoft.com}" {
		t.Errorf("Text(Domains) = %q", got)
	}
	if got := o.Text("Comment") + o.Text("Missing"); got != "" {
		t.Errorf("Text of null/missing = %q", got)
	}
	lists := map[string][]string{
		"Bindings": {"[::]:25", "0.0.0.0:25"},
		"Features": {"FreeBusy", "MoveMailbox", "Mailtips", "MessageTracking"},
		"Domains":  {"contoso.com", "contoso.mail.onmicrosoft.com"},
		"Empty":    {},
		"Fqdn":     {"mail.contoso.com"},
		"Comment":  nil,
	}
	for n, want := range lists {
		got := o.List(n)
		if strings.Join(got, "|") != strings.Join(want, "|") || (want == nil) != (got == nil) {
			t.Errorf("List(%s) = %q, want %q", n, got, want)
		}
	}
	if !o.Exact("Bindings") || o.Exact("Features") || o.Exact("Missing") {
		t.Error("Exact")
	}
}
