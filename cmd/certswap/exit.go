package main

import (
	"errors"
	"fmt"
	"strings"
)

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// failure is a run that worked but whose verdict is "no": exit status 1. msg is the one closing
// line on stderr (certswap: 3 findings at or above warning).
type failure struct{ msg string }

func (e *failure) Error() string { return e.msg }

// silentFailure is exit status 1 whose account has already been printed.
var errSilentFailure = errors.New("")

// exitStatus prints err as the one certswap error line and returns the exit status: 0 for nil, 1 for a
// failure, 2 for everything else (usage, unreadable or unusable input).
func exitStatus(e *env, err error) int {
	if err == nil {
		return 0
	}
	var f *failure
	if errors.As(err, &f) {
		if f.msg != "" {
			fmt.Fprintf(e.stderr, "certswap: %s\n", oneLine(f.msg))
		}
		return 1
	}
	if errors.Is(err, errSilentFailure) {
		return 1
	}
	fmt.Fprintf(e.stderr, "certswap: %s\n", oneLine(err.Error()))
	return 2
}

// oneLine keeps an error on one line whatever a wrapped error contained.
func oneLine(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
}

// fileError names the file an error is about, once.
func fileError(name string, err error) error {
	if err == nil {
		return nil
	}
	if name == "" {
		name = "-"
	}
	if strings.HasPrefix(err.Error(), name+": ") {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
