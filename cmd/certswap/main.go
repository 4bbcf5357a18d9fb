// Command certswap validates a TLS certificate change on Exchange Server, AD FS and Web Application
// Proxy offline, and writes the signed PowerShell runbooks that make the change.
//
// Run `certswap help` for the commands; README.md has the whole story.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], newEnv(os.Stdin, os.Stdout, os.Stderr)))
}

// env is what a command may touch of the outside world; tests replace parts of it.
type env struct {
	stdin     io.Reader
	stdout    io.Writer
	stderr    io.Writer
	lookupEnv func(string) (string, bool)
	now       func() time.Time
	// terminal reports whether a password prompt can be shown; prompt reads one without echo.
	terminal func() bool
	prompt   func(label string) (string, error)
	// warned holds the password files already warned about, so one file named by two flags
	// gets one warning.
	warned map[string]bool
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer) *env {
	return &env{
		stdin:     stdin,
		stdout:    stdout,
		stderr:    stderr,
		lookupEnv: os.LookupEnv,
		now:       time.Now,
		terminal:  stdinIsTerminal,
		prompt:    promptPassword,
	}
}

// run executes one certswap command line and returns the exit status. Only run prints errors and
// only run chooses the exit status.
func run(args []string, e *env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			// One line, no stack trace: the stack goes nowhere a user would paste it from.
			fmt.Fprintf(e.stderr, "certswap: internal error: %v; please report it\n", r)
			if v, _ := e.lookupEnv("CERTSWAP_DEBUG"); v != "" {
				e.stderr.Write(debug.Stack())
			}
			code = 2
		}
	}()
	if len(args) == 0 {
		writeUsage(e.stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		if len(args) > 1 && name == "help" {
			c := lookup(args[1])
			if c == nil {
				return exitStatus(e, usageErrorf("help: unknown command %q (run 'certswap help')", args[1]))
			}
			writeCommandHelp(e.stdout, c)
			return 0
		}
		writeUsage(e.stdout)
		return 0
	case "-v", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		return exitStatus(e, usageErrorf("unknown command %q (run 'certswap help')", name))
	}
	fs := c.flagSet()
	if err := fs.Parse(args[1:]); err != nil {
		if isHelp(err) {
			writeCommandHelp(e.stdout, c)
			return 0
		}
		return exitStatus(e, usageErrorf("%s: %v (see 'certswap help %s')", c.name, err, c.name))
	}
	return exitStatus(e, c.run(e, fs.Args()))
}
