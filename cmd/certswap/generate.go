package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"certswap/generator"
	"certswap/validate"
)

var generateFlags struct {
	changeFlags
	out, target, signCert, hash string
	force, allowFindings        bool
	signPw                      passwordSource
	signMinDays                 int
}

var generateCommand = &command{
	name:  "generate",
	usage: "generate --cert NEW [--old OLD] --out DIR [--target exchange,adfs,wap] [--sign-cert CODESIGN.pfx] EXPORT...",
	short: "write the runbooks, rollbacks, change ticket and checksums",
	long: `Validates like 'certswap validate --stage before' and writes the change into DIR: one runbook
and one rollback per Exchange or Edge server (exchange-EX01.ps1, exchange-EX01-rollback.ps1,
edge-EDGE01.ps1), one per AD FS and WAP farm (adfs.ps1, wap.ps1 and their -rollback twins),
CHANGE.md (the change ticket), plan.json, .gitattributes and SHA256SUMS (written last). With
--sign-cert every runbook is Authenticode-signed before SHA256SUMS is written.

Runbooks support -WhatIf, check the certificate and every object's exported value before they change
anything, and verify after. DIR must not exist or be empty (--force replaces it whole); the folder is
built beside DIR and renamed into place. Errors in the validation stop generation (exit 1) unless
--allow-findings. A value that cannot be written as a PowerShell literal stops it too (exit 2).`,
	flags: func(fs *pflag.FlagSet) {
		generateFlags = struct {
			changeFlags
			out, target, signCert, hash string
			force, allowFindings        bool
			signPw                      passwordSource
			signMinDays                 int
		}{}
		addChangeFlags(fs, &generateFlags.changeFlags)
		fs.StringVar(&generateFlags.out, "out", "", "the output folder (must not exist or be empty); required")
		fs.StringVar(&generateFlags.target, "target", "", "products to write runbooks for: exchange,adfs,wap (default: those the exports cover)")
		fs.BoolVar(&generateFlags.force, "force", false, "replace an existing --out folder whole")
		fs.BoolVar(&generateFlags.allowFindings, "allow-findings", false, "generate even when validation finds errors")
		fs.StringVar(&generateFlags.signCert, "sign-cert", "", "Authenticode-sign the runbooks with this code-signing PFX")
		addPasswordFlags(fs, &generateFlags.signPw, "sign-", "--sign-cert")
		fs.StringVar(&generateFlags.hash, "hash", "sha256", "signature digest: sha1, sha256, sha384 or sha512")
		fs.IntVar(&generateFlags.signMinDays, "sign-min-days", 30, "refuse a signing certificate that expires within this many days")
	},
	run: runGenerate,
}

func parseTargets(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		switch t {
		case generator.ProductExchange, generator.ProductADFS, generator.ProductWAP:
			out = append(out, t)
		default:
			return nil, usageErrorf("--target %q: use exchange, adfs and wap, separated by commas", t)
		}
	}
	return out, nil
}

func runGenerate(e *env, args []string) error {
	f := &generateFlags
	if f.out == "" {
		return usageErrorf("generate: --out DIR is required")
	}
	if len(args) == 0 {
		return usageErrorf("generate: no EXPORT given (see 'certswap help generate')")
	}
	targets, err := parseTargets(f.target)
	if err != nil {
		return err
	}
	h, err := hashByName(f.hash)
	if err != nil {
		return err
	}
	f.stage = "before"
	var sign generator.SignFunc
	if f.signCert != "" {
		s, err := loadSigner(e, f.signCert, &f.signPw, f.signMinDays)
		if err != nil {
			return err
		}
		sign = s.signFunc(h)
	}
	in, ins, err := loadChange(e, &f.changeFlags, args)
	if err != nil {
		return err
	}
	for _, w := range ins.warnings {
		fmt.Fprintf(e.stderr, "certswap: warning: %s\n", w)
	}
	rep, err := validate.Run(in)
	if err != nil {
		return err
	}
	return writeChange(e, in, rep, targets, f.out, f.force, f.allowFindings, sign)
}

// writeChange plans, renders and writes the change folder from a validation run; shared by
// generate and demo.
func writeChange(e *env, in *validate.Input, rep *validate.Report, targets []string, out string, force, allowFindings bool, sign generator.SignFunc) error {
	if n := rep.Summary.Error; n > 0 && !allowFindings {
		for _, fd := range rep.Findings {
			if fd.Severity == validate.SeverityError {
				fmt.Fprintf(e.stderr, "certswap: %s: %s: %s\n", fd.File, fd.ID, oneLine(fd.Message))
			}
		}
		return &failure{fmt.Sprintf("%d error finding(s): nothing generated (fix them, or use --allow-findings)", n)}
	}
	plan, err := generator.PlanFromReport(in, rep, targets)
	if err != nil {
		return err
	}
	files, err := generator.Render(plan)
	if err != nil {
		return err
	}
	if err := generator.Write(out, files, force, sign); err != nil {
		return err
	}
	names := append(plan.Runbooks(), "CHANGE.md", "plan.json", "SHA256SUMS")
	fmt.Fprintf(e.stderr, "certswap: wrote %s: %s\n", out, strings.Join(names, ", "))
	return nil
}
