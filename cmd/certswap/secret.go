package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"certswap/validate/cert"
)

// passwordSource is one PFX flag's password source: a file or an environment variable, never a
// plain flag value. With neither, cert.Load tries the empty password and then the prompt.
type passwordSource struct {
	file, envName string
	fileFlag      string // flag names, for messages
	envFlag       string
	cached        *string // the password file's content, read once per run
}

// addPasswordFlags declares --<prefix>password-file and --<prefix>password-env.
func addPasswordFlags(fs *pflag.FlagSet, p *passwordSource, prefix, serves string) {
	p.fileFlag = "--" + prefix + "password-file"
	p.envFlag = "--" + prefix + "password-env"
	fs.StringVar(&p.file, prefix+"password-file", "", "read the password of "+serves+" from this file (one trailing newline is dropped)")
	fs.StringVar(&p.envName, prefix+"password-env", "", "read the password of "+serves+" from this environment variable")
}

// loadOptions turns the source into cert.LoadOptions for the file named name. It reads a password
// file once, warns when others can read it, and never puts the password in an error.
func (p *passwordSource) loadOptions(e *env, name string) (cert.LoadOptions, error) {
	var opts cert.LoadOptions
	switch {
	case p.file != "" && p.envName != "":
		return opts, usageErrorf("%s and %s are mutually exclusive", p.fileFlag, p.envFlag)
	case p.file != "":
		if p.cached == nil {
			pw, err := readPasswordFile(e, p.file)
			if err != nil {
				return opts, err
			}
			p.cached = &pw
		}
		opts.Password = p.cached
	case p.envName != "":
		pw, ok := e.lookupEnv(p.envName)
		if !ok {
			return opts, usageErrorf("%s: environment variable %s is not set", p.envFlag, p.envName)
		}
		opts.Password = &pw
	default:
		if e.terminal() {
			opts.Prompt = func() (string, error) { return e.prompt(fmt.Sprintf("Password for %s: ", name)) }
		}
	}
	return opts, nil
}

// readPasswordFile reads a password file: one trailing LF or CRLF is not part of the password, an
// empty file is the empty password, and a file others can read gets one warning line.
func readPasswordFile(e *env, path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fileError(path, unwrapPathError(err))
	}
	if !st.Mode().IsRegular() && path != "/dev/stdin" {
		return "", fileError(path, fmt.Errorf("password file is not a regular file"))
	}
	if st.Size() > 64*1024 {
		return "", fileError(path, fmt.Errorf("password file is larger than 64 KiB"))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fileError(path, unwrapPathError(err))
	}
	if st.Mode().Perm()&0o004 != 0 && !e.warned[path] {
		if e.warned == nil {
			e.warned = map[string]bool{}
		}
		e.warned[path] = true
		fmt.Fprintf(e.stderr, "certswap: warning: %s: password file is readable by others (chmod 600 %s)\n", path, path)
	}
	s := string(b)
	if strings.HasSuffix(s, "\r\n") {
		s = s[:len(s)-2]
	} else if strings.HasSuffix(s, "\n") {
		s = s[:len(s)-1]
	}
	return s, nil
}

func stdinIsTerminal() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

// promptPassword asks on the terminal (stderr) and reads without echo.
func promptPassword(label string) (string, error) {
	fmt.Fprint(os.Stderr, label)
	b, err := term.ReadPassword(int(os.Stdin.Fd()))
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", fmt.Errorf("reading the password: %v", err)
	}
	return string(b), nil
}
