package generator

import (
	"errors"
	"strings"
	"testing"

	"certswap/validate"
	"certswap/validate/export"
)

func prop(name, text string) export.Property {
	return export.Property{Name: name, Value: export.Value{Text: text}}
}

func listProp(name string, items ...string) export.Property {
	return export.Property{Name: name, Value: export.Value{IsList: true, List: items}}
}

// TestPlanFromReport: the adapter from a validation run. Findings' changes become steps (a change
// reported twice counts once), the Edge subscription finding gives an edge runbook, a changed send
// connector's source servers all get a runbook, and AD FS's binding mode comes from the export.
func TestPlanFromReport(t *testing.T) {
	sc := validate.Change{Product: validate.ProductExchange, Kind: export.KindSendConnector, Identity: "Outbound to Office 365",
		Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/Get-SendConnector.xml"}
	rc := validate.Change{Product: validate.ProductExchange, Server: "EX01", Kind: export.KindReceiveConnector, Identity: `EX01\Default Frontend EX01`,
		Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/EX01/Get-ReceiveConnector.xml"}
	svc := validate.Change{Product: validate.ProductExchange, Server: "EDGE01", Kind: export.KindExchangeCertificate, Identity: newThumb,
		Property: "Services", Old: "None", New: "SMTP", File: "exports/EDGE01/Get-ExchangeCertificate.xml"}
	ssl := validate.Change{Product: validate.ProductADFS, Server: "ADFS01", Kind: export.KindAdfsSslCertificate, Identity: "fs.contoso.com:443",
		Property: "CertificateHash", Old: oldThumb, New: newThumb, File: "exports/ADFS01/Get-AdfsSslCertificate.xml"}
	in := &validate.Input{New: newCert(), NewFile: "new.pfx", OldThumbprint: oldThumb, OldFile: "--old",
		Exports: []*export.File{{Name: "exports/Get-SendConnector.xml", Objects: []*export.Object{
			{Kind: export.KindSendConnector, Identity: "Outbound to Office 365", Properties: []export.Property{listProp("SourceTransportServers", "EX01", "ex02.contoso.com")}},
		}}, {Name: "exports/Get-EdgeSubscription.xml", Objects: []*export.Object{
			{Kind: export.KindEdgeSubscription, Identity: "EDGE01", Properties: []export.Property{prop("Name", "EDGE01"), prop("Site", "Default-First-Site-Name")}},
		}}, {Name: "exports/Get-AdfsProperties.xml", Objects: []*export.Object{
			{Kind: export.KindAdfsProperties, Identity: "x", Properties: []export.Property{prop("HostName", "fs.contoso.com"), prop("TlsClientPort", "443")}},
		}}},
	}
	rep := &validate.Report{Stage: "before", At: t0, Old: validate.OldSummary{Thumbprints: []string{oldThumb}},
		Findings: []validate.Finding{
			{ID: "exchange-send-connector-tls-name", Severity: validate.SeverityError, Product: validate.ProductExchange, Object: sc.Identity, File: sc.File, Message: "stale", Change: &sc},
			{ID: "exchange-receive-connector-tls-name", Severity: validate.SeverityError, Product: validate.ProductExchange, Server: "EX01", Object: rc.Identity, File: rc.File, Message: "stale", Change: &rc},
			{ID: "exchange-receive-connector-tls-name", Severity: validate.SeverityError, Product: validate.ProductExchange, Server: "EX01", Object: rc.Identity, File: rc.File, Message: "stale again", Change: &rc},
			{ID: "exchange-services-parity", Severity: validate.SeverityWarning, Product: validate.ProductExchange, Server: "EDGE01", File: svc.File, Message: "SMTP missing", Change: &svc},
			{ID: "exchange-edge-subscription", Severity: validate.SeverityWarning, Product: validate.ProductExchange, Server: "EDGE01", Object: "EDGE01", File: "exports/Get-EdgeSubscription.xml", Message: "re-create"},
			{ID: "adfs-binding", Severity: validate.SeverityError, Product: validate.ProductADFS, Server: "ADFS01", File: ssl.File, Message: "old hash", Change: &ssl},
		}}
	p, err := PlanFromReport(in, rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Runbooks(), " "); got != "exchange-EX01.ps1 exchange-EX02.ps1 edge-EDGE01.ps1 adfs.ps1" {
		t.Errorf("runbooks %s", got)
	}
	if len(p.Exchange[0].ReceiveConnectors) != 1 {
		t.Errorf("the receive connector change reported twice gives %d steps", len(p.Exchange[0].ReceiveConnectors))
	}
	if !p.Exchange[1].OrgWide || len(p.Exchange[1].SendConnectors) != 1 || strings.Join(p.Exchange[1].RequiresOn, ",") != "EX01" {
		t.Errorf("org-wide changes not on EX02 after EX01: %+v", p.Exchange[1])
	}
	if !p.Edge[0].EdgeSubscription || p.Edge[0].Services != "SMTP" {
		t.Errorf("edge: %+v", p.Edge[0])
	}
	if !p.ADFS.AlternateTLS {
		t.Error("TlsClientPort 443 not read as the alternate binding mode")
	}
	if !p.Old.Known() || p.Old.Thumbprint != oldThumb {
		t.Errorf("old %+v", p.Old)
	}
	if len(p.Findings) != 6 || p.Stage != "before" {
		t.Errorf("findings %d stage %q", len(p.Findings), p.Stage)
	}
	if _, err := Render(p); err != nil {
		t.Fatal(err)
	}

	// Two checks that want different new values for one object: refused.
	rc2 := rc
	rc2.New = "<I>x<S>y"
	rep.Findings = append(rep.Findings, validate.Finding{ID: "other", Change: &rc2})
	if _, err := PlanFromReport(in, rep, nil); err == nil || !strings.Contains(err.Error(), "different new values") {
		t.Errorf("conflicting changes: %v", err)
	}
}

// TestPlanFromReportWAPNode: a netsh binding change that validate files under AD FS, on a server
// whose only exports are netsh bindings while WAP applications are in the inputs, is the WAP
// node's proxy binding: it goes to wap.ps1 (Set-WebApplicationProxySslCertificate), not adfs.ps1.
func TestPlanFromReportWAPNode(t *testing.T) {
	nb := func(server string) *export.Object {
		return &export.Object{Kind: export.KindNetshSslBinding, Identity: "fs.contoso.com:443", Server: server,
			Properties: []export.Property{prop("Hostname:port", "fs.contoso.com:443"), prop("Certificate Hash", "0f5c3c2b4a3e0e63f1f2e9d9b6a1c4d3e2f1a0b9")}}
	}
	in := &validate.Input{New: newCert(), NewFile: "new.pfx", Exports: []*export.File{
		{Name: "x/ADFS01/netsh.txt", Objects: []*export.Object{nb("ADFS01")}},
		{Name: "x/ADFS01/Get-AdfsProperties.txt", Objects: []*export.Object{{Kind: export.KindAdfsProperties, Server: "ADFS01", Properties: []export.Property{prop("TlsClientPort", "49443")}}}},
		{Name: "x/WAP01/netsh.txt", Objects: []*export.Object{nb("WAP01")}},
		{Name: "x/Get-WebApplicationProxyApplication.txt", Objects: []*export.Object{{Kind: export.KindWapApplication, Identity: "ADFS"}}},
	}}
	mk := func(server, file string) validate.Finding {
		c := &validate.Change{Product: validate.ProductADFS, Server: server, Kind: export.KindNetshSslBinding, Identity: "fs.contoso.com:443",
			Property: "Certificate Hash", Old: "0f5c3c2b4a3e0e63f1f2e9d9b6a1c4d3e2f1a0b9", New: newThumb, File: file}
		return validate.Finding{ID: "adfs-ssl-binding-thumbprint", Product: validate.ProductADFS, Server: server, File: file, Change: c}
	}
	rep := &validate.Report{Findings: []validate.Finding{mk("ADFS01", "x/ADFS01/netsh.txt"), mk("WAP01", "x/WAP01/netsh.txt")}}
	p, err := PlanFromReport(in, rep, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.ADFS == nil || len(p.ADFS.NetshBindings) != 1 || strings.Join(p.ADFS.Nodes, ",") != "ADFS01" {
		t.Errorf("adfs: %+v", p.ADFS)
	}
	if p.WAP == nil || len(p.WAP.ProxySSL) != 1 || strings.Join(p.WAP.Nodes, ",") != "WAP01" {
		t.Fatalf("wap: %+v", p.WAP)
	}
	if p.WAP.ProxySSL[0].Old != oldThumb {
		t.Errorf("netsh's lower-case hash not cleaned: %q", p.WAP.ProxySSL[0].Old)
	}
}

// TestPlanFromReportUnquotable: validate leaves out the change of an object whose value cannot be
// quoted and says so in the message; generate refuses the whole run, naming file and object.
func TestPlanFromReportUnquotable(t *testing.T) {
	in := &validate.Input{New: newCert(), NewFile: "new.pfx"}
	for _, f := range []validate.Finding{
		{ID: "exchange-receive-connector-tls-name", File: "x/rc.txt", Line: 7, Object: "EX01\\Default\aFrontend EX01",
			Message: "stale (no fix line: the value of -Identity holds a control character (U+0007 at byte 12))"},
		{ID: "exchange-receive-connector-tls-name", File: "x/rc.txt", Line: 9, Object: "EX01\\Bad\nName", Message: "stale"},
	} {
		_, err := PlanFromReport(in, &validate.Report{Findings: []validate.Finding{f}}, nil)
		var ce *ChangeError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: err = %v, want a *ChangeError", f.Object, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "x/rc.txt: line ") || !strings.Contains(msg, "control character") || strings.ContainsAny(msg, "\a\n") {
			t.Errorf("message %q", msg)
		}
	}
	// A finding without a fix for another reason (none needed) is not a refusal.
	ok := validate.Finding{ID: "certificate-issuer-subject-changed", File: "new.pfx", Object: "x", Message: "notice"}
	if _, err := PlanFromReport(in, &validate.Report{Findings: []validate.Finding{ok}}, nil); err != nil {
		t.Errorf("a finding without fix: %v", err)
	}
}
