package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"certswap/validate"
)

// JUnit XML as GitLab, Jenkins and Azure Pipelines read it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Timestamp string          `xml:"timestamp,attr"`
	Cases     []junitTestCase `xml:"testcase"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
	Skipped   *junitSkipped `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes JUnit XML: one test suite per product, and in it one test case per check and
// object (classname the check ID, name the object). A case with a finding at or above failOn is a
// <failure>; findings below it pass with their text in <system-out>; a check without findings is
// one passing case named "all objects"; a check that does not run in the report's stage is one
// <skipped> case. failOn SeverityNone ("never") makes every case pass.
func WriteJUnit(w io.Writer, r *validate.Report, failOn validate.Severity) error {
	byCheck := map[string][]validate.Finding{}
	for _, f := range r.Findings {
		byCheck[f.ID] = append(byCheck[f.ID], f)
	}
	out := junitSuites{Name: "certswap validate"}
	suites := map[validate.Product]*junitSuite{}
	var order []validate.Product
	ts := r.At.UTC().Format("2006-01-02T15:04:05")
	for _, c := range validate.Checks() {
		s := suites[c.Product]
		if s == nil {
			s = &junitSuite{Name: "certswap validate " + string(c.Product) + " (" + string(r.Stage) + ")", Timestamp: ts}
			suites[c.Product] = s
			order = append(order, c.Product)
		}
		sev := c.Before
		if r.Stage == validate.StageAfter {
			sev = c.After
		}
		switch fs := byCheck[c.ID]; {
		case sev == validate.SeverityNone:
			s.Cases = append(s.Cases, junitTestCase{Name: "all objects", ClassName: c.ID,
				Skipped: &junitSkipped{Message: fmt.Sprintf("not run in stage %s", r.Stage)}})
		case len(fs) == 0:
			s.Cases = append(s.Cases, junitTestCase{Name: "all objects", ClassName: c.ID})
		default:
			s.Cases = append(s.Cases, objectCases(c.ID, fs, failOn)...)
		}
	}
	for _, p := range order {
		s := suites[p]
		for _, tc := range s.Cases {
			s.Tests++
			if tc.Failure != nil {
				s.Failures++
			}
			if tc.Skipped != nil {
				s.Skipped++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, *s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// objectCases makes one test case per object of one check's findings (in finding order).
func objectCases(id string, fs []validate.Finding, failOn validate.Severity) []junitTestCase {
	type key struct{ file, object, server string }
	type acc struct {
		tc    junitTestCase
		first string
		texts []string
		worst validate.Severity
	}
	idx := map[key]int{}
	var accs []*acc
	for _, f := range fs {
		k := key{f.File, f.Object, f.Server}
		i, ok := idx[k]
		if !ok {
			i = len(accs)
			idx[k] = i
			name := f.Object
			if f.Server != "" && !strings.Contains(strings.ToUpper(name), strings.ToUpper(f.Server)) {
				name = f.Server + ": " + name
			}
			accs = append(accs, &acc{tc: junitTestCase{Name: name, ClassName: id, File: f.File, Line: f.Line}, first: f.Message})
		}
		a := accs[i]
		t := fmt.Sprintf("%s %s:%d: %s", f.Severity, f.File, f.Line, f.Message)
		if f.Fix != "" {
			t += "\nfix: " + f.Fix
		}
		a.texts = append(a.texts, t)
		if f.Severity.Rank() > a.worst.Rank() {
			a.worst = f.Severity
		}
	}
	cases := make([]junitTestCase, 0, len(accs))
	for _, a := range accs {
		body := strings.Join(a.texts, "\n")
		if a.worst.AtLeast(failOn) {
			a.tc.Failure = &junitFailure{Message: a.first, Type: a.worst.String(), Text: body}
		} else {
			a.tc.SystemOut = body
		}
		cases = append(cases, a.tc)
	}
	return cases
}
