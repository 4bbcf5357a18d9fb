package main

import (
	"os"

	"golang.org/x/term"
)

// colorOK reports whether stdout may use colour: a terminal, and NO_COLOR unset.
func colorOK(e *env) bool {
	if _, set := e.lookupEnv("NO_COLOR"); set {
		return false
	}
	f, ok := e.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
