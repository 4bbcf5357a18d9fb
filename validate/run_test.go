package validate

import (
	"strings"
	"testing"
	"time"

	"certswap/validate/export"
)

func TestRunPanickingCheck(t *testing.T) {
	boom := &Check{ID: "certificate-boom", Product: ProductCertificate, Summary: "s", Citation: "c", Before: SeverityError,
		Run: func(*Input) []Finding { panic("a bug in a check") }}
	_, err := runChecks(base(), []*Check{boom})
	if err == nil || !strings.Contains(err.Error(), "certificate-boom") {
		t.Fatalf("err = %v, want one naming the check", err)
	}
}

func TestRunInputErrors(t *testing.T) {
	if _, err := Run(&Input{}); err == nil {
		t.Error("no error without a new certificate")
	}
	in := base()
	in.Stage = "during"
	if _, err := Run(in); err == nil {
		t.Error("no error for an unknown stage")
	}
}

func TestRunSortsAndCounts(t *testing.T) {
	in := base()
	in.Old = oldCert()
	in.At = time.Date(2026, 12, 1, 10, 30, 15, 999, time.FixedZone("CET", 3600))
	in.Exports = files(
		receiveConnector("EX02", "B", 50, oldName, "mail.contoso.com"),
		receiveConnector("EX01", "A", 10, oldName, "mail.contoso.com"),
	)
	r, err := Run(in)
	if err != nil {
		t.Fatal(err)
	}
	if r.At != time.Date(2026, 12, 1, 9, 30, 15, 0, time.UTC) {
		t.Errorf("At = %v, want UTC whole seconds", r.At)
	}
	for i := 1; i < len(r.Findings); i++ {
		a, b := r.Findings[i-1], r.Findings[i]
		if a.File > b.File || a.File == b.File && a.Line > b.Line {
			t.Errorf("findings out of order: %s:%d before %s:%d", a.File, a.Line, b.File, b.Line)
		}
	}
	n := r.Summary.Error + r.Summary.Warning + r.Summary.Notice
	if n != len(r.Findings) {
		t.Errorf("summary %+v for %d findings", r.Summary, len(r.Findings))
	}
	for _, f := range r.Findings {
		if f.File == "" {
			t.Errorf("finding without a file: %+v", f)
		}
	}
	if r.Old.Source == "" || len(r.Old.Thumbprints) != 1 || r.Old.Thumbprints[0] != tpOld {
		t.Errorf("old summary %+v", r.Old)
	}
}

// A value holding a control character gets no fix line, and the message says why (DESIGN.md); the
// finding still carries its Change, so that generate sees the object and refuses the run instead of
// writing a runbook that leaves it out.
func TestRunControlCharacterValue(t *testing.T) {
	in := base()
	in.Old = oldCert()
	in.Exports = files(receiveConnector("EX01", "Bad\nName", 10, oldName, "mail.contoso.com"))
	r, err := runChecks(in, []*Check{exchangeReceiveConnectorTLSName})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].Fix != "" || !strings.Contains(r.Findings[0].Message, "control character") || r.Findings[0].Change == nil {
		t.Errorf("%+v", r.Findings)
	}
}

// Single quotes of every kind PowerShell knows are doubled as the same character in fix lines.
func TestFixQuoting(t *testing.T) {
	in := base()
	in.Old = oldCert()
	in.Exports = files(receiveConnector("EX01", "O’Brien's $relay `x\"", 10, oldName, "mail.contoso.com"))
	r, err := runChecks(in, []*Check{exchangeReceiveConnectorTLSName})
	if err != nil {
		t.Fatal(err)
	}
	want := `Set-ReceiveConnector -Identity 'EX01\O’’Brien''s $relay ` + "`" + `x"' -TlsCertificateName '` + newName + `'`
	if len(r.Findings) != 1 || r.Findings[0].Fix != want {
		t.Errorf("got %+v\nwant fix %s", r.Findings, want)
	}
}

func TestInferOldNotes(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   func() *Input
		want string
	}{
		{"from-file", func() *Input { in := base(); in.Old, in.OldFile = oldCert(), "old.cer"; return in }, "old certificate from old.cer: thumbprint " + tpOld},
		{"from-thumbprint", func() *Input {
			in := base()
			in.OldThumbprint = "\u200e" + strings.ToLower(tpOld)
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IIS, SMTP", "False", 1))
			return in
		}, "old certificate from the --old thumbprint " + tpOld + " (issuer and subject from EX01/Get-ExchangeCertificate.txt)"},
		{"thumbprint-and-connectors", func() *Input {
			in := base()
			in.OldThumbprint = tpOld
			in.Exports = files(receiveConnector("EX01", "A", 10, oldName, "mail.contoso.com"))
			return in
		}, "old certificate from the --old thumbprint " + tpOld + "; TlsCertificateName inferred from values with the new subject and another issuer (EX01/Get-ReceiveConnector.txt)"},
		{"bad-thumbprint", func() *Input { in := base(); in.OldThumbprint = "xyz"; return in }, `old certificate unknown: the --old thumbprint is not usable: contains "x"`},
		{"from-connectors", func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "A", 10, oldName, "mail.contoso.com"))
			return in
		}, "old certificate inferred from TlsCertificateName values with the new subject and another issuer (EX01/Get-ReceiveConnector.txt)"},
		{"unknown", base, "old certificate unknown: no --old"},
		{"unrelated-connector", func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "A", 10, "<I>CN=Other CA<S>CN=relay.contoso.com", "relay.contoso.com"),
				obj(export.KindWapApplication, "", "apps.txt", 1, "Name", "x", "ExternalCertificateThumbprint", tpOther))
			return in
		}, "old certificate unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(tc.in())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(r.Notes[0].Message, tc.want) {
				t.Errorf("note %q\nwant prefix %q", r.Notes[0].Message, tc.want)
			}
		})
	}
}
