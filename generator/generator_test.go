package generator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"certswap/validate/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func render(t testing.TB, in Input) (*Plan, []OutputFile) {
	t.Helper()
	p, err := BuildPlan(in)
	if err != nil {
		t.Fatalf("BuildPlan: %v", err)
	}
	files, err := Render(p)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return p, files
}

func fileMap(files []OutputFile) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Data
	}
	return m
}

func names(files []OutputFile) []string {
	var n []string
	for _, f := range files {
		n = append(n, f.Name)
	}
	sort.Strings(n)
	return n
}

// TestOutputNames: the file names DESIGN.md fixes, per story.
func TestOutputNames(t *testing.T) {
	want := map[string]string{
		"exchange": ".gitattributes CHANGE.md exchange-EX01-rollback.ps1 exchange-EX01.ps1 exchange-EX02-rollback.ps1 exchange-EX02.ps1 plan.json",
		"adfs-wap": ".gitattributes CHANGE.md adfs-rollback.ps1 adfs.ps1 plan.json wap-rollback.ps1 wap.ps1",
		"edge":     ".gitattributes CHANGE.md edge-EDGE01-rollback.ps1 edge-EDGE01.ps1 exchange-EX01-rollback.ps1 exchange-EX01.ps1 plan.json",
	}
	for story, w := range want {
		_, files := render(t, stories[story]())
		if got := strings.Join(names(files), " "); got != w {
			t.Errorf("%s: files\n got %s\nwant %s", story, got, w)
		}
	}
}

