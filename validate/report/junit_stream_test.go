package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"certswap/validate"
)

// stdJUnit is the document as encoding/xml writes it whole (the oracle for WriteJUnit, which
// writes one test case at a time): every case and its text built first, one Encode.
func stdJUnit(w io.Writer, r *validate.Report, failOn validate.Severity) error {
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
					accs = append(accs, &acc{tc: junitTestCase{Name: name, ClassName: c.ID, File: f.File, Line: f.Line}, first: f.Message})
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
			for _, a := range accs {
				body := strings.Join(a.texts, "\n")
				if a.worst.AtLeast(failOn) {
					a.tc.Failure = &junitFailure{Message: a.first, Type: a.worst.String(), Text: body}
				} else {
					a.tc.SystemOut = body
				}
				s.Cases = append(s.Cases, a.tc)
			}
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

// TestJUnitMatchesWholeEncoding: the streamed document is byte for byte the document encoded
// whole, for each --fail-on, on the story reports, every hostile piece and 1,000 random reports
// whose findings carry real check IDs.
func TestJUnitMatchesWholeEncoding(t *testing.T) {
	ids := []string{}
	for _, c := range validate.Checks() {
		ids = append(ids, c.ID)
	}
	same := func(name string, r *validate.Report) {
		t.Helper()
		for _, failOn := range []validate.Severity{validate.SeverityError, validate.SeverityWarning, validate.SeverityNotice, validate.SeverityNone} {
			var want, got bytes.Buffer
			werr := stdJUnit(&want, r, failOn)
			gerr := WriteJUnit(&got, r, failOn)
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("%s: errors %v and %v", name, werr, gerr)
			}
			if werr == nil && !bytes.Equal(got.Bytes(), want.Bytes()) {
				i := firstDiff(got.String(), want.String())
				t.Fatalf("%s, fail on %s: differs at byte %d:\n got %q\nwant %q", name, failOn, i,
					got.String()[max(0, i-60):min(got.Len(), i+60)], want.String()[max(0, i-60):min(want.Len(), i+60)])
			}
		}
	}
	same("empty", &validate.Report{})
	same("exchange story", storyReport(t, oldName))
	after := storyReport(t, oldName)
	after.Stage = validate.StageAfter
	same("exchange story after", after)
	same("adfs story", adfsStoryReport(t))
	for _, h := range hostile {
		same(fmt.Sprintf("%q", h), &validate.Report{Stage: validate.Stage(h), Findings: []validate.Finding{
			{ID: ids[0], File: h, Object: h, Message: h, Fix: h, Server: h, Line: 1, Severity: validate.SeverityWarning}}})
	}
	rng := rand.New(rand.NewPCG(5, 9))
	for i := 0; i < 1000; i++ {
		r := randReport(rng)
		if rng.IntN(2) == 0 {
			r.Stage = validate.StageAfter
		}
		for j := range r.Findings {
			r.Findings[j].ID = ids[rng.IntN(len(ids))]
			if rng.IntN(3) == 0 && j > 0 {
				// Several findings on one object of one check.
				r.Findings[j].ID, r.Findings[j].File, r.Findings[j].Object, r.Findings[j].Server =
					r.Findings[j-1].ID, r.Findings[j-1].File, r.Findings[j-1].Object, r.Findings[j-1].Server
			}
		}
		same(fmt.Sprintf("random report %d", i), r)
	}
}
