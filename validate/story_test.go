package validate

import (
	"strings"
	"testing"

	"certswap/validate/export"
)

// byID groups a report's findings by check ID.
func byID(r *Report) map[string][]Finding {
	m := map[string][]Finding{}
	for _, f := range r.Findings {
		m[f.ID] = append(m[f.ID], f)
	}
	return m
}

// TestExchangeFieldStory is DESIGN.md's first story: a COMODO certificate renewed by Sectigo with
// the same subject; two receive connectors still name the old issuer. Expected lines are written
// from Set-ReceiveConnector's documentation (-Identity 'Server\Name', -TlsCertificateName
// "<I>issuer<S>subject") with the issuer as Windows prints it.
func TestExchangeFieldStory(t *testing.T) {
	in := base()
	in.Exports = files(
		exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IIS, SMTP", "False", 1),
		exchangeCert("EX01", tpSelf, "CN=EX01", "CN=EX01", "IMAP, POP, IIS, SMTP", "True", 20),
		receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"),
		receiveConnector("EX01", "Client Frontend EX01", 40, oldName, "mail.contoso.com"),
		receiveConnector("EX01", "Default EX01", 70, "", "EX01.contoso.local"),
	)
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	rc := got["exchange-receive-connector-tls-name"]
	wantFix := []string{
		`Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'`,
		`Set-ReceiveConnector -Identity 'EX01\Client Frontend EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'`,
	}
	if len(rc) != 2 {
		t.Fatalf("receive connector findings: %+v", rc)
	}
	for i, f := range rc {
		if f.Fix != wantFix[i] || f.Severity != SeverityWarning {
			t.Errorf("finding %d: %s fix %s", i, f.Severity, f.Fix)
		}
		if f.Change == nil || f.Change.Old != oldName || f.Change.New != newName || f.Change.Property != "TlsCertificateName" || f.Change.Server != "EX01" {
			t.Errorf("finding %d: change %+v", i, f.Change)
		}
	}
	changed := got["certificate-issuer-subject-changed"]
	if len(changed) != 1 || !strings.Contains(changed[0].Message, `EX01\Default Frontend EX01`) || !strings.Contains(changed[0].Message, `EX01\Client Frontend EX01`) ||
		!strings.Contains(changed[0].Message, "COMODO RSA Domain Validation Secure Server CA") || !strings.Contains(changed[0].Message, "Sectigo RSA Domain Validation Secure Server CA") {
		t.Errorf("issuer-changed finding: %+v", changed)
	}
	if p := got["exchange-services-parity"]; len(p) != 1 || p[0].Fix != `Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '`+tpNew+`' -Services 'IIS, SMTP'` {
		t.Errorf("parity: %+v", p)
	}
	for _, id := range []string{"exchange-connector-fqdn-not-covered", "exchange-tls-name-cannot-match", "exchange-send-connector-tls-name"} {
		if len(got[id]) != 0 {
			t.Errorf("%s fired: %+v", id, got[id])
		}
	}
	if r.Summary.Count(SeverityWarning) == 0 || r.Summary.Error != 0 {
		t.Errorf("summary %+v", r.Summary)
	}
	if !strings.Contains(r.Notes[0].Message, "old certificate inferred from ExchangeCertificate objects") || !strings.Contains(r.Notes[0].Message, tpOld) {
		t.Errorf("note: %+v", r.Notes[0])
	}

	// After the change, with exports that carry the new string: nothing at or above warning.
	in = base()
	in.Stage = StageAfter
	in.Exports = files(
		exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 1),
		exchangeCert("EX01", tpSelf, "CN=EX01", "CN=EX01", "IMAP, POP, IIS, SMTP", "True", 20),
		receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"),
		receiveConnector("EX01", "Client Frontend EX01", 40, newName, "mail.contoso.com"),
	)
	r, err = Run(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Summary.Count(SeverityWarning); n != 0 {
		t.Errorf("after the change: %d findings at or above warning: %+v", n, r.Findings)
	}
}

