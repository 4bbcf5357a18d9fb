package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// command is one certswap command: its usage, help text, flags and what it does.
type command struct {
	name  string
	usage string // the usage line after "certswap "
	short string // one line for the command list
	long  string // the help text
	flags func(fs *pflag.FlagSet)
	run   func(e *env, args []string) error
	// set by flagSet so run can read the flags it declared
	fs *pflag.FlagSet
}

// commands is the command table, in the order help lists them.
var commands []*command

func init() {
	// Declared here rather than in the var so that the command functions may refer to the table
	// (help, demo) without an initialisation cycle. Nothing is computed.
	commands = []*command{
		inspectCommand, thumbprintCommand, validateCommand, generateCommand, collectCommand,
		signCommand, verifyCommand, checksCommand, demoCommand, versionCommand,
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flagSet makes the command's FlagSet, one per command, errors returned rather than printed.
func (c *command) flagSet() *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if c.flags != nil {
		c.flags(fs)
	}
	c.fs = fs
	return fs
}

func isHelp(err error) bool { return errors.Is(err, pflag.ErrHelp) }

func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "certswap: offline validation and runbooks for TLS certificate changes on Exchange, AD FS and WAP\n\n")
	fmt.Fprintf(w, "Usage:\n  certswap COMMAND [flags] [args]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.short)
	}
	fmt.Fprintf(w, "\nRun 'certswap help COMMAND' or 'certswap COMMAND -h' for a command's flags.\n")
	fmt.Fprintf(w, "Exit status: 0 success, 1 findings or a failed check, 2 usage or input errors.\n")
}

func writeCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "Usage: certswap %s\n\n%s\n", c.usage, strings.TrimSpace(c.long))
	fs := c.flagSet()
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}
