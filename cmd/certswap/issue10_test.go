package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"
)

// Issue 10 end to end: services parity, POP/IMAP certificate names and Edge subscriptions, on the
// files of testdata/issue10 (written as Format-List, Export-Clixml and the Get-ExchangeCertificate
// table view write them, in collect's folder layout; see its README). Expected values come from
// outside certswap: thumbprints from testdata/certs/expected.txt (openssl), fix lines as Microsoft's
// cmdlet reference writes them (Enable-ExchangeCertificate -Services takes one flags-enum literal,
// 'IIS, SMTP'; Set-PopSettings -Server S -X509CertificateName FQDN; New-EdgeSubscription -FileName),
// line numbers by reading the fixture files here, and runbook syntax from ps-parse.

const issue10Password = "Contoso-Test-1!" // testdata/certs/README.md

// issue10Thumb returns openssl's thumbprint of a testdata/certs certificate by its name in
// expected.txt.
func issue10Thumb(t *testing.T, name string) string {
	t.Helper()
	for tp, r := range readExpected(t) {
		if r.name == name {
			return tp
		}
	}
	t.Fatalf("expected.txt has no certificate %q", name)
	return ""
}

// fixtureLine returns the 1-based line of the nth (1-based) line of a UTF-16 LE fixture that
// contains substr; it reads the file itself, not through certswap.
func fixtureLine(t *testing.T, path, substr string, nth int) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0xFF || b[1] != 0xFE || len(b)%2 != 0 {
		t.Fatalf("%s: not UTF-16 LE with a BOM", path)
	}
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	seen := 0
	for i, l := range strings.Split(string(utf16.Decode(u)), "\r\n") {
		if strings.Contains(l, substr) {
			seen++
			if seen == nth {
				return i + 1
			}
		}
	}
	t.Fatalf("%s: no line %d holding %q", path, nth, substr)
	return 0
}

