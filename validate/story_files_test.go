package validate

import (
	"os"
	"strings"
	"testing"

	"certswap/validate/cert"
	"certswap/validate/export"
)

func loadCert(t *testing.T, name, password string) *cert.File {
	t.Helper()
	data, err := os.ReadFile("../testdata/certs/" + name)
	if err != nil {
		t.Fatal(err)
	}
	f, err := cert.Load(name, data, cert.LoadOptions{Password: &password})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// TestExchangeFieldStoryFromFiles runs the Exchange field story on real files: the Sectigo
// renewal as a PFX and the COMODO certificate as a CER (testdata/certs, made by openssl), and a
// UTF-16 Format-List Get-ReceiveConnector export whose TlsCertificateName values wrap
// (testdata/exports/exchange-field-story). Lines 23 and 103 are where `iconv -f UTF-16 | grep -n`
// finds the two TlsCertificateName labels; the issuer is openssl's
// "CN=Sectigo RSA Domain Validation Secure Server CA,O=Sectigo Limited,L=Salford,ST=Greater Manchester,C=GB"
// written as Windows prints it (reversed from DER order, ", ", S= for ST).
func TestExchangeFieldStoryFromFiles(t *testing.T) {
	nf := loadCert(t, "new-mail.pfx", "Contoso-Test-1!")
	of := loadCert(t, "old-mail.cer", "")
	exp, err := export.ReadFile("../testdata/exports/exchange-field-story/Get-ReceiveConnector.txt")
	if err != nil {
		t.Fatal(err)
	}
	in := &Input{New: nf.Leaves[0], NewFile: "new-mail.pfx", NewChain: nf.Chain, NewFormat: nf.Format,
		Old: of.Leaves[0], OldFile: "old-mail.cer", Exports: []*export.File{exp}, At: testAt}
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = "'<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'"
	wantFix := map[int]string{
		23:  `Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName ` + want,
		103: `Set-ReceiveConnector -Identity 'EX01\Outbound Proxy Frontend EX01' -TlsCertificateName ` + want,
	}
	got := byID(r)["exchange-receive-connector-tls-name"]
	if len(got) != 2 {
		t.Fatalf("receive connector findings: %+v", got)
	}
	for _, f := range got {
		if f.Fix != wantFix[f.Line] || f.File != exp.Name || f.Server != "EX01" || f.Severity != SeverityWarning {
			t.Errorf("%s:%d %s: fix %s", f.File, f.Line, f.Severity, f.Fix)
		}
	}
	if r.Summary.Count(SeverityWarning) == 0 {
		t.Error("nothing at or above warning: --fail-on warning would exit 0")
	}
	n := byID(r)["certificate-issuer-subject-changed"]
	if len(n) != 1 || !strings.Contains(n[0].Message, `EX01\Default Frontend EX01; receive connector EX01\Outbound Proxy Frontend EX01`) {
		t.Errorf("issuer-changed: %+v", n)
	}
	// openssl's thumbprint of new-mail (testdata/certs/expected.txt).
	if r.Certificate.Thumbprint != "7BDCCF9928D5A8340570D5B0319136FF8CD1F875" {
		t.Errorf("thumbprint %s", r.Certificate.Thumbprint)
	}
}

// TestADFSWAPFromFiles runs the AD FS/WAP checks on the Export-Clixml fixtures of
// testdata/exports/clixml (a farm adfs.contoso.com whose bindings, Service-Communications
// certificate, proxy binding and two published applications, one the federation rule "ADFS", all
// carry 210720AF…) with the wildcard certificate of testdata/certs as the new one; its thumbprint
// is openssl's (testdata/certs/expected.txt).
func TestADFSWAPFromFiles(t *testing.T) {
	const newTP = "F774337BCF73C717BC5C1BE1D8C9A9EDA44F3E0E"
	nf := loadCert(t, "wildcard.pfx", "Contoso-Test-1!")
	var exps []*export.File
	for _, name := range []string{"adfs-properties.xml", "adfs-ssl-certificate.xml", "adfs-certificate.xml", "wap-ssl-certificate.xml", "wap-application.xml"} {
		f, err := export.ReadFile("../testdata/exports/clixml/" + name)
		if err != nil {
			t.Fatal(err)
		}
		exps = append(exps, f)
	}
	r, err := Run(&Input{New: nf.Leaves[0], NewFile: "wildcard.pfx", NewChain: nf.Chain, Exports: exps, At: testAt})
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	for id, n := range map[string]int{
		"adfs-ssl-binding-thumbprint":              4,
		"adfs-service-communications-thumbprint":   1,
		"adfs-service-communications-ssl-mismatch": 0,
		"adfs-binding-mode-cmdlet":                 1,
		"adfs-name-not-covered":                    0,
		"wap-proxy-ssl-thumbprint":                 1,
		"wap-application-thumbprint":               2,
		"wap-external-url-not-covered":             0,
	} {
		if len(got[id]) != n {
			t.Errorf("%s: %d findings, want %d: %+v", id, len(got[id]), n, got[id])
		}
	}
	fixes := map[string]string{}
	for _, f := range got["wap-application-thumbprint"] {
		fixes[f.Object] = f.Fix
	}
	for name, id := range map[string]string{"Outlook on the web": "3f2a1b4c-5d6e-7f80-9a1b-2c3d4e5f6a7b", "ADFS": "8e9d0c1b-2a3f-4e5d-8c7b-6a5f4e3d2c1b"} {
		if want := "Set-WebApplicationProxyApplication -ID '" + id + "' -ExternalCertificateThumbprint '" + newTP + "'"; fixes[name] != want {
			t.Errorf("%s: fix %q, want %q", name, fixes[name], want)
		}
	}
	if f := got["adfs-service-communications-thumbprint"]; len(f) == 1 && f[0].Fix != "Set-AdfsCertificate -CertificateType 'Service-Communications' -Thumbprint '"+newTP+"'" {
		t.Errorf("fix %s", f[0].Fix)
	}
	if f := got["wap-proxy-ssl-thumbprint"]; len(f) == 1 && (f[0].Object != "adfs.contoso.com:443" || f[0].Fix != "Set-WebApplicationProxySslCertificate -Thumbprint '"+newTP+"'") {
		t.Errorf("proxy: %+v", f[0])
	}
}

// TestServicesParityFromTable reads the default table view of Get-ExchangeCertificate
// (testdata/exports/table), whose Services column is the letter code: the old certificate
// 3F1C… shows "IP.WS.." (IMAP, POP, IIS, SMTP by position, notes/exchange-services-pop-imap-edge.md
// §1.6) and its Subject cell is cut, so the old certificate is named by --old.
func TestServicesParityFromTable(t *testing.T) {
	nf := loadCert(t, "new-mail.pfx", "Contoso-Test-1!")
	exp, err := export.ReadFile("../testdata/exports/table/get-exchangecertificate.utf8.lf.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(&Input{New: nf.Leaves[0], NewFile: "new-mail.pfx", NewChain: nf.Chain, OldThumbprint: "3f1c0b9a8e7d6c5b4a3928170f6e5d4c3b2a1908",
		Exports: []*export.File{exp}, At: testAt})
	if err != nil {
		t.Fatal(err)
	}
	p := byID(r)["exchange-services-parity"]
	if len(p) != 1 || p[0].Fix != "Enable-ExchangeCertificate -Thumbprint '7BDCCF9928D5A8340570D5B0319136FF8CD1F875' -Services 'IMAP, POP, IIS, SMTP'" ||
		!strings.Contains(p[0].Message, "an unknown server") {
		t.Errorf("parity: %+v", p)
	}
	if len(r.Old.TLSCertificateNames) != 0 {
		t.Errorf("a cut Subject cell became an old name: %v", r.Old.TLSCertificateNames)
	}
}