// TestGolden compares every rendered file with testdata/golden/<story>/; -update rewrites them.
// The golden files pin layout and prose; the values that matter are asserted independently by
// the other tests.
func TestGolden(t *testing.T) {
	for story, mk := range stories {
		_, files := render(t, mk())
		dir := filepath.Join("testdata", "golden", story)
		if *update {
			os.RemoveAll(dir)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range files {
			p := filepath.Join(dir, f.Name)
			if *update {
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(p)
			if err != nil {
				t.Errorf("%s: %v (run go test -update)", p, err)
				continue
			}
			if !bytes.Equal(want, f.Data) {
				t.Errorf("%s differs from the golden file (run go test ./generator -run TestGolden -update and review the diff)", p)
			}
		}
	}
}

// repoRoot is the folder holding go.mod.
func repoRoot(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller failed")
	}
	return filepath.Dir(filepath.Dir(file))
}

// psParse returns the path of ../shared/tools/ps-parse/ps-parse, or skips the test loudly (fails
// when CERTSWAP_REQUIRE_PSPARSE=1) when it or node is missing.
func psParse(t testing.TB) string {
	t.Helper()
	p := filepath.Join(repoRoot(t), "..", "shared", "tools", "ps-parse", "ps-parse")
	_, statErr := os.Stat(p)
	_, nodeErr := exec.LookPath("node")
	if statErr != nil || nodeErr != nil {
		msg := "!!! ps-parse cannot run (" + p + " or node missing): generated PowerShell NOT syntax-checked !!!"
		if os.Getenv("CERTSWAP_REQUIRE_PSPARSE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// writeTemp writes the files into a new temporary folder and returns the paths of the *.ps1 ones.
func writeTemp(t testing.TB, files []OutputFile) (string, []string) {
	dir := t.TempDir()
	var ps []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name, ".ps1") {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	return dir, ps
}

// TestPSParse: every generated script, collect.ps1 included, parses (independent grammar).
func TestPSParse(t *testing.T) {
	tool := psParse(t)
	var all []OutputFile
	for story, mk := range stories {
		_, files := render(t, mk())
		for _, f := range files {
			all = append(all, OutputFile{Name: story + "-" + f.Name, Data: f.Data})
		}
	}
	for _, targets := range [][]string{nil, {"exchange"}, {"adfs"}, {"wap"}} {
		c, err := Collect(targets)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, OutputFile{Name: "collect-" + strings.Join(targets, "") + ".ps1", Data: c})
	}
	_, ps := writeTemp(t, all)
	out, err := exec.Command(tool, ps...).CombinedOutput()
	if err != nil {
		t.Fatalf("ps-parse: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), ": ok"); n != len(ps) {
		t.Fatalf("ps-parse checked %d of %d files:\n%s", n, len(ps), out)
	}
}

// literal is one line of ps-parse --strings.
type literal struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Type string `json:"type"`
	Text string `json:"text"`
}

func psStrings(t testing.TB, tool string, files ...string) []literal {
	t.Helper()
	out, err := exec.Command(tool, append([]string{"--strings"}, files...)...).Output()
	if err != nil {
		t.Fatalf("ps-parse --strings: %v\n%s", err, out)
	}
	var lits []literal
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l literal
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("ps-parse --strings line %q: %v", sc.Text(), err)
		}
		lits = append(lits, l)
	}
	return lits
}

// isPSQuote: the five characters PowerShell treats as single quotes (about_Quoting_Rules).
func isPSQuote(r rune) bool {
	return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201A' || r == '\u201B'
}

// unquote is the reference reader of a PowerShell single-quoted literal, written from
// PowerShell's rule (a quote character followed by another one stands for the second, a lone one
// ends the string), independent of validate/psquote. ok is false when the text is not exactly one
// literal.
func unquote(s string) (string, bool) {
	r := []rune(s)
	if len(r) < 2 || !isPSQuote(r[0]) {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(r); i++ {
		if isPSQuote(r[i]) {
			if i+1 < len(r) && isPSQuote(r[i+1]) {
				b.WriteRune(r[i+1])
				i++
				continue
			}
			return b.String(), i == len(r)-1
		}
		b.WriteRune(r[i])
	}
	return "", false
}

func TestUnquoteReference(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{`'a'`, "a", true},
		{`'O''Brien'`, "O'Brien", true},
		{"'O\u2019\u2019Neil'", "O\u2019Neil", true},
		{`'a'b'`, "", false},
		{`'$(x) "y" ` + "`z'", `$(x) "y" ` + "`z", true},
		{`'unterminated`, "", false},
	} {
		got, ok := unquote(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("unquote(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// valuesOf lists every value of the plan that came from a certificate or an export.
func valuesOf(p *Plan) []string {
	v := []string{p.Certificate.Thumbprint, p.Certificate.Subject, p.Certificate.Issuer, p.Certificate.TLSCertificateName}
	if p.Old != nil {
		v = append(v, p.Old.Thumbprint)
	}
	add := func(os []ObjectChange) {
		for _, o := range os {
			v = append(v, o.Identity, o.ID, o.Old, o.New)
		}
	}
	for _, s := range append(append([]*ExchangeServer{}, p.Exchange...), p.Edge...) {
		add(s.Objects())
	}
	if f := p.ADFS; f != nil {
		add(f.SSLBindings)
		add(f.NetshBindings)
		add(f.ManualBindings)
	}
	if f := p.WAP; f != nil {
		add(f.ProxySSL)
		add(f.Applications)
	}
	var out []string
	for _, s := range v {
		if len(s) > 3 {
			out = append(out, s)
		}
	}
	return out
}

// TestHostileValues (issue 5): the hostile connector name and the issuer with "Let's Encrypt" each
// come out as exactly one string literal whose text, read back by the reference unquoter, is the
// original value; no value appears in a comment; the subexpression never appears outside a literal.
func TestHostileValues(t *testing.T) {
	tool := psParse(t)
	p, files := render(t, hostileStory())
	_, ps := writeTemp(t, files)
	lits := psStrings(t, tool, ps...)
	for _, want := range []string{hostileName, newTLS, oldTLS} {
		n := 0
		for _, l := range lits {
			if l.Type != "string_literal" {
				continue
			}
			if got, ok := unquote(l.Text); ok && got == want {
				n++
			}
		}
		if n == 0 {
			t.Errorf("no single literal holds %q", want)
		}
	}
	// Every literal that holds part of the hostile name holds all of it.
	for _, l := range lits {
		if strings.Contains(l.Text, "Remove-Item C:") {
			got, ok := unquote(l.Text)
			if !ok || got != hostileName {
				t.Errorf("%s:%d: a literal holds part of the hostile name: %s", l.File, l.Line, l.Text)
			}
		}
	}
	// Count: every occurrence of the subexpression in the files is inside such a literal.
	inLits := 0
	for _, l := range lits {
		inLits += strings.Count(l.Text, "$(Remove-Item")
	}
	inFiles := 0
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".ps1") {
			inFiles += strings.Count(string(f.Data), "$(Remove-Item")
		}
	}
	if inLits != inFiles || inFiles == 0 {
		t.Errorf("$(Remove-Item occurs %d times in the scripts, %d times inside literals", inFiles, inLits)
	}
	for _, l := range lits {
		if l.Type != "comment" {
			continue
		}
		for _, v := range valuesOf(p) {
			if strings.Contains(l.Text, v) {
				t.Errorf("%s:%d: a comment holds the value %q", l.File, l.Line, v)
			}
		}
	}
	// The U+2019 etc. in the name are doubled as the same character (the grammar does not know
	// them as quotes, so assert it on the bytes).
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".ps1") && strings.Contains(string(f.Data), "Remove-Item C:") {
			if !strings.Contains(string(f.Data), "O\u2019\u2019Neil \u2018\u2018x\u201A\u201A\u201B\u201B") {
				t.Errorf("%s: U+2018/2019/201A/201B not doubled as the same character", f.Name)
			}
			if !bytes.HasPrefix(f.Data, []byte{0xEF, 0xBB, 0xBF}) {
				t.Errorf("%s: holds non-ASCII text but has no UTF-8 BOM", f.Name)
			}
		}
	}
}

// TestNoValueInComments: in every story, no comment of any script holds a value from a
// certificate or an export (a "#>" in one would end the help block).
func TestNoValueInComments(t *testing.T) {
	tool := psParse(t)
	var all []OutputFile
	var values []string
	for story, mk := range stories {
		p, files := render(t, mk())
		values = append(values, valuesOf(p)...)
		for _, f := range files {
			all = append(all, OutputFile{Name: story + "-" + f.Name, Data: f.Data})
		}
	}
	_, ps := writeTemp(t, all)
	for _, l := range psStrings(t, tool, ps...) {
		if l.Type != "comment" {
			continue
		}
		for _, v := range values {
			if strings.Contains(l.Text, v) {
				t.Errorf("%s:%d: comment holds %q", filepath.Base(l.File), l.Line, v)
			}
		}
	}
}

// TestControlCharacterRefused: a newline in any value refuses the run with an error naming the
// export file, its line and the object, and Render writes nothing.
func TestControlCharacterRefused(t *testing.T) {
	in := exchangeStory()
	in.Changes[3].Identity = "Outbound\nRemove-Item C:\\"
	_, err := BuildPlan(in)
	var ce *ChangeError
	if !errors.As(err, &ce) {
		t.Fatalf("BuildPlan: err = %v, want a *ChangeError", err)
	}
	msg := err.Error()
	for _, want := range []string{"exports/Get-SendConnector.txt: line 14: ", `SendConnector "Outbound\u000aRemove-Item C:\\"`, "control character"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error is not one line: %q", msg)
	}
	// A plan changed after BuildPlan is checked again by Render.
	p, _ := render(t, exchangeStory())
	p.Certificate.Subject = "CN=x\u0085y"
	if files, err := Render(p); err == nil || files != nil {
		t.Fatalf("Render with a control character: files=%d err=%v", len(files), err)
	}
	// And nothing reaches the disk: generate = Render then Write, so a refused Render writes nothing.
	dir := filepath.Join(t.TempDir(), "out")
	if files, err := Render(p); err == nil {
		_ = Write(dir, files, false, nil)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("%s exists after a refused run", dir)
	}
}

var changeCmd = regexp.MustCompile(`^\s*(& \S+|Set-\w+|Enable-\w+|Remove-\w+|Restart-Service|Import-\w+|New-EdgeSubscription|Set-Acl)\b`)

// TestRunbookRules checks the structure DESIGN.md requires of every runbook: header, help, strict
// mode, transcript, every change inside ShouldProcess with -ErrorAction Stop, exit codes of
// external programs checked, CRLF, encoding.
func TestRunbookRules(t *testing.T) {
	for story, mk := range stories {
		_, files := render(t, mk())
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".ps1") {
				continue
			}
			where := story + "/" + f.Name
			data := f.Data
			if bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(data, []byte("\r\n"), nil), []byte("\r")) {
				t.Errorf("%s: a line end is not CRLF", where)
			}
			ascii := true
			for _, c := range data {
				if c >= 0x80 {
					ascii = false
				}
			}
			if !ascii && !bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
				t.Errorf("%s: non-ASCII without a UTF-8 BOM", where)
			}
			if !utf8.Valid(data) {
				t.Errorf("%s: not UTF-8", where)
			}
			text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\uFEFF"), "\r\n", "\n")
			if !strings.HasPrefix(text, "#Requires -RunAsAdministrator\n<#\n") {
				t.Errorf("%s: does not start with #Requires and the help block", where)
			}
			for _, want := range []string{".SYNOPSIS", ".DESCRIPTION", ".PARAMETER", ".EXAMPLE",
				"[CmdletBinding(SupportsShouldProcess)]\nparam(", "Set-StrictMode -Version Latest\n", "$ErrorActionPreference = 'Stop'\n",
				"Start-Transcript -Path $logFile -WhatIf:$false", "} finally {\n    if ($transcript) { Stop-Transcript | Out-Null }\n}\nexit $exitCode\n"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: lacks %q", where, want)
				}
			}
			lines := strings.Split(text, "\n")
			for i, line := range lines {
				if !changeCmd.MatchString(line) || strings.Contains(line, "netsh.exe http show") || strings.Contains(line, "Set-StrictMode") {
					continue
				}
				cmd := strings.TrimSpace(line)
				if strings.HasPrefix(cmd, "& ") {
					if i+1 >= len(lines) || !strings.Contains(lines[i+1], "if ($LASTEXITCODE -ne 0) { throw") {
						t.Errorf("%s:%d: %q is not followed by a $LASTEXITCODE check", where, i+1, cmd)
					}
				} else if !strings.Contains(line, "-ErrorAction Stop") {
					t.Errorf("%s:%d: %q lacks -ErrorAction Stop", where, i+1, cmd)
				}
				// The nearest enclosing block must be a ShouldProcess guard.
				indent := len(line) - len(strings.TrimLeft(line, " "))
				guarded := false
				for j := i - 1; j >= 0; j-- {
					l := lines[j]
					if strings.TrimSpace(l) == "" {
						continue
					}
					if in := len(l) - len(strings.TrimLeft(l, " ")); in < indent {
						guarded = strings.Contains(l, "$PSCmdlet.ShouldProcess(")
						break
					}
				}
				if !guarded {
					t.Errorf("%s:%d: %q is not directly inside an if ($PSCmdlet.ShouldProcess(...))", where, i+1, cmd)
				}
			}
		}
	}
}