// TestADFSWAPFieldStory is DESIGN.md's second story: Service-Communications was changed in the
// snap-in, HTTP.sys still serves the old certificate, three published applications (one the
// federation rule) use the old thumbprint and one application uses an unrelated certificate.
func TestADFSWAPFieldStory(t *testing.T) {
	in := adfsBase()
	in.Exports = files(
		obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.txt", 1, "HostName", "sts.contoso.com", "HttpsPort", "443", "TlsClientPort", "49443"),
		serviceCommunications(tpNewADFS),
		adfsSSL("sts.contoso.com", "443", tpOld, 10),
		adfsSSL("localhost", "443", tpOld, 13),
		adfsSSL("sts.contoso.com", "49443", tpOld, 16),
		adfsSSL("EnterpriseRegistration.contoso.com", "443", tpOld, 19),
		wapConfig(),
		netsh("WAP01", "Hostname:port", "sts.contoso.com:443", strings.ToLower(tpOld), 1),
		wapApp("Outlook Web App", "1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "https://owa.contoso.com/owa/", tpOld, 1),
		wapApp("ADFS federation rule", "6c0d2a4e-8f1b-4c3d-a5e6-f7a8b9c0d1e2", "https://sts.contoso.com/adfs/", tpOld, 10),
		wapApp("Intranet", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b", "https://apps.contoso.com/", tpOld, 20),
		wapApp("Partner portal", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "https://partner.fabrikam.com/", tpOther, 30),
	)
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	got := byID(r)
	if b := got["adfs-ssl-binding-thumbprint"]; len(b) != 4 {
		t.Errorf("binding findings: %+v", b)
	} else {
		for _, f := range b {
			if f.Fix != "Set-AdfsSslCertificate -Thumbprint '"+tpNewADFS+"'" {
				t.Errorf("binding fix %s", f.Fix)
			}
		}
	}
	if m := got["adfs-service-communications-ssl-mismatch"]; len(m) != 1 || !strings.Contains(m[0].Message, tpOld) {
		t.Errorf("mismatch: %+v", m)
	}
	if len(got["adfs-service-communications-thumbprint"]) != 0 {
		t.Errorf("Service-Communications is already new: %+v", got["adfs-service-communications-thumbprint"])
	}
	if w := got["wap-proxy-ssl-thumbprint"]; len(w) != 1 || w[0].Server != "WAP01" {
		t.Errorf("wap proxy: %+v", w)
	}
	apps := got["wap-application-thumbprint"]
	want := map[string]string{
		"Outlook Web App":      "Set-WebApplicationProxyApplication -ID '1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' -ExternalCertificateThumbprint '" + tpNewADFS + "'",
		"ADFS federation rule": "Set-WebApplicationProxyApplication -ID '6c0d2a4e-8f1b-4c3d-a5e6-f7a8b9c0d1e2' -ExternalCertificateThumbprint '" + tpNewADFS + "'",
		"Intranet":             "Set-WebApplicationProxyApplication -ID '9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b' -ExternalCertificateThumbprint '" + tpNewADFS + "'",
	}
	if len(apps) != 3 {
		t.Fatalf("applications: %+v", apps)
	}
	for _, f := range apps {
		if want[f.Object] != f.Fix || f.Change == nil || f.Change.ID == "" || f.Change.Name != f.Object {
			t.Errorf("application %q: fix %s change %+v", f.Object, f.Fix, f.Change)
		}
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Object, "Partner portal") || strings.Contains(f.Message, "Partner portal") {
			t.Errorf("the unrelated application was not left alone: %+v", f)
		}
	}
	if len(got["adfs-name-not-covered"]) != 0 || len(got["wap-external-url-not-covered"]) != 0 {
		t.Errorf("names are covered: %+v %+v", got["adfs-name-not-covered"], got["wap-external-url-not-covered"])
	}
	if !strings.Contains(r.Notes[0].Message, "AD FS SSL bindings") {
		t.Errorf("note: %s", r.Notes[0].Message)
	}
}