type issue10Finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Server   string `json:"server"`
	Object   string `json:"object"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
	Fix      string `json:"fix"`
}

// issue10Want is one expected Exchange finding; file is relative to the scenario folder, and the
// line is found in it by lineHas (the nth line holding that text).
type issue10Want struct {
	id, server, object, fix string
	file, lineHas           string
	nth                     int
	msgHas                  []string
}

// issue10Checks are issue 10's checks with their severity before and after the change: the parity
// and POP/IMAP name checks are warnings before and errors after, the Edge subscription a warning,
// the CNG key an error (issue 10); the wildcard note is a notice.
var issue10Checks = map[string][2]string{
	"exchange-services-parity":           {"warning", "error"},
	"exchange-pop-imap-certificate-name": {"warning", "error"},
	"exchange-edge-subscription":         {"warning", "warning"},
	"exchange-edge-cng-key":              {"error", "error"},
	"exchange-wildcard-pop-imap":         {"notice", "notice"},
}

// issue10Validate runs validate --format json and returns the findings of issue 10's checks.
func issue10Validate(t *testing.T, newPFX, stage, dir string) []issue10Finding {
	t.Helper()
	root := repoRoot(t)
	code, stdout, stderr := runCLI(t, map[string]string{"PW": issue10Password}, "validate", "--format", "json",
		"--password-env", "PW", "--cert", filepath.Join(root, "testdata", "certs", newPFX),
		"--old", filepath.Join(root, "testdata", "certs", "old-mail.cer"),
		"--stage", stage, "--at", "2026-12-01", "--fail-on", "never", dir)
	if code != 0 {
		t.Fatalf("validate exit %d: %s", code, stderr)
	}
	var rep struct {
		Findings []issue10Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("validate --format json: %v", err)
	}
	var out []issue10Finding
	for _, f := range rep.Findings {
		if _, ok := issue10Checks[f.ID]; ok {
			out = append(out, f)
		}
	}
	return out
}

func TestIssue10Validate(t *testing.T) {
	root := repoRoot(t)
	newTP := issue10Thumb(t, "new-mail")
	oldTP := issue10Thumb(t, "old-mail")
	wildTP := issue10Thumb(t, "wildcard")
	enable := func(server, tp, services string) string {
		return "Enable-ExchangeCertificate -Server '" + server + "' -Thumbprint '" + tp + "' -Services '" + services + "'"
	}
	parity := func(server, tp, services, file, lineHas string, nth int, msg ...string) issue10Want {
		return issue10Want{id: "exchange-services-parity", server: server, object: oldTP, fix: enable(server, tp, services),
			file: file, lineHas: lineHas, nth: nth, msgHas: append([]string{server}, msg...)}
	}
	rsaTP := issue10Thumb(t, "tls-rsa")
	// A subscribed Edge whose certificates were not exported: the fix is the export command in
	// collect's form (DESIGN.md, Collect).
	edgeUnknown := func(file, lineHas string) issue10Want {
		return issue10Want{id: "exchange-edge-subscription", server: "EDGE01", object: "EDGE01",
			fix:  "Get-ExchangeCertificate | Select-Object -Property 'Thumbprint', 'Services', 'Status', 'HasPrivateKey', 'IsSelfSigned', 'Subject', 'Issuer', 'NotBefore', 'NotAfter', 'CertificateDomains', 'RawData' | Export-Clixml -Path 'Get-ExchangeCertificate.xml'",
			file: file, lineHas: lineHas, nth: 1, msgHas: []string{"unknown:", "EDGE01"}}
	}
	// The old certificate is the first object of each Get-ExchangeCertificate export; its Services
	// line is where the finding points.
	const listSvc, xmlSvc = "Services           : ", `<Obj N="Services"`
	cases := []struct {
		scenario, form, pfx string
		want                []issue10Want
	}{
		// a. SAN renewal: the new certificate is installed with no services.
		{"a-san-missing", "list", "new-mail.pfx", []issue10Want{
			parity("EX01", newTP, "IMAP, POP, IIS, SMTP", "EX01/Get-ExchangeCertificate.txt", listSvc, 1, "IMAP", "POP", "IIS", "SMTP"),
			parity("EX02", newTP, "IIS, SMTP", "EX02/Get-ExchangeCertificate.txt", listSvc, 1, "IIS", "SMTP"),
		}},
		{"a-san-missing", "clixml", "new-mail.pfx", []issue10Want{
			parity("EX01", newTP, "IMAP, POP, IIS, SMTP", "EX01/Get-ExchangeCertificate.xml", xmlSvc, 1, "IMAP", "POP", "IIS", "SMTP"),
			parity("EX02", newTP, "IIS, SMTP", "EX02/Get-ExchangeCertificate.xml", xmlSvc, 1, "IIS", "SMTP"),
		}},
		{"a-san-quiet", "list", "new-mail.pfx", nil},
		{"a-san-quiet", "clixml", "new-mail.pfx", nil},
		// b. Wildcard renewal: IMAP/POP stay out of the fix; the POP/IMAP names are covered.
		{"b-wildcard", "list", "wildcard.pfx", []issue10Want{
			parity("EX01", wildTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.txt", listSvc, 1),
			{id: "exchange-wildcard-pop-imap", server: "EX01", object: oldTP, file: "EX01/Get-ExchangeCertificate.txt", lineHas: listSvc, nth: 1, msgHas: []string{"X509CertificateName"}},
		}},
		{"b-wildcard", "clixml", "wildcard.pfx", []issue10Want{
			parity("EX01", wildTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.xml", xmlSvc, 1),
			{id: "exchange-wildcard-pop-imap", server: "EX01", object: oldTP, file: "EX01/Get-ExchangeCertificate.xml", lineHas: xmlSvc, nth: 1, msgHas: []string{"X509CertificateName"}},
		}},
		// c. POP3's name is not on the new certificate, its external FQDN is; IMAP4's name is covered.
		{"c-pop-name", "list", "new-mail.pfx", []issue10Want{
			{id: "exchange-pop-imap-certificate-name", server: "EX01", object: "POP3 settings",
				fix:  "Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com'",
				file: "EX01/Get-PopSettings.txt", lineHas: "X509CertificateName", nth: 1, msgHas: []string{"POP3", "EX01", "pop.fabrikam.com"}},
		}},
		{"c-pop-name", "clixml", "new-mail.pfx", []issue10Want{
			{id: "exchange-pop-imap-certificate-name", server: "EX01", object: "POP3 settings",
				fix:  "Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com'",
				file: "EX01/Get-PopSettings.xml", lineHas: `N="X509CertificateName"`, nth: 1, msgHas: []string{"POP3", "EX01", "pop.fabrikam.com"}},
		}},
		// d. A subscribed Edge whose CA-issued SMTP certificate is replaced.
		{"d-edge", "list", "new-mail.pfx", []issue10Want{
			parity("EDGE01", newTP, "SMTP", "EDGE01/Get-ExchangeCertificate.txt", listSvc, 1),
			{id: "exchange-edge-subscription", server: "EDGE01", object: "EDGE01", fix: `New-EdgeSubscription -FileName 'C:\EdgeSubscriptionInfo.xml'`,
				file: "Get-EdgeSubscription.txt", lineHas: "Name        : EDGE01", nth: 1, msgHas: []string{"24 hours", "same Active Directory site", "Start-EdgeSynchronization"}},
		}},
		{"d-edge", "clixml", "new-mail.pfx", []issue10Want{
			parity("EDGE01", newTP, "SMTP", "EDGE01/Get-ExchangeCertificate.xml", xmlSvc, 1),
			{id: "exchange-edge-subscription", server: "EDGE01", object: "EDGE01", fix: `New-EdgeSubscription -FileName 'C:\EdgeSubscriptionInfo.xml'`,
				file: "Get-EdgeSubscription.xml", lineHas: `<S N="Name">EDGE01</S>`, nth: 1, msgHas: []string{"24 hours", "same Active Directory site", "Start-EdgeSynchronization"}},
		}},
		// The same without the Get-EdgeSubscription export: no Edge finding.
		{"d-edge-nosub", "list", "new-mail.pfx", []issue10Want{
			parity("EDGE01", newTP, "SMTP", "EDGE01/Get-ExchangeCertificate.txt", listSvc, 1),
		}},
		{"d-edge-nosub", "clixml", "new-mail.pfx", []issue10Want{
			parity("EDGE01", newTP, "SMTP", "EDGE01/Get-ExchangeCertificate.xml", xmlSvc, 1),
		}},
		// f. A CNG (KSP) key would become EX01's internal transport certificate while EDGE01 is
		// subscribed: EdgeSync supports only CAPI keys (event 1035). EDGE01's own certificates were
		// not exported, which the Edge check says (unknown) with the export command as its fix.
		{"f-edge-key", "list", "tls-rsa-lmk.pfx", []issue10Want{
			parity("EX01", rsaTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.txt", listSvc, 1),
			{id: "exchange-edge-cng-key", server: "EX01", object: "EX01", file: "EX01/Get-TransportService.txt",
				lineHas: "InternalTransportCertificateThumbprint : " + oldTP, nth: 1, msgHas: []string{"Microsoft Software Key Storage Provider", "CAPI", "1035"}},
			edgeUnknown("Get-EdgeSubscription.txt", "Name        : EDGE01"),
		}},
		{"f-edge-key", "clixml", "tls-rsa-lmk.pfx", []issue10Want{
			parity("EX01", rsaTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.xml", xmlSvc, 1),
			{id: "exchange-edge-cng-key", server: "EX01", object: "EX01", file: "EX01/Get-TransportService.xml",
				lineHas: `<S N="InternalTransportCertificateThumbprint">` + oldTP, nth: 1, msgHas: []string{"Microsoft Software Key Storage Provider", "CAPI", "1035"}},
			edgeUnknown("Get-EdgeSubscription.xml", `<S N="Name">EDGE01</S>`),
		}},
		// The same exports with the key in a CAPI provider: no CNG finding.
		{"f-edge-key", "list", "tls-rsa-csp.pfx", []issue10Want{
			parity("EX01", rsaTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.txt", listSvc, 1),
			edgeUnknown("Get-EdgeSubscription.txt", "Name        : EDGE01"),
		}},
		{"f-edge-key", "clixml", "tls-rsa-csp.pfx", []issue10Want{
			parity("EX01", rsaTP, "IIS, SMTP", "EX01/Get-ExchangeCertificate.xml", xmlSvc, 1),
			edgeUnknown("Get-EdgeSubscription.xml", `<S N="Name">EDGE01</S>`),
		}},
		// e. The table view's letter code, read by position (IP.WS.. = IMAP, POP, IIS, SMTP).
		{"e-table", "table", "new-mail.pfx", []issue10Want{
			parity("EX01", newTP, "IMAP, POP, IIS, SMTP", "EX01/Get-ExchangeCertificate.txt", "IP.WS..", 1, "IMAP", "POP", "IIS", "SMTP"),
		}},
	}
	for _, tc := range cases {
		for si, stage := range []string{"before", "after"} {
			t.Run(tc.scenario+"/"+tc.form+"/"+strings.TrimSuffix(tc.pfx, ".pfx")+"/"+stage, func(t *testing.T) {
				dir := filepath.Join(root, "testdata", "issue10", tc.scenario, tc.form)
				got := issue10Validate(t, tc.pfx, stage, dir)
				key := func(id, server, object string) string { return id + " " + server + " " + object }
				var gotKeys, wantKeys []string
				for _, f := range got {
					gotKeys = append(gotKeys, key(f.ID, f.Server, f.Object))
				}
				for _, w := range tc.want {
					wantKeys = append(wantKeys, key(w.id, w.server, w.object))
				}
				sort.Strings(gotKeys)
				sort.Strings(wantKeys)
				if strings.Join(gotKeys, "\n") != strings.Join(wantKeys, "\n") {
					t.Fatalf("exchange findings:\n%s\nwant:\n%s", strings.Join(gotKeys, "\n"), strings.Join(wantKeys, "\n"))
				}
				for _, w := range tc.want {
					var f issue10Finding
					for _, g := range got {
						if key(g.ID, g.Server, g.Object) == key(w.id, w.server, w.object) {
							f = g
						}
					}
					if sev := issue10Checks[w.id][si]; f.Severity != sev {
						t.Errorf("%s on %s: severity %s, want %s", w.id, w.server, f.Severity, sev)
					}
					if f.Fix != w.fix {
						t.Errorf("%s on %s: fix\n %s\nwant\n %s", w.id, w.server, f.Fix, w.fix)
					}
					wantFile := filepath.Join(dir, filepath.FromSlash(w.file))
					if f.File != wantFile {
						t.Errorf("%s on %s: file %s, want %s", w.id, w.server, f.File, wantFile)
					}
					if line := fixtureLine(t, wantFile, w.lineHas, w.nth); f.Line != line {
						t.Errorf("%s on %s: line %d, want %d", w.id, w.server, f.Line, line)
					}
					for _, s := range w.msgHas {
						if !strings.Contains(f.Message, s) {
							t.Errorf("%s on %s: message does not name %q: %s", w.id, w.server, s, f.Message)
						}
					}
				}
			})
		}
	}
}

// issue10Generate runs generate on a scenario and returns the output folder.
func issue10Generate(t *testing.T, base, scenario, form, pfx string) string {
	t.Helper()
	root := repoRoot(t)
	out := filepath.Join(base, scenario+"-"+form)
	code, _, stderr := runCLI(t, map[string]string{"PW": issue10Password}, "generate",
		"--password-env", "PW", "--cert", filepath.Join(root, "testdata", "certs", pfx),
		"--old", filepath.Join(root, "testdata", "certs", "old-mail.cer"),
		"--out", out, filepath.Join(root, "testdata", "issue10", scenario, form))
	if code != 0 {
		t.Fatalf("generate %s/%s exit %d: %s", scenario, form, code, stderr)
	}
	return out
}

func readText(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// psLines returns the lines of a runbook that call a command (comments and strings that merely
// mention it do not count: the line must start with the command, after indentation, or with "& ").
func psCalls(script, command string) []string {
	var out []string
	for _, l := range strings.Split(script, "\n") {
		s := strings.TrimSpace(l)
		if strings.HasPrefix(s, command+" ") || strings.HasPrefix(s, "& "+command+" ") {
			out = append(out, s)
		}
	}
	return out
}

func TestIssue10Generate(t *testing.T) {
	root := repoRoot(t)
	golden := filepath.Join(root, "testdata", "issue10", "golden")
	newTP := issue10Thumb(t, "new-mail")
	wildTP := issue10Thumb(t, "wildcard")
	oldTP := issue10Thumb(t, "old-mail")
	cases := []struct {
		scenario, form, pfx string
		runbooks            []string // the runbooks generate must write (rollbacks beside them)
		check               func(t *testing.T, dir string)
	}{
		{"a-san-missing", "list", "new-mail.pfx", []string{"exchange-EX01.ps1", "exchange-EX02.ps1"}, func(t *testing.T, dir string) {
			ex01 := readText(t, filepath.Join(dir, "exchange-EX01.ps1"))
			issue10Exchange(t, ex01, "EX01", newTP, "IMAP, POP, IIS, SMTP", true, true, true)
			ex02 := readText(t, filepath.Join(dir, "exchange-EX02.ps1"))
			issue10Exchange(t, ex02, "EX02", newTP, "IIS, SMTP", false, false, true)
		}},
		{"a-san-quiet", "list", "new-mail.pfx", nil, nil},
		{"b-wildcard", "list", "wildcard.pfx", []string{"exchange-EX01.ps1"}, func(t *testing.T, dir string) {
			// Exchange refuses a wildcard for POP/IMAP: the runbook enables IIS and SMTP only, and
			// restarts POP3 and IMAP4, which find the new certificate by X509CertificateName.
			ex01 := readText(t, filepath.Join(dir, "exchange-EX01.ps1"))
			issue10Exchange(t, ex01, "EX01", wildTP, "IIS, SMTP", true, true, true)
		}},
		{"c-pop-name", "list", "new-mail.pfx", []string{"exchange-EX01.ps1"}, func(t *testing.T, dir string) {
			ex01 := readText(t, filepath.Join(dir, "exchange-EX01.ps1"))
			issue10Exchange(t, ex01, "EX01", newTP, "", true, false, false)
			if got := psCalls(ex01, "Set-PopSettings"); len(got) != 1 || got[0] != "Set-PopSettings -Server $Server -X509CertificateName 'mail.contoso.com' -ErrorAction Stop" {
				t.Errorf("Set-PopSettings calls: %q", got)
			}
			if got := psCalls(ex01, "Set-ImapSettings"); len(got) != 0 {
				t.Errorf("IMAP4's name is covered, yet: %q", got)
			}
			// X509CertificateName is read back afterwards.
			if !strings.Contains(ex01, "(Get-PopSettings -Server $Server -ErrorAction Stop).X509CertificateName -Expected 'mail.contoso.com'") {
				t.Error("the runbook does not read POP3's X509CertificateName back")
			}
		}},
		{"d-edge", "list", "new-mail.pfx", []string{"edge-EDGE01.ps1"}, func(t *testing.T, dir string) {
			edge := readText(t, filepath.Join(dir, "edge-EDGE01.ps1"))
			if !strings.Contains(edge, "$Server = 'EDGE01'\n") || !strings.Contains(edge, "$OldThumbprint = '"+oldTP+"'\n") {
				t.Error("edge runbook does not name EDGE01 and the old certificate")
			}
			if got := psCalls(edge, "Enable-ExchangeCertificate"); len(got) != 1 || !strings.Contains(got[0], "-Services 'SMTP'") {
				t.Errorf("Enable-ExchangeCertificate calls: %q", got)
			}
			// Microsoft's order: remove the old certificate, then re-create the subscription, both
			// only behind -RemoveOldCertificate.
			gate := strings.Index(edge, "if (-not $RemoveOldCertificate) {")
			remove := strings.Index(edge, "Remove-ExchangeCertificate -Thumbprint $OldThumbprint")
			sub := strings.Index(edge, "New-EdgeSubscription -FileName")
			if gate < 0 || remove < 0 || sub < 0 || !(gate < remove && remove < sub) {
				t.Fatalf("edge runbook order: gate %d, Remove-ExchangeCertificate %d, New-EdgeSubscription %d", gate, remove, sub)
			}
			if n := strings.Count(edge, "New-EdgeSubscription -FileName"); n != 1 {
				t.Errorf("New-EdgeSubscription runs %d times", n)
			}
			branch := edge[gate:remove]
			if !strings.Contains(branch, "Write-Warning") || !strings.Contains(branch, "} else {") {
				t.Errorf("without -RemoveOldCertificate the runbook must stop with a warning before removing: %s", branch)
			}
			change := readText(t, filepath.Join(dir, "CHANGE.md"))
			for _, s := range []string{"24 hours", "Start-EdgeSynchronization", "same Active Directory site",
				"restores every old value: `edge-EDGE01-rollback.ps1`."} {
				if !strings.Contains(change, s) {
					t.Errorf("CHANGE.md does not say %q", s)
				}
			}
		}},
		{"d-edge-nosub", "list", "new-mail.pfx", []string{"exchange-EDGE01.ps1"}, func(t *testing.T, dir string) {
			if _, err := os.Stat(filepath.Join(dir, "edge-EDGE01.ps1")); err == nil {
				t.Error("no subscription was exported, yet an edge runbook was written")
			}
			for _, f := range []string{"exchange-EDGE01.ps1", "CHANGE.md"} {
				if strings.Contains(readText(t, filepath.Join(dir, f)), "New-EdgeSubscription -FileName") {
					t.Errorf("%s re-creates a subscription nobody exported", f)
				}
			}
		}},
		{"e-table", "table", "new-mail.pfx", []string{"exchange-EX01.ps1"}, func(t *testing.T, dir string) {
			ex01 := readText(t, filepath.Join(dir, "exchange-EX01.ps1"))
			issue10Exchange(t, ex01, "EX01", newTP, "IMAP, POP, IIS, SMTP", true, true, true)
		}},
	}
	var all []string
	base := t.TempDir() // kept until ps-parse below has read every runbook
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			dir := issue10Generate(t, base, tc.scenario, tc.form, tc.pfx)
			var want []string
			for _, r := range tc.runbooks {
				want = append(want, r, strings.TrimSuffix(r, ".ps1")+"-rollback.ps1")
			}
			got, _ := filepath.Glob(filepath.Join(dir, "*.ps1"))
			for i := range got {
				got[i] = filepath.Base(got[i])
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("runbooks %q, want %q", got, want)
			}
			if tc.check != nil {
				tc.check(t, dir)
			}
			// The Export-Clixml twin describes the same configuration: the same runbooks, byte for byte.
			if tc.form == "list" {
				twin := issue10Generate(t, base, tc.scenario, "clixml", tc.pfx)
				for _, f := range got {
					a, _ := os.ReadFile(filepath.Join(dir, f))
					b, err := os.ReadFile(filepath.Join(twin, f))
					if err != nil || !bytes.Equal(a, b) {
						t.Errorf("%s differs between the Format-List and the Export-Clixml exports (%v)", f, err)
					}
				}
			}
			for _, f := range got {
				all = append(all, filepath.Join(dir, f))
				b, _ := os.ReadFile(filepath.Join(dir, f))
				gp := filepath.Join(golden, tc.scenario, f)
				if *updateREADME {
					if err := os.MkdirAll(filepath.Dir(gp), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(gp, b, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				g, err := os.ReadFile(gp)
				if err != nil {
					t.Errorf("%v (run go test ./cmd/certswap -run TestIssue10Generate -update)", err)
				} else if !bytes.Equal(b, g) {
					t.Errorf("%s differs from %s (layout changed? check, then refresh with -update)", f, gp)
				}
			}
		})
	}
	t.Run("ps-parse", func(t *testing.T) {
		if len(all) == 0 {
			t.Fatal("no runbook was written")
		}
		psParse(t, all...)
	})
}

var (
	enableRE = regexp.MustCompile(`^Enable-ExchangeCertificate -Server \$Server -Thumbprint \$NewThumbprint -Services '([^']*)' -ErrorAction Stop$`)
)