// TestExchangeSteps: field story 1 produces exactly the documented actions and nothing else.
func TestExchangeSteps(t *testing.T) {
	p, files := render(t, exchangeStory())
	m := fileMap(files)
	ex1 := string(m["exchange-EX01.ps1"])
	ex2 := string(m["exchange-EX02.ps1"])
	for _, want := range []string{
		"Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=R11, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com' -ErrorAction Stop",
		"Enable-ExchangeCertificate -Server $Server -Thumbprint $NewThumbprint -Services 'IIS, SMTP' -ErrorAction Stop",
		"Restart-Service -Name 'MSExchangeFrontEndTransport', 'MSExchangeTransport' -ErrorAction Stop",
		"& iisreset.exe '/noforce'",
		"$NewThumbprint = '" + newThumb + "'",
		"$OldThumbprint = '" + oldThumb + "'",
		"$ExpectedTlsName = '<I>CN=R11, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'",
		"$onServer = \"<I>$($cert.Issuer)<S>$($cert.Subject)\"",
		"Remove-ExchangeCertificate -Server $Server -Thumbprint $OldThumbprint -Confirm:$false -ErrorAction Stop",
		"precautionary",
	} {
		if !strings.Contains(ex1, want) {
			t.Errorf("exchange-EX01.ps1 lacks %q", want)
		}
	}
	// The organisation-wide changes run once, on the last server, after checking the others.
	for _, want := range []string{
		"Set-SendConnector -Identity 'Outbound to Office 365 - 6b0e3f6e-9c1a-4b43-9a7e-2d8f0c1e5a77' -TlsCertificateName '<I>CN=R11, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com' -ErrorAction Stop",
		"Set-HybridConfiguration -TlsCertificateName '<I>CN=R11, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com' -ErrorAction Stop",
		"foreach ($other in @('EX01'))",
		"Enable-ExchangeCertificate -Server $Server -Thumbprint $NewThumbprint -Services 'IIS, SMTP' -ErrorAction Stop",
	} {
		if !strings.Contains(ex2, want) {
			t.Errorf("exchange-EX02.ps1 lacks %q", want)
		}
	}
	for name, s := range map[string]string{"EX01": ex1, "EX02": ex2} {
		for _, never := range []string{"-Force -ErrorAction", "MSExchangePOP3", "MSExchangeIMAP4", "Set-PopSettings", "New-EdgeSubscription"} {
			if strings.Contains(s, never) {
				t.Errorf("%s runbook holds %q, which the story does not need", name, never)
			}
		}
	}
	if strings.Contains(ex1, "Set-SendConnector") || strings.Contains(ex1, "Set-HybridConfiguration") {
		t.Error("EX01 also changes the organisation-wide objects")
	}
	// Order: import before services, services before connectors, connectors before restarts,
	// restarts before post-checks, removal last.
	order := []string{"Import-ExchangeCertificate", "Enable-ExchangeCertificate -Server", "Set-ReceiveConnector", "Restart-Service -Name 'MSExchangeFrontEndTransport'", "iisreset.exe", "Write-Step 'Post-check", "Remove-ExchangeCertificate -Server"}
	last := -1
	for _, o := range order {
		i := strings.Index(ex1, o)
		if i < last {
			t.Errorf("%q comes before the step it must follow", o)
		}
		last = i
	}
	rb := string(m["exchange-EX01-rollback.ps1"])
	for _, want := range []string{
		"Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsCertificateName '<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com' -ErrorAction Stop",
		"Enable-ExchangeCertificate -Server $Server -Thumbprint $OldThumbprint -Services 'IIS, SMTP' -ErrorAction Stop",
		"it was removed (-RemoveOldCertificate)",
	} {
		if !strings.Contains(rb, want) {
			t.Errorf("exchange-EX01-rollback.ps1 lacks %q", want)
		}
	}
	if p.Exchange[1].Services != "IIS, SMTP" {
		t.Errorf("EX02 services %q, want flags order %q", p.Exchange[1].Services, "IIS, SMTP")
	}
}

