package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"certswap/validate"
	"certswap/validate/cert"
	"certswap/validate/export"
	"certswap/validate/report"
)

// changeFlags are the flags validate and generate share: the certificates and their passwords.
type changeFlags struct {
	cert, old     string
	at, stage     string
	minDays       int
	pw, oldPw     passwordSource
	allowFindings bool
	// slim keeps of each export object only what validate's checks read (validate.Slim); set by
	// validate, whose report is all that is made of the objects.
	slim bool
}

func addChangeFlags(fs *pflag.FlagSet, f *changeFlags) {
	fs.StringVar(&f.cert, "cert", "", "the new certificate (PFX, CER or P7B); required")
	addPasswordFlags(fs, &f.pw, "", "--cert")
	fs.StringVar(&f.old, "old", "", "the old certificate (file) or its thumbprint; inferred from the exports when absent")
	addPasswordFlags(fs, &f.oldPw, "old-", "--old")
	fs.StringVar(&f.at, "at", "", "the planned change time (RFC 3339 or YYYY-MM-DD, 00:00 UTC); default now")
	fs.IntVar(&f.minDays, "min-days", validate.DefaultMinDays, "warn when the new certificate expires within this many days of --at")
}

var validateFlags struct {
	changeFlags
	format, failOn, output string
}

