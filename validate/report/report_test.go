package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"certswap/validate"
	"certswap/validate/cert"
	"certswap/validate/export"
)

// Story values written as Windows prints them (notes/windows-dn-format.md) and as the cmdlet
// reference spells the fix lines; thumbprints are arbitrary 40-hex values.
const (
	comodo  = "CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB"
	sectigo = "CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB"
	subject = "CN=mail.contoso.com"
	oldName = "<I>" + comodo + "<S>" + subject
	newName = "<I>" + sectigo + "<S>" + subject
	tpNew   = "3C0D6A6B1E2F4A5B6C7D8E9F0A1B2C3D4E5F6071"
	tpOld   = "9F8E7D6C5B4A39281706F5E4D3C2B1A098765432"

	fixDefault = `Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'`
	fixClient  = `Set-ReceiveConnector -Identity 'EX01\Client Frontend EX01' -TlsCertificateName '<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com'`
)

func prop(name, value string, line int) export.Property {
	return export.Property{Name: name, Value: export.Value{Text: value}, Line: line}
}

func connector(name string, line int, tls string) *export.Object {
	return &export.Object{Kind: export.KindReceiveConnector, Identity: `EX01\` + name, Server: "EX01", File: "EX01/Get-ReceiveConnector.txt", Line: line,
		Properties: []export.Property{prop("Identity", `EX01\`+name, line), prop("Fqdn", "mail.contoso.com", line+1), prop("TlsCertificateName", tls, line+2),
			prop("AuthMechanism", "Tls, Integrated", line+3), prop("Server", "EX01", line+4)}}
}

// storyReport runs validate on the Exchange field story: two receive connectors on the COMODO
// string, the old certificate exported with IIS and SMTP, the Sectigo renewal not installed yet.
func storyReport(t *testing.T, tls string) *validate.Report {
	t.Helper()
	ca := &cert.Certificate{Thumbprint: "33E4E80807204C2B6182A3A14B591ACD25B5F0DB", Subject: sectigo, Issuer: "CN=USERTrust RSA Certification Authority, O=The USERTRUST Network, L=Jersey City, S=New Jersey, C=US"}
	in := &validate.Input{
		New: &cert.Certificate{Thumbprint: tpNew, Subject: subject, Issuer: sectigo,
			NotBefore: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 11, 30, 0, 0, 0, 0, time.UTC),
			DNSNames: []string{"mail.contoso.com"}, KeyAlgorithm: "RSA", KeySize: 2048, SignatureAlgorithm: "SHA256-RSA", HasPrivateKey: true},
		NewFile: "new.pfx", NewChain: []*cert.Certificate{ca}, At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Exports: []*export.File{
			{Name: "EX01/Get-ReceiveConnector.txt", Objects: []*export.Object{connector("Default Frontend EX01", 10, tls), connector("Client Frontend EX01", 40, tls)}},
			{Name: "EX01/Get-ExchangeCertificate.txt", Objects: []*export.Object{{Kind: export.KindExchangeCertificate, Identity: tpOld, Server: "EX01",
				File: "EX01/Get-ExchangeCertificate.txt", Line: 1, Properties: []export.Property{prop("Thumbprint", tpOld, 1), prop("Subject", subject, 2),
					prop("Issuer", comodo, 3), prop("Services", "IIS, SMTP", 4), prop("IsSelfSigned", "False", 5)}}}},
		},
	}
	r, err := validate.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestText(t *testing.T) {
	r := storyReport(t, oldName)
	var b bytes.Buffer
	if err := WriteText(&b, r, false); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"EX01\\Default Frontend EX01 (EX01, EX01/Get-ReceiveConnector.txt:12)\n  WARNING exchange-receive-connector-tls-name\n",
		"    fix: " + fixDefault + "\n",
		"    fix: " + fixClient + "\n",
		"    fix: Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '" + tpNew + "' -Services 'IIS, SMTP'\n",
		"  TlsCertificateName " + newName + "\n",
		"\n4 findings: 0 errors, 3 warnings, 1 notice\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("colour without being told")
	}
	// Most severe group first.
	if strings.Index(out, "WARNING") > strings.Index(out, "NOTICE") {
		t.Errorf("a notice group comes before a warning group:\n%s", out)
	}
	b.Reset()
	if err := WriteText(&b, r, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "\x1b[33mWARNING") {
		t.Error("no colour when told")
	}

	r = storyReport(t, newName)
	b.Reset()
	WriteText(&b, r, false)
	if !strings.HasSuffix(b.String(), "\n2 findings: 0 errors, 1 warning, 1 notice\n") {
		t.Errorf("after the connectors were fixed:\n%s", b.String())
	}
}

func TestTextEscapesControlCharacters(t *testing.T) {
	r := &validate.Report{Stage: validate.StageBefore, Findings: []validate.Finding{{ID: "exchange-x", Severity: validate.SeverityWarning,
		Object: "bad\x1b[2Jname", File: "f.txt", Message: "m"}}, Summary: validate.Summary{Warning: 1}}
	var b bytes.Buffer
	WriteText(&b, r, false)
	if strings.Contains(b.String(), "\x1b") || !strings.Contains(b.String(), `bad\u001b[2Jname`) {
		t.Errorf("%q", b.String())
	}
}

func TestJSON(t *testing.T) {
	r := storyReport(t, oldName)
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"fix": "`+strings.ReplaceAll(fixDefault, `\`, `\\`)+`"`) {
		t.Errorf("fix not written as is (no HTML escaping):\n%s", b.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"stage", "at", "certificate", "notes", "findings", "summary"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q", k)
		}
	}
	if doc["at"] != "2026-12-01T00:00:00Z" || doc["stage"] != "before" {
		t.Errorf("at %v stage %v", doc["at"], doc["stage"])
	}
	for _, f := range doc["findings"].([]any) {
		m := f.(map[string]any)
		for _, k := range []string{"id", "severity", "product", "server", "object", "file", "line", "message", "fix"} {
			if _, ok := m[k]; !ok {
				t.Errorf("finding %v has no %q", m["id"], k)
			}
		}
	}
	s := doc["summary"].(map[string]any)
	if s["error"] != 0.0 || s["warning"] != 3.0 || s["notice"] != 1.0 {
		t.Errorf("summary %v", s)
	}
	if c := doc["certificate"].(map[string]any); c["tlsCertificateName"] != newName || c["thumbprint"] != tpNew {
		t.Errorf("certificate %v", c)
	}
	// An empty report still has every key, lists empty rather than null.
	b.Reset()
	WriteJSON(&b, &validate.Report{Stage: validate.StageAfter})
	for _, want := range []string{`"notes": []`, `"findings": []`, `"dnsNames": []`, `"error": 0`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("empty report lacks %s:\n%s", want, b.String())
		}
	}
}

func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("../../testdata/sarif/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(SARIFSchema, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(SARIFSchema)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func TestSARIF(t *testing.T) {
	sch := sarifSchema(t)
	for _, tc := range []struct {
		name string
		r    *validate.Report
	}{
		{"story", storyReport(t, oldName)},
		{"fixed", storyReport(t, newName)},
		{"odd-files", &validate.Report{Stage: validate.StageAfter, Findings: []validate.Finding{
			{ID: "certificate-thumbprint-invalid", Severity: validate.SeverityError, File: "--old", Message: "m"},
			{ID: "exchange-receive-connector-tls-name", Severity: validate.SeverityError, File: "/abs/dir with space/rc.txt", Line: 3, Message: "m"},
			{ID: "exchange-receive-connector-tls-name", Severity: validate.SeverityError, File: `C:\exports\rc.txt`, Line: 3, Message: "m"},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSARIF(&b, tc.r); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
			var log struct {
				Runs []struct {
					Tool struct {
						Driver struct {
							Rules []struct{ ID string }
						}
					}
					Results []struct {
						RuleID    string
						RuleIndex int
						Level     string
						Locations []struct {
							PhysicalLocation struct {
								ArtifactLocation struct{ URI string }
								Region           *struct{ StartLine int }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(b.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if len(run.Tool.Driver.Rules) != len(validate.Checks()) || len(run.Results) != len(tc.r.Findings) {
				t.Fatalf("%d rules, %d results", len(run.Tool.Driver.Rules), len(run.Results))
			}
			for i, res := range run.Results {
				f := tc.r.Findings[i]
				if run.Tool.Driver.Rules[res.RuleIndex].ID != f.ID || res.RuleID != f.ID {
					t.Errorf("result %d: rule %s index %d", i, res.RuleID, res.RuleIndex)
				}
				loc := res.Locations[0].PhysicalLocation
				if f.Line > 0 && (loc.Region == nil || loc.Region.StartLine != f.Line) {
					t.Errorf("result %d: region %+v, want line %d", i, loc.Region, f.Line)
				}
				if tc.name == "story" && f.ID == "exchange-receive-connector-tls-name" && loc.ArtifactLocation.URI != "EX01/Get-ReceiveConnector.txt" {
					t.Errorf("uri %s", loc.ArtifactLocation.URI)
				}
			}
		})
	}
}

func TestFileURI(t *testing.T) {
	for in, want := range map[string]string{
		"EX01/Get-ReceiveConnector.txt": "EX01/Get-ReceiveConnector.txt",
		"exports/a b.txt":               "exports/a%20b.txt",
		"/abs/x.txt":                    "file:///abs/x.txt",
		"--old":                         "--old",
		"new.pfx":                       "new.pfx",
	} {
		if got := fileURI(in); got != want {
			t.Errorf("fileURI(%q) = %q, want %q", in, got, want)
		}
	}
}

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			ClassName string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	r := storyReport(t, oldName)
	for _, tc := range []struct {
		failOn       validate.Severity
		wantFailures int
	}{
		{validate.SeverityWarning, 3}, // two connectors and the services parity
		{validate.SeverityNotice, 4},
		{validate.SeverityError, 0},
		{validate.SeverityNone, 0},
	} {
		var b bytes.Buffer
		if err := WriteJUnit(&b, r, tc.failOn); err != nil {
			t.Fatal(err)
		}
		var doc junitDoc
		if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("JUnit does not parse: %v\n%s", err, b.String())
		}
		if doc.Failures != tc.wantFailures {
			t.Errorf("fail-on %s: %d failures, want %d", tc.failOn, doc.Failures, tc.wantFailures)
		}
		cases, byName := 0, map[string]string{}
		for _, s := range doc.Suites {
			for _, c := range s.Cases {
				cases++
				if c.Failure != nil {
					byName[c.ClassName+" "+c.Name] = c.Failure.Text
				}
			}
		}
		// One case per check without findings, one per object for checks with findings:
		// every check once, plus one for the second connector.
		if cases != len(validate.Checks())+1 || doc.Tests != cases {
			t.Errorf("%d cases (tests=%d), want %d", cases, doc.Tests, len(validate.Checks())+1)
		}
		if tc.failOn == validate.SeverityWarning {
			txt := byName[`exchange-receive-connector-tls-name EX01\Default Frontend EX01`]
			if !strings.Contains(txt, "fix: "+fixDefault) {
				t.Errorf("failure text %q", txt)
			}
		}
	}
	// After stage: the private-key check does not run there and is skipped.
	r.Stage = validate.StageAfter
	var b bytes.Buffer
	WriteJUnit(&b, r, validate.SeverityError)
	var doc junitDoc
	xml.Unmarshal(b.Bytes(), &doc)
	found := false
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.ClassName == "certificate-private-key-missing" && c.Skipped != nil {
				found = true
			}
		}
	}
	if !found {
		t.Error("a check not run in the stage is not skipped")
	}
}

func TestWriteChecks(t *testing.T) {
	var b bytes.Buffer
	if err := WriteChecks(&b, validate.Checks(), true); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Checks []map[string]any `json:"checks"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Checks) != len(validate.Checks()) {
		t.Fatalf("%d checks", len(doc.Checks))
	}
	for _, c := range doc.Checks {
		for _, k := range []string{"id", "product", "severity", "summary", "citation"} {
			if _, ok := c[k]; !ok {
				t.Errorf("%v: no %q", c["id"], k)
			}
		}
		sev := c["severity"].(map[string]any)
		if _, ok := sev["before"]; !ok {
			t.Errorf("%v: no severity.before", c["id"])
		}
	}
	if doc.Checks[0]["id"] != validate.Checks()[0].ID {
		t.Error("not in table order")
	}
	b.Reset()
	if err := WriteChecks(&b, validate.Checks(), false); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "ID ") || len(lines) != len(validate.Checks())+1 {
		t.Errorf("text table:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "certificate-private-key-missing") || !strings.Contains(b.String(), "notice   none") {
		t.Errorf("text table:\n%s", b.String())
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, &validate.Report{}, "html"); err == nil || !strings.Contains(err.Error(), `"html"`) {
		t.Errorf("err = %v", err)
	}
	for _, f := range Formats {
		if err := Write(&bytes.Buffer{}, storyReport(t, oldName), f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// The schema test can fail: a log with an invalid level and a line 0 region is refused.
func TestSARIFSchemaRejects(t *testing.T) {
	sch := sarifSchema(t)
	bad := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"certswap"}},"results":[{"ruleId":"x","level":"fatal","message":{"text":"m"},
	"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"},"region":{"startLine":0}}}]}]}]}`
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err == nil {
		t.Error("schema accepted an invalid log")
	}
}

func jsonschemaUnmarshal(b []byte) (any, error) { return jsonschema.UnmarshalJSON(bytes.NewReader(b)) }
