package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise the module version.
var version = ""

var versionCommand = &command{
	name:  "version",
	usage: "version",
	short: "print certswap's version",
	long:  "Prints certswap's version and the Go version it was built with.",
	run: func(e *env, args []string) error {
		if len(args) > 0 {
			return usageErrorf("version takes no arguments")
		}
		v, goVersion := version, ""
		if bi, ok := debug.ReadBuildInfo(); ok {
			goVersion = bi.GoVersion
			if v == "" {
				v = bi.Main.Version
			}
		}
		if v == "" || v == "(devel)" {
			v = "devel"
		}
		_, err := fmt.Fprintf(e.stdout, "certswap %s (%s)\n", v, goVersion)
		return err
	},
}