// TestEdgeAndPOPIMAP: issue 10's runbook items.
func TestEdgeAndPOPIMAP(t *testing.T) {
	_, files := render(t, edgeStory())
	m := fileMap(files)
	ex := string(m["exchange-EX01.ps1"])
	for _, want := range []string{
		// A wildcard is never enabled for POP/IMAP; the plan moves the internal transport certificate: -Force.
		"Enable-ExchangeCertificate -Server $Server -Thumbprint $NewThumbprint -Services 'IIS, SMTP' -Force -ErrorAction Stop",
		"Set-PopSettings -Server $Server -X509CertificateName 'mail.contoso.com' -ErrorAction Stop",
		"Set-ImapSettings -Server $Server -X509CertificateName 'mail.contoso.com' -ErrorAction Stop",
		"Restart-Service -Name 'MSExchangePOP3', 'MSExchangePOP3BE' -ErrorAction Stop",
		"Restart-Service -Name 'MSExchangeIMAP4', 'MSExchangeIMAP4BE' -ErrorAction Stop",
		"& iisreset.exe '/noforce'",
		"(Get-PopSettings -Server $Server -ErrorAction Stop).X509CertificateName",
	} {
		if !strings.Contains(ex, want) {
			t.Errorf("exchange-EX01.ps1 lacks %q", want)
		}
	}
	edge := string(m["edge-EDGE01.ps1"])
	for _, want := range []string{
		"Enable-ExchangeCertificate -Thumbprint $NewThumbprint -Services 'SMTP' -ErrorAction Stop",
		"Restart-Service -Name 'MSExchangeTransport' -ErrorAction Stop",
		"New-EdgeSubscription -FileName $SubscriptionPath -ErrorAction Stop",
		"Stopped before re-creating the Edge Subscription",
	} {
		if !strings.Contains(edge, want) {
			t.Errorf("edge-EDGE01.ps1 lacks %q", want)
		}
	}
	// Microsoft's order: remove the old certificate, then re-subscribe.
	if r, n := strings.Index(edge, "Remove-ExchangeCertificate -Thumbprint"), strings.Index(edge, "New-EdgeSubscription -FileName"); r < 0 || n < 0 || r > n {
		t.Errorf("edge runbook: removal at %d, New-EdgeSubscription at %d: removal must come first", r, n)
	}
	if strings.Contains(edge, "MSExchangeFrontEndTransport") || strings.Contains(edge, "-Server $Server -Thumbprint") {
		t.Error("edge runbook uses Mailbox-only services or -Server")
	}
	// Each runbook checks the server's role before it changes anything: a Mailbox runbook run on
	// an Edge Transport server (or the reverse) stops at the pre-check.
	for name, want := range map[string]string{
		"exchange-EX01.ps1":          "if ($isEdge) { throw",
		"exchange-EX01-rollback.ps1": "if ($isEdge) { throw",
		"edge-EDGE01.ps1":            "if (-not $isEdge) { throw",
		"edge-EDGE01-rollback.ps1":   "if (-not $isEdge) { throw",
	} {
		s := string(m[name])
		role := strings.Index(s, "$isEdge = [bool](Get-ExchangeServer -Identity $Server -ErrorAction Stop).IsEdgeServer")
		guard := strings.Index(s, want)
		first := strings.Index(s, "Enable-ExchangeCertificate")
		if role < 0 || guard < role || first >= 0 && guard > first {
			t.Errorf("%s: role check at %d, guard %q at %d, first change at %d", name, role, want, guard, first)
		}
	}
	ticket := string(m["CHANGE.md"])
	for _, want := range []string{"24 hours", "Start-EdgeSynchronization", "same Active Directory site"} {
		if !strings.Contains(ticket, want) {
			t.Errorf("CHANGE.md lacks %q", want)
		}
	}
	if !strings.Contains(string(m["exchange-EX01-rollback.ps1"]), "-Services 'IIS, SMTP' -Force -ErrorAction Stop") {
		t.Error("rollback does not restore the internal transport certificate with -Force")
	}
}

