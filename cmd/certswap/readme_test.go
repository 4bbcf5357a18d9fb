package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// TestREADMECommandReference keeps the README's command reference equal to the real --help.
func TestREADMECommandReference(t *testing.T) {
	path := filepath.Join(repoRoot(t), "README.md")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	i, j := strings.Index(readme, refBegin), strings.Index(readme, refEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the command reference markers %q ... %q", refBegin, refEnd)
	}
	want := readme[:i+len(refBegin)] + "\n\n" + commandReference() + readme[j:]
	if want == readme {
		return
	}
	if *updateREADME {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's command reference differs from 'certswap help COMMAND'; run go test ./cmd/certswap -run TestREADME -update")
}
