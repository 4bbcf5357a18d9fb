package main

import (
	"bytes"

	"github.com/spf13/pflag"

	"certswap/validate"
	"certswap/validate/report"
)

var checksFlags struct{ json bool }

var checksCommand = &command{
	name:  "checks",
	usage: "checks [--json]",
	short: "list every check: id, severity before/after, product, summary",
	long: `Lists every check certswap runs, from the one table they are declared in: its stable id (as
findings, SARIF rules and JUnit test cases name it), product, severity in each stage (before/after;
"none" = not run there), summary and citation.`,
	flags: func(fs *pflag.FlagSet) {
		checksFlags.json = false
		fs.BoolVar(&checksFlags.json, "json", false, "print JSON and nothing else on stdout")
	},
	run: func(e *env, args []string) error {
		if len(args) > 0 {
			return usageErrorf("checks takes no arguments")
		}
		var buf bytes.Buffer
		if err := report.WriteChecks(&buf, validate.Checks(), checksFlags.json); err != nil {
			return err
		}
		_, err := e.stdout.Write(buf.Bytes())
		return err
	},
}