// issue10Exchange checks an Exchange runbook: the server and certificate it names, the one
// Enable-ExchangeCertificate call with exactly the parity services (none when services is ""),
// the POP3/IMAP4 restarts (MSExchangePOP3 + MSExchangePOP3BE, MSExchangeIMAP4 + MSExchangeIMAP4BE,
// configure-pop3/configure-imap4) and iisreset /noforce when IIS moves.
func issue10Exchange(t *testing.T, script, server, thumb, services string, pop, imap, iis bool) {
	t.Helper()
	if !strings.Contains(script, "$Server = '"+server+"'\n") || !strings.Contains(script, "$NewThumbprint = '"+thumb+"'\n") {
		t.Errorf("runbook does not name %s and %s", server, thumb)
	}
	calls := psCalls(script, "Enable-ExchangeCertificate")
	if services == "" {
		if len(calls) != 0 {
			t.Errorf("nothing to enable, yet: %q", calls)
		}
	} else if len(calls) != 1 {
		t.Errorf("Enable-ExchangeCertificate calls: %q", calls)
	} else if m := enableRE.FindStringSubmatch(calls[0]); m == nil || m[1] != services {
		t.Errorf("Enable-ExchangeCertificate call %q, want -Services '%s'", calls[0], services)
	}
	// Services are read back after the change.
	if services != "" {
		list := "'" + strings.ReplaceAll(services, ", ", "', '") + "'"
		if !strings.Contains(script, "foreach ($svc in @("+list+")) {") {
			t.Errorf("the runbook does not read back the services %s", list)
		}
	}
	restarts := strings.Join(psCalls(script, "Restart-Service"), "\n")
	if got := strings.Contains(restarts, "Restart-Service -Name 'MSExchangePOP3', 'MSExchangePOP3BE' -ErrorAction Stop"); got != pop {
		t.Errorf("restarts POP3 = %v, want %v:\n%s", got, pop, restarts)
	}
	if got := strings.Contains(restarts, "Restart-Service -Name 'MSExchangeIMAP4', 'MSExchangeIMAP4BE' -ErrorAction Stop"); got != imap {
		t.Errorf("restarts IMAP4 = %v, want %v:\n%s", got, imap, restarts)
	}
	reset := psCalls(script, "iisreset.exe")
	if got := len(reset) == 1 && reset[0] == "& iisreset.exe '/noforce'"; got != iis {
		t.Errorf("iisreset /noforce = %v, want %v: %q", got, iis, reset)
	}
}

