package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"certswap/validate"
)

var updateREADME = flag.Bool("update", false, "rewrite the README's command reference from the real help")

const (
	refBegin = "<!-- command reference: generated from `certswap help COMMAND` by `go test ./cmd/certswap -run TestREADME -update` -->"
	refEnd   = "<!-- end of command reference -->"
)

// commandReference renders every command's help as the README shows it.
func commandReference() string {
	var b strings.Builder
	for _, c := range commands {
		var h bytes.Buffer
		writeCommandHelp(&h, c)
		b.WriteString("### certswap " + c.name + "\n\n```text\n" + h.String() + "```\n\n")
	}
	return b.String()
}

const (
	checksBegin = "<!-- check table: generated from the check registry by `go test ./cmd/certswap -run TestREADME -update` -->"
	checksEnd   = "<!-- end of check table -->"
)

// checkTable renders the check registry as the README's Markdown table.
func checkTable() string {
	var b strings.Builder
	b.WriteString("| id | product | before | after | summary |\n|---|---|---|---|---|\n")
	for _, c := range validate.Checks() {
		b.WriteString("| `" + c.ID + "` | " + string(c.Product) + " | " + c.Before.String() + " | " + c.After.String() + " | " +
			strings.ReplaceAll(c.Summary, "|", "\\|") + " |\n")
	}
	return b.String()
}

// replaceSection puts body between the begin and end markers of the README text.
func replaceSection(t *testing.T, readme, begin, end, body string) string {
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q ... %q", begin, end)
	}
	return readme[:i+len(begin)] + "\n\n" + body + readme[j:]
}

// TestREADMECommandReference keeps the README's command reference equal to the real --help.
func TestREADMECommandReference(t *testing.T) {
	path := filepath.Join(repoRoot(t), "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	want := replaceSection(t, readme, refBegin, refEnd, commandReference())
	want = replaceSection(t, want, checksBegin, checksEnd, checkTable()+"\n")
	if want == readme {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's command reference or check table differs from 'certswap help COMMAND' and the check registry; run go test ./cmd/certswap -run TestREADME -update")
}