var validateCommand = &command{
	name:  "validate",
	usage: "validate --cert NEW [--old OLD] [--stage before|after] [--at DATE] [--format text|json|sarif|junit] [--fail-on error|warning|never] [-o FILE] EXPORT...",
	short: "say exactly what a certificate change will break",
	long: `Judges the new certificate and every exported object against it, offline. --stage before (the
default, for pre-change CI): blockers are errors, every object that must change is a warning with the
PowerShell line that fixes it, hazards are notices. --stage after (on fresh exports after the change):
every object that still points at the old certificate is an error.

Exports are files or folders (read recursively; see 'certswap help inspect' for the formats). Without
--old, the old certificate is worked out from the exports and the report says how.
Exit status: 0 when nothing is at or above --fail-on, 1 when something is, 2 for unusable input.`,
	flags: func(fs *pflag.FlagSet) {
		validateFlags = struct {
			changeFlags
			format, failOn, output string
		}{}
		addChangeFlags(fs, &validateFlags.changeFlags)
		fs.StringVar(&validateFlags.stage, "stage", "before", "before (pre-change) or after (post-change check)")
		fs.StringVar(&validateFlags.format, "format", "text", "report format: text, json, sarif or junit")
		fs.StringVar(&validateFlags.failOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning or never")
		fs.StringVarP(&validateFlags.output, "output", "o", "", "write the report to FILE (atomically) instead of stdout")
	},
	run: runValidate,
}

// loadChange reads --cert, --old and the exports into a validate.Input.
func loadChange(e *env, f *changeFlags, args []string) (*validate.Input, *inputs, error) {
	if f.cert == "" {
		return nil, nil, usageErrorf("--cert NEW is required")
	}
	stage, err := validate.ParseStage(f.stage)
	if err != nil {
		return nil, nil, usageErrorf("--stage: %v", err)
	}
	in := &validate.Input{Stage: stage, MinDays: f.minDays, At: e.now()}
	if f.at != "" {
		if in.At, err = parseAt(f.at); err != nil {
			return nil, nil, err
		}
	}
	cf, err := readCertFile(e, f.cert, &f.pw)
	if err != nil {
		return nil, nil, err
	}
	if len(cf.Leaves) != 1 {
		return nil, nil, fileError(f.cert, fmt.Errorf("holds %d end-entity certificates; --cert takes a file with one", len(cf.Leaves)))
	}
	in.New, in.NewFile, in.NewChain, in.NewFormat = cf.Leaves[0], f.cert, cf.Chain, cf.Format
	if f.old != "" {
		if looksLikeThumbprint(f.old) {
			in.OldThumbprint, in.OldFile = f.old, "--old"
		} else {
			of, err := readCertFile(e, f.old, &f.oldPw)
			if err != nil {
				return nil, nil, err
			}
			if len(of.Leaves) != 1 {
				return nil, nil, fileError(f.old, fmt.Errorf("holds %d end-entity certificates; --old takes a file with one, or a thumbprint", len(of.Leaves)))
			}
			in.Old, in.OldFile = of.Leaves[0], f.old
		}
	}
	var keep func(*export.Object)
	if f.slim {
		keep = new(validate.Slimmer).Slim
	}
	ins, err := readInputsKeep(e, args, &f.pw, keep)
	if err != nil {
		return nil, nil, err
	}
	if len(ins.certs) > 0 {
		return nil, nil, fileError(ins.certs[0].Name, fmt.Errorf("is a certificate; pass certificates with --cert and --old, exports as arguments"))
	}
	in.Exports = ins.exports
	return in, ins, nil
}

// looksLikeThumbprint tells a thumbprint given to --old from a file name: no such file, and
// mostly hex once cleaned.
func looksLikeThumbprint(s string) bool {
	if _, err := os.Stat(s); err == nil || s == "-" {
		return false
	}
	_, err := cert.CleanThumbprint(s)
	if err == nil {
		return true
	}
	// A mistyped thumbprint (41 digits, a letter O) should be reported as one, not as a missing file.
	hex := 0
	for _, r := range s {
		if strings.ContainsRune("0123456789abcdefABCDEF", r) {
			hex++
		}
	}
	return hex >= 30
}

func runValidate(e *env, args []string) error {
	f := &validateFlags
	format := strings.ToLower(f.format)
	switch format {
	case "text", "json", "sarif", "junit":
	default:
		return usageErrorf("--format %q: use text, json, sarif or junit", f.format)
	}
	var failOn validate.Severity
	switch f.failOn {
	case "error", "warning", "never":
		failOn, _ = validate.ParseSeverity(f.failOn)
	default:
		return usageErrorf("--fail-on %q: use error, warning or never", f.failOn)
	}
	if len(args) == 0 {
		return usageErrorf("validate: no EXPORT given (see 'certswap help validate')")
	}
	f.slim = true
	in, ins, err := loadChange(e, &f.changeFlags, args)
	if err != nil {
		return err
	}
	rep, err := validate.Run(in)
	if err != nil {
		return err
	}
	if format == "text" {
		for _, w := range ins.warnings {
			fmt.Fprintf(e.stderr, "certswap: warning: %s\n", w)
		}
		for _, n := range rep.Notes {
			if n.Input {
				fmt.Fprintf(e.stderr, "certswap: warning: %s: line %d: %s\n", n.File, n.Line, n.Message)
			}
		}
	} else {
		for _, w := range ins.warnings {
			file, msg, _ := strings.Cut(w, ": ")
			rep.Notes = append(rep.Notes, validate.Note{File: file, Message: msg, Input: true})
		}
	}
	// Everything was read and judged: the report is now streamed (a fleet-scale JSON report is
	// about 100 MB), to stdout or to a temporary file renamed over -o.
	if f.output != "" {
		err := writeFileAtomicFunc(f.output, 0o644, func(w io.Writer) error {
			return writeReport(w, rep, format, failOn, false)
		})
		if err != nil {
			return fileError(f.output, err)
		}
	} else {
		bw := bufio.NewWriterSize(e.stdout, 64<<10)
		if err := writeReport(bw, rep, format, failOn, colorOK(e)); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if n := rep.Summary.Count(failOn); n > 0 {
		return &failure{fmt.Sprintf("%d finding(s) at or above %s", n, failOn)}
	}
	return nil
}

// writeReport writes the report in one of the four formats; JUnit marks failures at failOn.
func writeReport(w io.Writer, rep *validate.Report, format string, failOn validate.Severity, color bool) error {
	switch format {
	case "text":
		return report.WriteText(w, rep, color)
	case "junit":
		return report.WriteJUnit(w, rep, failOn)
	}
	return report.Write(w, rep, format)
}
