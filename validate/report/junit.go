package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
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
//
// The document is what encoding/xml writes for it whole with two-space indentation, but the
// counts are worked out first and each test case is made and written only when its turn comes,
// so a fleet-scale report is never whole in memory.
func WriteJUnit(w io.Writer, r *validate.Report, failOn validate.Severity) error {
	byCheck := map[string][]int32{}
	for i := range r.Findings {
		byCheck[r.Findings[i].ID] = append(byCheck[r.Findings[i].ID], int32(i))
	}
	type suite struct {
		junitSuite
		cases []junitCase
	}
	out := junitSuites{Name: "certswap validate"}
	var suites []*suite
	byProduct := map[validate.Product]*suite{}
	ts := r.At.UTC().Format("2006-01-02T15:04:05")
	for _, c := range validate.Checks() {
		s := byProduct[c.Product]
		if s == nil {
			s = &suite{junitSuite: junitSuite{Name: "certswap validate " + string(c.Product) + " (" + string(r.Stage) + ")", Timestamp: ts}}
			byProduct[c.Product] = s
			suites = append(suites, s)
		}
		sev := c.Before
		if r.Stage == validate.StageAfter {
			sev = c.After
		}
		switch idx := byCheck[c.ID]; {
		case sev == validate.SeverityNone:
			s.cases = append(s.cases, junitCase{tc: junitTestCase{Name: "all objects", ClassName: c.ID,
				Skipped: &junitSkipped{Message: fmt.Sprintf("not run in stage %s", r.Stage)}}})
		case len(idx) == 0:
			s.cases = append(s.cases, junitCase{tc: junitTestCase{Name: "all objects", ClassName: c.ID}})
		default:
			s.cases = append(s.cases, objectCases(c.ID, r.Findings, idx, failOn)...)
		}
	}
	for _, s := range suites {
		for i := range s.cases {
			s.Tests++
			if s.cases[i].failing {
				s.Failures++
			}
			if s.cases[i].tc.Skipped != nil {
				s.Skipped++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	attr := func(name, value string) xml.Attr { return xml.Attr{Name: xml.Name{Local: name}, Value: value} }
	num := func(n int) string { return strconv.Itoa(n) }
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		attr("name", out.Name), attr("tests", num(out.Tests)), attr("failures", num(out.Failures)), attr("skipped", num(out.Skipped))}}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, s := range suites {
		start := xml.StartElement{Name: xml.Name{Local: "testsuite"}, Attr: []xml.Attr{
			attr("name", s.Name), attr("tests", num(s.Tests)), attr("failures", num(s.Failures)), attr("errors", num(s.Errors)),
			attr("skipped", num(s.Skipped)), attr("timestamp", s.Timestamp)}}
		if err := enc.EncodeToken(start); err != nil {
			return err
		}
		for i := range s.cases {
			tc := s.cases[i].build(r.Findings)
			if err := enc.EncodeElement(&tc, xml.StartElement{Name: xml.Name{Local: "testcase"}}); err != nil {
				return err
			}
			s.cases[i] = junitCase{}
		}
		if err := enc.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCase is a test case before its text is made: the case itself, and for a case of findings
// the findings (indexes into the report's) and whether it fails.
type junitCase struct {
	tc       junitTestCase
	findings []int32
	failing  bool
}

// build makes the case's <failure> or <system-out> text: one paragraph per finding.
func (c *junitCase) build(fs []validate.Finding) junitTestCase {
	tc := c.tc
	if len(c.findings) == 0 {
		return tc
	}
	var b strings.Builder
	worst := validate.SeverityNone
	for i, fi := range c.findings {
		f := &fs[fi]
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(f.Severity.String())
		b.WriteByte(' ')
		b.WriteString(f.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteString(": ")
		b.WriteString(f.Message)
		if f.Fix != "" {
			b.WriteString("\nfix: ")
			b.WriteString(f.Fix)
		}
		if f.Severity.Rank() > worst.Rank() {
			worst = f.Severity
		}
	}
	if c.failing {
		tc.Failure = &junitFailure{Message: fs[c.findings[0]].Message, Type: worst.String(), Text: b.String()}
	} else {
		tc.SystemOut = b.String()
	}
	return tc
}

// objectCases makes one test case per object of one check's findings (idx, indexes into fs, in
// finding order); their texts are made when they are written.
func objectCases(id string, fs []validate.Finding, idx []int32, failOn validate.Severity) []junitCase {
	type key struct{ file, object, server string }
	at := map[key]int{}
	var cases []junitCase
	for _, fi := range idx {
		f := &fs[fi]
		k := key{f.File, f.Object, f.Server}
		i, ok := at[k]
		if !ok {
			i = len(cases)
			at[k] = i
			name := f.Object
			if f.Server != "" && !strings.Contains(strings.ToUpper(name), strings.ToUpper(f.Server)) {
				name = f.Server + ": " + name
			}
			cases = append(cases, junitCase{tc: junitTestCase{Name: name, ClassName: id, File: f.File, Line: f.Line}})
		}
		c := &cases[i]
		c.findings = append(c.findings, fi)
		if f.Severity.AtLeast(failOn) {
			c.failing = true
		}
	}
	return cases
}
