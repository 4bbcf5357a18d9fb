// Package report writes a validate.Report for people and for CI: text (grouped by object, most
// severe first, the fix under each finding, a one-line summary), JSON (DESIGN.md's shape, every key
// always present), SARIF 2.1.0 (one rule per check of the table, one result per finding with its file
// and line) and JUnit XML (one test case per check and object). It also writes the check table for
// `certswap checks`.
//
// It only formats: it never decides what a finding is, never exits, and writes nothing but w.
package report

import (
	"fmt"
	"io"
	"strings"

	"certswap/validate"
)

// Formats lists the report formats Write accepts.
var Formats = []string{"text", "json", "sarif", "junit"}

// Write writes r in the given format: "text" (no colour), "json", "sarif" or "junit" (failures at
// or above error; use WriteJUnit for another threshold).
func Write(w io.Writer, r *validate.Report, format string) error {
	switch format {
	case "text":
		return WriteText(w, r, false)
	case "json":
		return WriteJSON(w, r)
	case "sarif":
		return WriteSARIF(w, r)
	case "junit":
		return WriteJUnit(w, r, validate.SeverityError)
	}
	return fmt.Errorf("unknown format %q (use %s)", format, strings.Join(Formats, ", "))
}

// printable escapes control characters (and nothing else) so that a value from an export cannot
// move the cursor or colour a terminal.
func printable(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if isControl(r) {
			fmt.Fprintf(&b, `\u%04x`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isControl(r rune) bool { return r <= 0x1F || (r >= 0x7F && r <= 0x9F) }

// hasControl is strings.ContainsFunc(s, isControl) without decoding runes: a C0 control or DEL is
// one byte, and a C1 control is 0xC2 followed by 0x80–0x9F, a pair that decodes as that control
// wherever it stands (0xC2 is never a continuation byte).
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7F:
			return true
		case c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			return true
		}
	}
	return false
}
