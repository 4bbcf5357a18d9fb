package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"certswap/validate"
)

// SARIFSchema is the URI of the SARIF 2.1.0 schema (OASIS errata 01) written as "$schema".
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool         `json:"tool"`
	Results    []sarifResult     `json:"results"`
	Properties map[string]string `json:"properties"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name  string      `json:"name"`
	Rules []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	Help                 sarifText         `json:"help"`
	HelpURI              string            `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig       `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties"`
}

type sarifConfig struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifResult struct {
	RuleID     string            `json:"ruleId"`
	RuleIndex  int               `json:"ruleIndex"`
	Level      string            `json:"level"`
	Message    sarifText         `json:"message"`
	Locations  []sarifLocation   `json:"locations"`
	Properties map[string]string `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical  `json:"physicalLocation"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	Name string `json:"name"`
}

// sarifLevel maps a severity to a SARIF level (notice is "note"; a check not run is "none").
func sarifLevel(s validate.Severity) string {
	switch s {
	case validate.SeverityError:
		return "error"
	case validate.SeverityWarning:
		return "warning"
	case validate.SeverityNotice:
		return "note"
	}
	return "none"
}

// fileURI writes a file name as a SARIF artifact URI: a relative path with forward slashes (so
// GitHub code scanning and Azure DevOps place it in the repository), an absolute one as file://.
func fileURI(name string) string {
	p := filepath.ToSlash(name)
	u := url.URL{Path: p}
	if strings.HasPrefix(p, "/") {
		u.Scheme = "file"
	} else if i := strings.IndexByte(p, ':'); i >= 0 && !strings.Contains(p[:i], "/") {
		// "C:/x" or "--old:..." would read as a scheme: make it an explicit relative path.
		u.Path = "./" + p
	}
	return u.String()
}

// firstURL returns the first https URL of a citation, "" when it has none.
func firstURL(citation string) string {
	for _, f := range strings.FieldsFunc(citation, func(r rune) bool { return r == ' ' || r == ';' }) {
		if strings.HasPrefix(f, "https://") {
			if _, err := url.Parse(f); err == nil {
				return f
			}
		}
	}
	return ""
}

// WriteSARIF writes a SARIF 2.1.0 log with one run: one rule per check of validate.Checks() (its
// level the check's severity in the report's stage) and one result per finding, located at the
// finding's file and line, with the object as a logical location and the fix in the message.
//
// The log is what encoding/json writes for it with two-space indentation and HTML escaping off,
// but the results are encoded and written one at a time (a fleet-scale run has 100,000s), so the
// log is never whole in memory.
func WriteSARIF(w io.Writer, r *validate.Report) error {
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
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{{
		Tool:       sarifTool{Driver: sarifDriver{Name: "certswap", Rules: rules}},
		Results:    []sarifResult{},
		Properties: map[string]string{"stage": string(r.Stage), "at": r.At.UTC().Format("2006-01-02T15:04:05Z")},
	}}}
	var doc bytes.Buffer
	if err := encode(&doc, log); err != nil {
		return err
	}
	if len(r.Findings) == 0 {
		_, err := w.Write(doc.Bytes())
		return err
	}
	// The log without results has "results": [] where they go, at the run's depth; no string
	// holds a raw newline, so the marker is found only there.
	const marker = "\n      \"results\": []"
	head, tail, ok := bytes.Cut(doc.Bytes(), []byte(marker))
	if !ok {
		return errors.New("sarif: no results array in the log")
	}
	jw := &jsonWriter{w: w, buf: make([]byte, 0, jsonChunk+4096)}
	jw.buf = append(jw.buf, head...)
	jw.raw("\n      \"results\": [")
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetEscapeHTML(false)
	enc.SetIndent("        ", "  ")
	for i := range r.Findings {
		f := &r.Findings[i]
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
		ri, ok := index[f.ID]
		if !ok {
			ri = -1
		}
		res := sarifResult{RuleID: f.ID, RuleIndex: ri, Level: sarifLevel(f.Severity), Message: sarifText{msg},
			Locations:  []sarifLocation{loc},
			Properties: map[string]string{"product": string(f.Product), "server": f.Server, "object": f.Object, "fix": f.Fix}}
		one.Reset()
		if err := enc.Encode(&res); err != nil {
			return err
		}
		if i > 0 {
			jw.raw(",")
		}
		jw.raw("\n        ")
		jw.buf = append(jw.buf, bytes.TrimSuffix(one.Bytes(), []byte("\n"))...)
		jw.flush(false)
	}
	jw.raw("\n      ]")
	jw.buf = append(jw.buf, tail...)
	jw.flush(true)
	return jw.err
}
