package validate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certswap/validate/export"
)

// psParse returns ../shared/tools/ps-parse/ps-parse (an independent PowerShell grammar), or skips
// the test loudly (fails when CERTSWAP_REQUIRE_PSPARSE=1) when it or node is missing.
func psParse(t *testing.T) string {
	t.Helper()
	p, _ := filepath.Abs(filepath.Join("..", "..", "shared", "tools", "ps-parse", "ps-parse"))
	_, statErr := os.Stat(p)
	_, nodeErr := exec.LookPath("node")
	if statErr != nil || nodeErr != nil {
		msg := "!!! ps-parse cannot run (" + p + " or node missing): fix lines NOT syntax-checked !!!"
		if os.Getenv("CERTSWAP_REQUIRE_PSPARSE") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// psLiteral reads a single-quoted PowerShell literal as PowerShell does (about_Quoting_Rules: two
// single quotes stand for one); ok is false when s is not one whole literal. ps-parse's grammar
// knows only the ASCII quote, so the values below use only that one.
func psLiteral(s string) (string, bool) {
	if len(s) < 2 || s[0] != '\'' || s[len(s)-1] != '\'' {
		return "", false
	}
	in := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if in[i] == '\'' {
			if i+1 >= len(in) || in[i+1] != '\'' {
				return "", false
			}
			i++
		}
		b.WriteByte(in[i])
	}
	return b.String(), true
}

// TestFixLinesParse: every fix line the check tables expect, and the fix of a connector whose
// identity is hostile, parse as PowerShell; the hostile identity stays inside one literal.
func TestFixLinesParse(t *testing.T) {
	tool := psParse(t)
	dir := t.TempDir()
	var paths []string
	write := func(name, line string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(line+"\r\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		return p
	}
	n := 0
	for id, cases := range checkCases {
		for _, tc := range cases {
			for i, w := range tc.want {
				if w.fix != "" {
					n++
					write(fmt.Sprintf("%s-%s-%d.ps1", id, tc.name, i), w.fix)
				}
			}
		}
	}
	for _, k := range []export.Kind{export.KindReceiveConnector, export.KindSendConnector, export.KindExchangeCertificate,
		export.KindHybridConfiguration, export.KindTransportService, export.KindAuthConfig, export.KindPopSettings,
		export.KindImapSettings, export.KindEdgeSubscription, export.KindAdfsSslCertificate, export.KindAdfsCertificate,
		export.KindAdfsProperties, export.KindWapSslCertificate, export.KindWapApplication, export.KindWapConfiguration,
		export.KindNetshSslBinding} {
		for _, server := range []string{"", "EX01"} {
			fix, err := exportCommand(k, server)
			if err != nil || fix == "" {
				t.Fatalf("%s: %q %v", k, fix, err)
			}
			write(fmt.Sprintf("export-%s-%s.ps1", k, server), fix)
		}
	}
	const hostile = `EX01\Relay'; Remove-Item C:\ -Recurse; $x = "$(whoami)" ` + "`" + `n '`
	in := base()
	in.Old = oldCert()
	in.Exports = files(receiveConnector("EX01", hostile[len(`EX01\`):], 10, oldName, "mail.contoso.com"))
	r, err := runChecks(in, []*Check{exchangeReceiveConnectorTLSName})
	if err != nil || len(r.Findings) != 1 || r.Findings[0].Fix == "" {
		t.Fatalf("%v %+v", err, r)
	}
	hostileFile := write("hostile.ps1", r.Findings[0].Fix)

	out, err := exec.Command(tool, paths...).CombinedOutput()
	if err != nil {
		t.Fatalf("ps-parse: %v\n%s", err, out)
	}
	if got := strings.Count(string(out), ": ok"); got != len(paths) || n < 20 {
		t.Fatalf("ps-parse checked %d of %d files (%d fix lines from the tables):\n%s", got, len(paths), n, out)
	}

	out, err = exec.Command(tool, "--strings", hostileFile).Output()
	if err != nil {
		t.Fatalf("ps-parse --strings: %v\n%s", err, out)
	}
	var values []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var l struct{ Type, Text string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		if l.Type != "string_literal" {
			t.Errorf("not a string literal: %+v", l)
			continue
		}
		v, ok := psLiteral(l.Text)
		if !ok {
			t.Errorf("not one single-quoted literal: %s", l.Text)
		}
		values = append(values, v)
	}
	if len(values) != 2 || values[0] != hostile || values[1] != newName {
		t.Errorf("literals %q\nwant %q and the new TlsCertificateName", values, hostile)
	}
}
