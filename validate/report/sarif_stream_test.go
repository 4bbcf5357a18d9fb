package report

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"certswap/validate"
)

// stdSARIF is the log as encoding/json writes it whole (the oracle for WriteSARIF, which writes
// the results one at a time): the same structs, every result in one slice, one Encode.
func stdSARIF(r *validate.Report) ([]byte, error) {
	checks := validate.Checks()
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(checks))
	for i, c := range checks {
		index[c.ID] = i
		sev := c.Before
		if r.Stage == validate.StageAfter {
			sev = c.After
		}
		rules = append(rules, sarifRule{
			ID: c.ID, ShortDescription: sarifText{c.Summary}, Help: sarifText{"Source: " + c.Citation}, HelpURI: firstURL(c.Citation),
			DefaultConfiguration: sarifConfig{Enabled: sev != validate.SeverityNone, Level: sarifLevel(sev)},
			Properties:           map[string]string{"product": string(c.Product), "severityBefore": c.Before.String(), "severityAfter": c.After.String()},
		})
	}
	results := []sarifResult{}
	for _, f := range r.Findings {
		msg := f.Message
		if f.Fix != "" {
			msg += "\nFix: " + f.Fix
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(f.File)}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
		}
		if f.Object != "" {
			loc.LogicalLocations = []sarifLogical{{Name: f.Object}}
		}
		i, ok := index[f.ID]
		if !ok {
			i = -1
		}
		results = append(results, sarifResult{RuleID: f.ID, RuleIndex: i, Level: sarifLevel(f.Severity), Message: sarifText{msg},
			Locations:  []sarifLocation{loc},
			Properties: map[string]string{"product": string(f.Product), "server": f.Server, "object": f.Object, "fix": f.Fix}})
	}
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{{
		Tool:       sarifTool{Driver: sarifDriver{Name: "certswap", Rules: rules}},
		Results:    results,
		Properties: map[string]string{"stage": string(r.Stage), "at": r.At.UTC().Format("2006-01-02T15:04:05Z")},
	}}}
	var b bytes.Buffer
	err := encode(&b, log)
	return b.Bytes(), err
}

// TestSARIFMatchesWholeEncoding: the streamed log is byte for byte the log encoded whole, on the
// story reports, a report of every hostile piece and 1,000 random reports; a large one is
// written in bounded pieces.
func TestSARIFMatchesWholeEncoding(t *testing.T) {
	same := func(name string, r *validate.Report) {
		t.Helper()
		want, err := stdSARIF(r)
		if err != nil {
			t.Fatal(err)
		}
		var got chunkWriter
		if err := WriteSARIF(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			i := firstDiff(got.String(), string(want))
			t.Fatalf("%s: differs at byte %d:\n got %q\nwant %q", name, i,
				got.String()[max(0, i-60):min(got.Len(), i+60)], string(want)[max(0, i-60):min(len(want), i+60)])
		}
		for _, n := range got.writes {
			if n > 4*jsonChunk {
				t.Errorf("%s: a write of %d bytes", name, n)
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
		same(fmt.Sprintf("%q", h), &validate.Report{Stage: validate.Stage(h), Findings: []validate.Finding{{ID: h, File: h, Object: h, Message: h, Fix: h, Server: h, Line: 1}}})
	}
	rng := rand.New(rand.NewPCG(3, 14))
	for i := 0; i < 1000; i++ {
		r := randReport(rng)
		if rng.IntN(3) == 0 && len(r.Findings) > 0 {
			r.Findings[0].ID = "exchange-receive-connector-tls-name"
		}
		same(fmt.Sprintf("random report %d", i), r)
	}
	big := storyReport(t, oldName)
	for len(big.Findings) < 3000 {
		big.Findings = append(big.Findings, big.Findings[0])
	}
	same("3,000 findings", big)
}