// TestADFSBindingsFromTable reads Get-AdfsSslCertificate's default table view
// (testdata/exports/table), whose EnterpriseRegistration host name is a cut cell: the bindings'
// hashes are exact and are reported, the cut name is "unknown:" with the Export-Clixml command.
func TestADFSBindingsFromTable(t *testing.T) {
	exp, err := export.ReadFile("../testdata/exports/table/get-adfssslcertificate.utf8.lf.txt")
	if err != nil {
		t.Fatal(err)
	}
	in := adfsBase()
	in.Exports = []*export.File{exp}
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	if len(got["adfs-ssl-binding-thumbprint"]) != 4 {
		t.Errorf("bindings: %+v", got["adfs-ssl-binding-thumbprint"])
	}
	n := got["adfs-name-not-covered"]
	if len(n) != 1 || n[0].Severity != SeverityWarning || !strings.HasPrefix(n[0].Message, "unknown: HostName") ||
		n[0].Fix != "Get-AdfsSslCertificate | Export-Clixml -Path 'Get-AdfsSslCertificate.xml'" || n[0].Line != 7 {
		t.Errorf("name: %+v", n)
	}
}

// TestExchangeServicesFromFiles runs issue 10's checks on the Export-Clixml fixtures (a CA
// certificate for mail.contoso.com enabled for IMAP, POP, IIS, SMTP on EX01, which validate infers
// as the old one — the server comes from PSComputerName, as export.AssignServers assigns it — and
// POP/IMAP settings naming mail.contoso.com) with three new certificates from testdata/certs: a SAN renewal, a wildcard and
// Exchange's self-signed EX01 certificate (which covers neither POP nor IMAP's name). The expected
// services follow the AllowedServices order of Microsoft's enum page (IMAP, POP, UM, IIS, SMTP).
func TestExchangeServicesFromFiles(t *testing.T) {
	var exps []*export.File
	for _, name := range []string{"exchange-certificate-selected.xml", "pop-settings.xml", "imap-settings.xml"} {
		f, err := export.ReadFile("../testdata/exports/clixml/" + name)
		if err != nil {
			t.Fatal(err)
		}
		exps = append(exps, f)
	}
	export.AssignServers(exps)
	for _, tc := range []struct {
		pfx, tp     string
		parity      string // the -Services literal of the parity fix
		wildcard    int
		popIMAPName int
	}{
		{"new-mail.pfx", "7BDCCF9928D5A8340570D5B0319136FF8CD1F875", "'IMAP, POP, IIS, SMTP'", 0, 0},
		{"wildcard.pfx", "F774337BCF73C717BC5C1BE1D8C9A9EDA44F3E0E", "'IIS, SMTP'", 1, 0},
		{"selfsigned.pfx", "", "", 0, 2},
	} {
		t.Run(tc.pfx, func(t *testing.T) {
			nf := loadCert(t, tc.pfx, "Contoso-Test-1!")
			r, err := Run(&Input{New: nf.Leaves[0], NewFile: tc.pfx, NewChain: nf.Chain, Exports: exps, At: testAt})
			if err != nil {
				t.Fatal(err)
			}
			got := byID(r)
			if tc.parity != "" {
				want := "Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '" + tc.tp + "' -Services " + tc.parity
				if p := got["exchange-services-parity"]; len(p) != 1 || p[0].Fix != want {
					t.Errorf("parity: %+v\nwant fix %s", p, want)
				}
			}
			if n := len(got["exchange-wildcard-pop-imap"]); n != tc.wildcard {
				t.Errorf("wildcard findings %d, want %d", n, tc.wildcard)
			}
			if n := len(got["exchange-pop-imap-certificate-name"]); n != tc.popIMAPName {
				t.Errorf("POP/IMAP name findings %d, want %d: %+v", n, tc.popIMAPName, got["exchange-pop-imap-certificate-name"])
			}
			for _, f := range got["exchange-pop-imap-certificate-name"] {
				if f.Fix != "" || !strings.Contains(f.Message, `X509CertificateName "mail.contoso.com"`) || f.Server != "EX01" {
					t.Errorf("%+v", f)
				}
			}
		})
	}
}