// TestADFSWAPSteps: field story 2.
func TestADFSWAPSteps(t *testing.T) {
	_, files := render(t, adfsWAPStory())
	m := fileMap(files)
	adfs := string(m["adfs.ps1"])
	for _, want := range []string{
		"Set-AdfsCertificate -CertificateType 'Service-Communications' -Thumbprint $NewThumbprint -ErrorAction Stop",
		"Set-AdfsSslCertificate -Thumbprint $NewThumbprint -ErrorAction Stop",
		"Restart-Service -Name 'adfssrv' -ErrorAction Stop",
		"'NT SERVICE\\adfssrv'",
		"[System.Security.Cryptography.RSACng]",
		"Microsoft\\Crypto\\RSA\\MachineKeys\\",
		"Microsoft\\Crypto\\Keys\\",
		"Get-SslCertHash -Binding 'fs.contoso.com:49443'",
		"$ExpectedTlsClientPort = 49443",
		"Read-Host -Prompt 'Password of the PFX file' -AsSecureString",
		"The HTTP.sys binding ' + '0.0.0.0:443' + ' is not changed by the AD FS cmdlets",
	} {
		if !strings.Contains(adfs, want) {
			t.Errorf("adfs.ps1 lacks %q", want)
		}
	}
	if strings.Contains(adfs, "Set-AdfsAlternateTlsClientBinding -Thumbprint $") {
		t.Error("default binding mode uses Set-AdfsAlternateTlsClientBinding")
	}
	in := adfsWAPStory()
	in.ADFSTLSClientPort = 443
	_, alt := render(t, in)
	if a := string(fileMap(alt)["adfs.ps1"]); !strings.Contains(a, "Set-AdfsAlternateTlsClientBinding -Thumbprint $NewThumbprint -ErrorAction Stop") || strings.Contains(a, "Set-AdfsSslCertificate -Thumbprint") {
		t.Error("alternate binding mode does not use Set-AdfsAlternateTlsClientBinding alone")
	}
	wap := string(m["wap.ps1"])
	for _, want := range []string{
		"Set-WebApplicationProxySslCertificate -Thumbprint $NewThumbprint -ErrorAction Stop",
		"Set-WebApplicationProxyApplication -ID '" + fedRuleID + "' -ExternalCertificateThumbprint $NewThumbprint -ErrorAction Stop",
		"Set-WebApplicationProxyApplication -ID '" + owaID + "' -ExternalCertificateThumbprint $NewThumbprint -ErrorAction Stop",
		"Restart-Service -Name 'appproxysvc' -ErrorAction Stop",
	} {
		if !strings.Contains(wap, want) {
			t.Errorf("wap.ps1 lacks %q", want)
		}
	}
	wrb := string(m["wap-rollback.ps1"])
	if !strings.Contains(wrb, "Set-WebApplicationProxyApplication -ID '"+fedRuleID+"' -ExternalCertificateThumbprint '"+fsOld+"' -ErrorAction Stop") {
		t.Error("wap-rollback.ps1 does not restore the federation rule's old thumbprint")
	}
	if !strings.Contains(string(m["adfs-rollback.ps1"]), "Set-AdfsSslCertificate -Thumbprint $OldThumbprint -ErrorAction Stop") {
		t.Error("adfs-rollback.ps1 does not rebind the old certificate")
	}
}

