// Package validate decides what a certificate change will break. It takes the new certificate (and,
// when known, the old one) and the configuration exports read by validate/export, runs the checks of
// one table (registry.go) for a stage of the change, and returns a Report of findings, each with the
// object it concerns, where that object came from, a message in an admin's words and, where one
// exists, the one PowerShell line that fixes it.
//
// Each check is declared once, as data: a stable kebab-case ID prefixed by its product, a summary, a
// citation (the Microsoft document or field note it comes from), its severity in each stage and its
// function. The same table drives `certswap checks`, the SARIF rules and the JUnit test cases.
//
// Package validate never prints and never exits; it does not read files (export and cert do).
// Fix lines are built only with validate/psquote.
package validate

import (
	"fmt"

	"certswap/validate/export"
)

// Severity is how serious a finding is. The zero value, SeverityNone, means "not run" when it is a
// check's severity for a stage.
type Severity string

// The severities, most severe first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityNotice  Severity = "notice"
	SeverityNone    Severity = ""
)

// Rank orders severities: error 3, warning 2, notice 1, none (and anything unknown) 0.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityNotice:
		return 1
	}
	return 0
}

// AtLeast reports whether s is at least as severe as min. Nothing is at least SeverityNone's
// threshold except a real severity; use SeverityNone as "never" by checking for it first.
func (s Severity) AtLeast(min Severity) bool {
	return s.Rank() > 0 && min.Rank() > 0 && s.Rank() >= min.Rank()
}

// String returns the severity's name, "none" for SeverityNone.
func (s Severity) String() string {
	if s == SeverityNone {
		return "none"
	}
	return string(s)
}

// ParseSeverity reads "error", "warning", "notice" or "none"/"never" (SeverityNone).
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "error":
		return SeverityError, nil
	case "warning":
		return SeverityWarning, nil
	case "notice":
		return SeverityNotice, nil
	case "none", "never", "":
		return SeverityNone, nil
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (use error, warning, notice or never)", s)
}

// Product is the product a check belongs to; it is also the prefix of the check's ID.
type Product string

// The products.
const (
	ProductCertificate Product = "certificate"
	ProductExchange    Product = "exchange"
	ProductADFS        Product = "adfs"
	ProductWAP         Product = "wap"
)

// Stage is the moment of the change a run judges.
type Stage string

// The stages. Before (the default) is for pre-change CI: blockers are errors, objects that must
// change are warnings with their fix, hazards are notices. After is for fresh exports taken after the
// change: every object still pointing at the old certificate is an error.
const (
	StageBefore Stage = "before"
	StageAfter  Stage = "after"
)

// ParseStage reads "before" or "after"; "" is StageBefore.
func ParseStage(s string) (Stage, error) {
	switch s {
	case "", "before":
		return StageBefore, nil
	case "after":
		return StageAfter, nil
	}
	return "", fmt.Errorf("unknown stage %q (use before or after)", s)
}

// Check is one check, declared once in the table of registry.go.
type Check struct {
	ID       string   // stable kebab-case ID, prefixed by Product
	Product  Product  // the product the check belongs to
	Summary  string   // one line, for `certswap checks` and SARIF
	Citation string   // the Microsoft document or field note the check comes from
	Before   Severity // severity in StageBefore; SeverityNone = not run
	After    Severity // severity in StageAfter; SeverityNone = not run
	// Run returns the check's findings. Run fills ID, Product and Severity (a finding that
	// already carries a Severity, such as an "unknown:" warning, keeps it).
	Run func(*Input) []Finding
}

// Severity returns the check's severity in the given stage.
func (c *Check) Severity(st Stage) Severity {
	if st == StageAfter {
		return c.After
	}
	return c.Before
}

// Finding is one thing a check found. JSON keys are DESIGN.md's and always present.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Product  Product  `json:"product"`
	Server   string   `json:"server"`
	Object   string   `json:"object"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix"`
	// Change is the structured action behind Fix, for the generator; nil when the finding asks
	// for no change of a configuration object.
	Change *Change `json:"-"`
}

// Change is one object that must change: the generator turns each into runbook steps, and keeps
// Old for the rollback.
type Change struct {
	Product  Product     // the product the object belongs to
	Server   string      // upper-case first DNS label; "" for organisation-wide objects
	Kind     export.Kind // the object's kind
	Identity string      // the object's identity as exported (connector identity, binding key, ...)
	ID       string      // a WAP application's ID (the object is fixed by -ID); "" otherwise
	Name     string      // a WAP application's Name; "" otherwise
	Property string      // the property to change (TlsCertificateName, ExternalCertificateThumbprint, Services, ...)
	Old      string      // its current value as exported
	New      string      // the value it must get
	File     string      // the export the object came from
	Line     int         // the object's line in File (0 when not line-oriented)
}