func TestIssue10Collect(t *testing.T) {
	code, script, stderr := runCLI(t, nil, "collect", "--target", "exchange")
	if code != 0 {
		t.Fatalf("collect exit %d: %s", code, stderr)
	}
	text := strings.ReplaceAll(script, "\r\n", "\n")
	// Per server, into OutputPath\<SERVER> ($dir): the certificates with their services, the POP3
	// and IMAP4 settings and the transport service.
	for _, s := range []string{
		"Save-Export $dir 'Get-ExchangeCertificate' { Get-ExchangeCertificate -Server $name -ErrorAction Stop | Select-Object -Property 'Thumbprint', 'Services'",
		"Save-Export $dir 'Get-PopSettings' { Get-PopSettings -Server $name -ErrorAction Stop }",
		"Save-Export $dir 'Get-ImapSettings' { Get-ImapSettings -Server $name -ErrorAction Stop }",
		"Save-Export $dir 'Get-TransportService' { Get-TransportService -Identity $name -ErrorAction Stop }",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("collect.ps1 does not gather per server: %s", s)
		}
	}
	// Get-EdgeSubscription once, organisation-wide, into OutputPath.
	if n := len(regexp.MustCompile(`Get-EdgeSubscription -`).FindAllString(text, -1)); n != 1 {
		t.Errorf("collect.ps1 runs Get-EdgeSubscription %d times, want once", n)
	}
	if !strings.Contains(text, "Save-Export $OutputPath 'Get-EdgeSubscription' { Get-EdgeSubscription -ErrorAction Stop }") {
		t.Error("collect.ps1 does not write Get-EdgeSubscription into OutputPath")
	}
	// Edge servers are not domain-joined: the help says to run it locally there and copy the folder.
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "run the script locally on each Edge server too, and copy its output folder") {
		t.Error("collect.ps1's help does not say to run it locally on Edge servers")
	}
	f := filepath.Join(t.TempDir(), "collect.ps1")
	if err := os.WriteFile(f, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	psParse(t, f)
}
