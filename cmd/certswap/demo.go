package main

import (
	"bytes"
	"crypto"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"certswap/generator"
	"certswap/validate"
	"certswap/validate/report"
)

// demoFS holds the sample data: the renewal certificate (PFX, empty password), the old certificate,
// and the exports of EX01, ADFS01 and WAP01 (demo/make-demo.sh made them).
//
//go:embed demo/new.pfx demo/old.cer demo/exports
var demoFS embed.FS

var demoFlags struct {
	out, signCert string
	signPw        passwordSource
}

var demoCommand = &command{
	name:  "demo",
	usage: "demo [--out DIR] [--sign-cert CODESIGN.pfx]",
	short: "run the whole pipeline on embedded sample data",
	long: `Runs validate and generate on sample data built into certswap: the Exchange field story (a
renewal from "Sectigo RSA Domain Validation Secure Server CA" replacing one from "COMODO RSA Domain
Validation Secure Server CA", same subject, receive and send connectors and the hybrid configuration
still naming the old issuer) and the AD FS/WAP story (Service-Communications moved, HTTP.sys and the
published applications still on the old thumbprint). Prints the validation report and writes the
generated folder into DIR, or into a new temporary folder whose path it prints. Signs only with
--sign-cert. Exits 0 whenever the pipeline ran, whatever it found.`,
	flags: func(fs *pflag.FlagSet) {
		demoFlags = struct {
			out, signCert string
			signPw        passwordSource
		}{}
		fs.StringVar(&demoFlags.out, "out", "", "write the generated folder here (must not exist or be empty)")
		fs.StringVar(&demoFlags.signCert, "sign-cert", "", "Authenticode-sign the runbooks with this code-signing PFX")
		addPasswordFlags(fs, &demoFlags.signPw, "sign-", "--sign-cert")
	},
	run: runDemo,
}

func runDemo(e *env, args []string) error {
	if len(args) > 0 {
		return usageErrorf("demo takes no arguments")
	}
	// The signing identity first: a wrong password or an unusable certificate stops the demo
	// before it prints a report or creates a folder.
	var sign generator.SignFunc
	if demoFlags.signCert != "" {
		s, err := loadSigner(e, demoFlags.signCert, &demoFlags.signPw, 30)
		if err != nil {
			return err
		}
		sign = s.signFunc(crypto.SHA256)
	}
	work, err := os.MkdirTemp("", "certswap-demo-input-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := copyEmbedded(demoFS, "demo", work); err != nil {
		return fmt.Errorf("demo: unpacking the sample data: %w", err)
	}
	out := demoFlags.out
	if out == "" {
		parent, err := os.MkdirTemp("", "certswap-demo-*")
		if err != nil {
			return err
		}
		out = filepath.Join(parent, "change")
	}
	f := &changeFlags{cert: filepath.Join(work, "new.pfx"), old: filepath.Join(work, "old.cer"), stage: "before", minDays: validate.DefaultMinDays}
	in, _, err := loadChange(e, f, []string{filepath.Join(work, "exports")})
	if err != nil {
		return err
	}
	rep, err := validate.Run(in)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := report.WriteText(&buf, rep, colorOK(e)); err != nil {
		return err
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if err := writeChange(e, in, rep, nil, out, false, true, sign); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nGenerated folder: %s\n", out)
	return nil
}

// copyEmbedded writes the embedded tree below root into dir, file names relative to root.
func copyEmbedded(fsys embed.FS, root, dir string) error {
	return fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dir, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := fsys.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
}