// TestPlanJSON: plan.json has the stable keys and the values of the story.
func TestPlanJSON(t *testing.T) {
	_, files := render(t, exchangeStory())
	var v map[string]any
	if err := json.Unmarshal(fileMap(files)["plan.json"], &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"stage", "at", "certificate", "old", "exchange", "edge", "adfs", "wap", "findings"} {
		if _, ok := v[k]; !ok {
			t.Errorf("plan.json lacks key %q", k)
		}
	}
	ex := v["exchange"].([]any)[0].(map[string]any)
	for _, k := range []string{"server", "file", "rollbackFile", "services", "receiveConnectors", "actions", "rollbackActions", "restartTransport", "resetIis"} {
		if _, ok := ex[k]; !ok {
			t.Errorf("plan.json exchange[0] lacks key %q", k)
		}
	}
	if ex["file"] != "exchange-EX01.ps1" || v["certificate"].(map[string]any)["tlsCertificateName"] != newTLS {
		t.Errorf("plan.json values: file %v tls %v", ex["file"], v["certificate"].(map[string]any)["tlsCertificateName"])
	}
	acts := ex["actions"].([]any)
	lastKind := acts[len(acts)-1].(map[string]any)["kind"]
	if lastKind != ActionRemoveOld {
		t.Errorf("last action %v, want %s", lastKind, ActionRemoveOld)
	}
}

// TestTicketEscapes: values in CHANGE.md tables cannot break a row or the Markdown.
func TestTicketEscapes(t *testing.T) {
	_, files := render(t, hostileStory())
	ticket := string(fileMap(files)["CHANGE.md"])
	for _, line := range strings.Split(ticket, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "|---") {
			continue
		}
		// Count the unescaped cell separators outside code spans: every row of a table has the
		// same number.
		cells := splitRow(line)
		if strings.Contains(line, "Runbook") || strings.Contains(line, ".ps1` |") || strings.HasPrefix(line, "| by hand") {
			if len(cells) != 6 {
				t.Errorf("row has %d cells, want 6: %s", len(cells), line)
			}
		}
	}
	if !strings.Contains(ticket, "issuer R3") || !strings.Contains(ticket, `names the old certificate \| issuer R3`) {
		t.Error("a finding's pipe is not escaped")
	}
}

// splitRow splits a GFM table row at unescaped pipes.
func splitRow(line string) []string {
	var cells []string
	var cur strings.Builder
	esc := false
	for _, r := range strings.Trim(line, " ") {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\':
			cur.WriteRune(r)
			esc = true
		case r == '|':
			cells = append(cells, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if len(cells) > 1 {
		cells = cells[1:] // before the first pipe
	}
	return cells
}

func TestMarkdown(t *testing.T) {
	for _, c := range []struct{ in, esc, code string }{
		{"a|b", `a\|b`, "`a\\|b`"},
		{"x`y", "x\\`y", "``x`y``"},
		{"`x`", "\\`x\\`", "`` `x` ``"},
		{"*_#", `\*\_#`, "`*_#`"},
		{"[a](b) <c> ~d~ &amp;", `\[a\](b) \<c\> \~d\~ \&amp;`, "`[a](b) <c> ~d~ &amp;`"},
		{"a\nb", `a\\u000ab`, "`a\\u000ab`"},
		{"", "", "(empty)"},
	} {
		if got := MarkdownEscape(c.in); got != c.esc {
			t.Errorf("MarkdownEscape(%q) = %q, want %q", c.in, got, c.esc)
		}
		if got := MarkdownCode(c.in); got != c.code {
			t.Errorf("MarkdownCode(%q) = %q, want %q", c.in, got, c.code)
		}
	}
}

// TestFuncMap: the unsafe and non-repeatable sprig functions are gone, psq is there.
func TestFuncMap(t *testing.T) {
	m := FuncMap()
	for _, k := range removedFuncs {
		if _, ok := m[k]; ok {
			t.Errorf("FuncMap keeps %q", k)
		}
	}
	for _, k := range []string{"now", "env", "expandenv", "randAlphaNum", "uuidv4", "getHostByName", "date"} {
		if _, ok := m[k]; ok {
			t.Errorf("FuncMap keeps non-hermetic %q", k)
		}
	}
	for _, k := range []string{"psq", "psqList", "md", "mdCode", "dict", "join"} {
		if _, ok := m[k]; !ok {
			t.Errorf("FuncMap lacks %q", k)
		}
	}
}

// TestCollect: the collection script reads and never changes, and writes the layout validate reads.
func TestCollect(t *testing.T) {
	c, err := Collect(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(c), "\r\n", "\n")
	for _, want := range []string{
		"$FormatEnumerationLimit = -1",
		"Get-ExchangeCertificate -Server $name -ErrorAction Stop | Select-Object -Property 'Thumbprint', 'Services', 'Status', 'HasPrivateKey', 'IsSelfSigned', 'Subject', 'Issuer', 'NotBefore', 'NotAfter', 'CertificateDomains', 'RawData'",
		"Get-ReceiveConnector -Server $name", "Get-SendConnector", "Get-HybridConfiguration", "Get-TransportService -Identity $name",
		"Get-PopSettings -Server $name", "Get-ImapSettings -Server $name", "Get-EdgeSubscription", "Get-AuthConfig",
		"Get-AdfsSslCertificate", "Get-AdfsCertificate", "Get-AdfsProperties",
		"Get-WebApplicationProxySslCertificate", "Get-WebApplicationProxyApplication", "Get-WebApplicationProxyConfiguration",
		"& netsh.exe http show sslcert > $file", "'netsh-http-sslcert.txt'", "'certswap-collect.json'",
		"Export-Clixml -LiteralPath $file", "run this script locally on it and copy its folder",
		"[Parameter(Mandatory = $true)]\n    [string]$OutputPath",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("collect.ps1 lacks %q", want)
		}
	}
	for _, never := range regexp.MustCompile(`\b(Set|Enable|Remove|Import|New-Edge|Restart|Start-Edge)-\w*`).FindAllString(s, -1) {
		if never != "Set-StrictMode" {
			t.Errorf("collect.ps1 holds the changing command %q", never)
		}
	}
	ex, _ := Collect([]string{"exchange"})
	if strings.Contains(string(ex), "Get-AdfsProperties") || !strings.Contains(string(ex), "Get-ExchangeCertificate") {
		t.Error("collect --target exchange holds AD FS or lacks Exchange")
	}
	if _, err := Collect([]string{"sharepoint"}); err == nil {
		t.Error("an unknown target is accepted")
	}
}

// TestPlanRefusals: changes the plan cannot carry out exactly are refused with the file named.
func TestPlanRefusals(t *testing.T) {
	for name, mod := range map[string]func(*Input){
		"tls name not the new certificate's": func(in *Input) { in.Changes[0].New = oldTLS },
		"unknown service":                    func(in *Input) { in.Changes[1].New = "IIS, FTP" },
		"receive connector without server":   func(in *Input) { in.Changes[0].Server = "" },
		"server name that cannot name a file": func(in *Input) {
			in.Changes[0].Server = "EX01/../x"
		},
		"unknown kind": func(in *Input) { in.Changes[0].Kind = export.KindUnknown },
	} {
		in := exchangeStory()
		mod(&in)
		if _, err := BuildPlan(in); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "exports/") {
			t.Errorf("%s: error %q does not name the export", name, err)
		}
	}
	in := adfsWAPStory()
	in.Changes[6].ID = "not-a-guid"
	if _, err := BuildPlan(in); err == nil || !strings.Contains(err.Error(), "GUID") {
		t.Errorf("WAP application without a GUID: %v", err)
	}
	in = adfsWAPStory()
	in.Changes[0].New = fsOld
	if _, err := BuildPlan(in); err == nil {
		t.Error("a thumbprint change to another certificate is accepted")
	}
	if _, err := BuildPlan(Input{New: newCert(), Targets: []string{"exchnage"}}); err == nil {
		t.Error("an unknown target is accepted")
	}
}

