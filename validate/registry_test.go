package validate

import (
	"regexp"
	"strings"
	"testing"
)

var idPattern = regexp.MustCompile(`^(certificate|exchange|adfs|wap)-[a-z0-9]+(-[a-z0-9]+)*$`)

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Checks() {
		t.Run(c.ID, func(t *testing.T) {
			if seen[c.ID] {
				t.Errorf("duplicate ID")
			}
			seen[c.ID] = true
			if !idPattern.MatchString(c.ID) {
				t.Errorf("ID does not match %s", idPattern)
			}
			if !strings.HasPrefix(c.ID, string(c.Product)+"-") {
				t.Errorf("ID prefix is not its product %q", c.Product)
			}
			if c.Summary == "" || c.Citation == "" || c.Run == nil {
				t.Errorf("summary, citation and function are required")
			}
			for _, s := range []Severity{c.Before, c.After} {
				if s != SeverityNone && s.Rank() == 0 {
					t.Errorf("invalid severity %q", s)
				}
			}
			if c.Before == SeverityNone && c.After == SeverityNone {
				t.Errorf("runs in no stage")
			}
			fires, quiet := false, false
			for _, tc := range checkCases[c.ID] {
				if len(tc.want) > 0 {
					fires = true
				} else {
					quiet = true
				}
			}
			if !fires || !quiet {
				t.Errorf("needs a firing and a quiet case in checkCases (fires %v, quiet %v)", fires, quiet)
			}
		})
	}
	if Lookup("no-such-check") != nil {
		t.Error("Lookup found a check that does not exist")
	}
}

func TestSeverity(t *testing.T) {
	for _, tc := range []struct {
		s, min Severity
		want   bool
	}{
		{SeverityError, SeverityWarning, true},
		{SeverityWarning, SeverityWarning, true},
		{SeverityNotice, SeverityWarning, false},
		{SeverityError, SeverityNone, false},
		{SeverityNone, SeverityNotice, false},
	} {
		if got := tc.s.AtLeast(tc.min); got != tc.want {
			t.Errorf("%s.AtLeast(%s) = %v", tc.s, tc.min, got)
		}
	}
	for _, in := range []string{"error", "warning", "notice", "never"} {
		if _, err := ParseSeverity(in); err != nil {
			t.Errorf("ParseSeverity(%q): %v", in, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity accepted fatal")
	}
	if _, err := ParseStage("during"); err == nil {
		t.Error("ParseStage accepted during")
	}
}
