package main

import (
	"github.com/spf13/pflag"

	"certswap/generator"
)

var collectFlags struct{ target, out string }

var collectCommand = &command{
	name:  "collect",
	usage: "collect --target exchange,adfs,wap [--out DIR]",
	short: "write collect.ps1, the read-only script that gathers exact exports",
	long: `Writes collect.ps1 into DIR (or to stdout). Run on the servers with -OutputPath P, it gathers
exactly the exports certswap needs, losslessly (Export-Clixml, $FormatEnumerationLimit = -1), into
P/<SERVER>/<Cmdlet>.xml and P/<Cmdlet>.xml, saves 'netsh http show sslcert' on AD FS and WAP nodes,
and writes P/certswap-collect.json naming the servers. It changes nothing. Edge servers are not
domain-joined: run the script locally there and copy the folder. Sign it with 'certswap sign' before
carrying it in where ExecutionPolicy is AllSigned.`,
	flags: func(fs *pflag.FlagSet) {
		collectFlags.target, collectFlags.out = "", ""
		fs.StringVar(&collectFlags.target, "target", "exchange,adfs,wap", "products to collect: exchange,adfs,wap")
		fs.StringVar(&collectFlags.out, "out", "", "write collect.ps1 into this folder (must not exist or be empty); default stdout")
	},
	run: func(e *env, args []string) error {
		if len(args) > 0 {
			return usageErrorf("collect takes no arguments")
		}
		targets, err := parseTargets(collectFlags.target)
		if err != nil {
			return err
		}
		script, err := generator.Collect(targets)
		if err != nil {
			return usageErrorf("collect: %v", err)
		}
		if collectFlags.out == "" {
			_, err = e.stdout.Write(script)
			return err
		}
		return writeNewDir(collectFlags.out, map[string][]byte{"collect.ps1": script}, false)
	},
}