// TestTargets: --target limits the products.
func TestTargets(t *testing.T) {
	in := adfsWAPStory()
	in.Targets = []string{"wap"}
	p, err := BuildPlan(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ADFS != nil || p.WAP == nil {
		t.Errorf("targets wap: ADFS %v WAP %v", p.ADFS != nil, p.WAP != nil)
	}
}

// TestOldUnknown: without the old certificate there is no removal, and the rollbacks say why.
func TestOldUnknown(t *testing.T) {
	in := exchangeStory()
	in.Old = nil
	_, files := render(t, in)
	m := fileMap(files)
	if strings.Contains(string(m["exchange-EX01.ps1"]), "Remove-ExchangeCertificate") {
		t.Error("removal without a known old certificate")
	}
	if !strings.Contains(string(m["exchange-EX01-rollback.ps1"]), "generate with --old") {
		t.Error("rollback does not say the old certificate is unknown")
	}
	in2 := adfsWAPStory()
	in2.Old = nil
	_, files = render(t, in2)
	if !strings.Contains(string(fileMap(files)["adfs-rollback.ps1"]), "throw 'certswap was not given the old certificate") {
		t.Error("adfs rollback without old certificate does not stop")
	}
}

func BenchmarkRender(b *testing.B) {
	p, err := BuildPlan(exchangeStory())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Render(p); err != nil { // parse the templates outside the loop
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Render(p); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzRenderValue: any connector identity either refuses the run (a control character, invalid
// UTF-8) or appears in the runbook only as literals the reference unquoter reads back exactly.
func FuzzRenderValue(f *testing.F) {
	for _, s := range []string{hostileName, "plain", "a'b", "\u2019\u2019", "'", "x\ny", "#> Remove-Item", "$(a)", "\xff"} {
		f.Add(s)
	}
	lit := regexp.MustCompile(`-Identity ('(?:[^'\x{2018}\x{2019}\x{201A}\x{201B}]|['\x{2018}\x{2019}\x{201A}\x{201B}]{2})*') -TlsCertificateName`)
	f.Fuzz(func(t *testing.T, id string) {
		in := exchangeStory()
		in.Changes[0].Identity = id
		p, err := BuildPlan(in)
		if err != nil {
			return
		}
		files, err := Render(p)
		if err != nil {
			t.Fatalf("Render after BuildPlan succeeded: %v", err)
		}
		s := string(fileMap(files)["exchange-EX01.ps1"])
		m := lit.FindStringSubmatch(s)
		if m == nil {
			t.Fatalf("Set-ReceiveConnector line not found for %q", id)
		}
		got, ok := unquote(m[1])
		if !ok || got != id {
			t.Fatalf("literal %s reads back as %q (ok %v), want %q", m[1], got, ok, id)
		}
	})
}

// TestForceSMTPOldUnknown: moving the internal transport certificate without knowing the old
// certificate renders, and the rollback says how to restore the previous internal certificate.
func TestForceSMTPOldUnknown(t *testing.T) {
	in := edgeStory()
	in.OldThumbprint = ""
	_, files := render(t, in)
	rb := string(fileMap(files)["exchange-EX01-rollback.ps1"])
	if !strings.Contains(rb, "The one before it had thumbprint "+oldThumb) {
		t.Error("rollback does not name the previous internal transport certificate")
	}
}

// TestRenderVariants renders every story with the old certificate known, known by thumbprint only
// and unknown, each product alone, and the alternate AD FS binding mode; every script parses.
func TestRenderVariants(t *testing.T) {
	var all []OutputFile
	n := 0
	seen := map[string]bool{} // parse each distinct script once
	for story, mk := range stories {
		for _, old := range []string{"full", "thumbprint", "none"} {
			for _, targets := range [][]string{nil, {"exchange"}, {"adfs"}, {"wap"}} {
				for _, port := range []int{0, 443} {
					in := mk()
					in.Targets = targets
					in.ADFSTLSClientPort = port
					switch old {
					case "thumbprint":
						in.Old, in.OldThumbprint = nil, oldThumb
					case "none":
						in.Old, in.OldThumbprint = nil, ""
					}
					p, err := BuildPlan(in)
					if err != nil {
						t.Fatalf("%s/%s/%v/%d: %v", story, old, targets, port, err)
					}
					files, err := Render(p)
					if err != nil {
						t.Fatalf("%s/%s/%v/%d: %v", story, old, targets, port, err)
					}
					n++
					for _, f := range files {
						if strings.HasSuffix(f.Name, ".ps1") && !seen[string(f.Data)] {
							seen[string(f.Data)] = true
							all = append(all, OutputFile{Name: strings.Join([]string{story, old, strings.Join(targets, ""), string(rune('0' + port%10)), f.Name}, "-"), Data: f.Data})
						}
					}
				}
			}
		}
	}
	tool := psParse(t)
	_, ps := writeTemp(t, all)
	if out, err := exec.Command(tool, ps...).CombinedOutput(); err != nil {
		t.Fatalf("ps-parse: %v\n%s", err, out)
	}
	t.Logf("%d plans, %d distinct scripts parse", n, len(ps))
}

// TestFederationManual: Federation is never enabled with Enable-ExchangeCertificate; the runbook
// and the ticket say to use Set-FederationTrust.
func TestFederationManual(t *testing.T) {
	in := exchangeStory()
	in.Changes[1].New = "IIS, SMTP, Federation"
	_, files := render(t, in)
	m := fileMap(files)
	ex := string(m["exchange-EX01.ps1"])
	if !strings.Contains(ex, "-Services 'IIS, SMTP' -ErrorAction Stop") || !strings.Contains(ex, "Set-FederationTrust -Thumbprint") {
		t.Error("Federation not routed to Set-FederationTrust in the runbook")
	}
	if !strings.Contains(string(m["CHANGE.md"]), "## By hand") || !strings.Contains(string(m["CHANGE.md"]), "Set-FederationTrust -PublishFederationCertificate") {
		t.Error("the ticket does not list the Federation step")
	}
}

// productCmd matches a call of an Exchange, AD FS or WAP cmdlet: script-module functions (implicit
// remoting, CDXML) that ignore the script's $ErrorActionPreference (PowerShell#4568, #6556).
var productCmd = regexp.MustCompile(`\b(Get|Set|Enable|Import|Remove|New)-(ExchangeCertificate|ReceiveConnector|SendConnector|HybridConfiguration|TransportService|PopSettings|ImapSettings|AuthConfig|EdgeSubscription|Adfs\w+|WebApplicationProxy\w+)\b[^'\n]*`)

// TestProductCmdletsErrorAction: every product cmdlet call in a runbook names its -ErrorAction:
// Stop, or SilentlyContinue where the script tests for absence itself.
func TestProductCmdletsErrorAction(t *testing.T) {
	for story, mk := range stories {
		_, files := render(t, mk())
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".ps1") {
				continue
			}
			text := strings.ReplaceAll(string(f.Data), "\r\n", "\n")
			help := strings.Index(text, "#>")
			for i, line := range strings.Split(text[help:], "\n") {
				t0 := strings.TrimSpace(line)
				if strings.HasPrefix(t0, "#") || strings.HasPrefix(t0, "Write-") || strings.HasPrefix(t0, "throw") {
					continue
				}
				for _, loc := range productCmd.FindAllStringIndex(line, -1) {
					call := line[loc[0]:loc[1]]
					if strings.Count(line[:loc[0]], "'")%2 == 1 {
						continue // inside a literal: a ShouldProcess action text, not a call
					}
					if strings.Contains(line, "Get-Command -Name") || strings.HasPrefix(call, "Get-AdfsSyncProperties") && strings.Contains(line, "-ErrorAction Stop") {
						continue
					}
					if !strings.Contains(line, "-ErrorAction Stop") && !strings.Contains(line, "-ErrorAction SilentlyContinue") {
						t.Errorf("%s/%s: line %d after help: %q has no -ErrorAction", story, f.Name, i, strings.TrimSpace(line))
					}
				}
			}
		}
	}
}
