package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"certswap/generator/authenticode"
	"certswap/validate/cert"
)

var verifyFlags struct {
	trust []string
	json  bool
	at    string
}

var verifyCommand = &command{
	name:  "verify",
	usage: "verify [--trust CA.cer]... [--json] FILE...",
	short: "verify Authenticode signatures of PowerShell files",
	long: `Checks the Authenticode signature of each PowerShell file byte for byte: the signature block's
layout, the digest over the script, the PKCS#7 signature, the codeSigning EKU and the signer's chain
up to a --trust root, judged now (or at --at), as Windows judges a signature without a timestamp.
Prints per file: status (Valid, HashMismatch, NotSigned, UntrustedRoot, Expired, NotCodeSigning,
Malformed), signer subject and thumbprint, digest algorithm. Exits 0 only when every file is Valid.`,
	flags: func(fs *pflag.FlagSet) {
		verifyFlags = struct {
			trust []string
			json  bool
			at    string
		}{}
		fs.StringArrayVar(&verifyFlags.trust, "trust", nil, "a trusted root certificate (CER/PEM/P7B); repeatable")
		fs.BoolVar(&verifyFlags.json, "json", false, "print JSON and nothing else on stdout")
		fs.StringVar(&verifyFlags.at, "at", "", "judge validity at this time (RFC 3339 or YYYY-MM-DD) instead of now")
	},
	run: runVerify,
}

type verifyFileJSON struct {
	File            string     `json:"file"`
	Status          string     `json:"status"`
	Signer          signerJSON `json:"signer"`
	DigestAlgorithm string     `json:"digestAlgorithm"`
	Message         string     `json:"message"`
}

type signerJSON struct {
	Subject    string `json:"subject"`
	Thumbprint string `json:"thumbprint"`
}

func runVerify(e *env, args []string) error {
	f := verifyFlags
	if len(args) == 0 {
		return usageErrorf("verify: no FILE given")
	}
	at := e.now()
	if f.at != "" {
		t, err := parseAt(f.at)
		if err != nil {
			return err
		}
		at = t
	}
	var roots []*x509.Certificate
	for _, p := range f.trust {
		cf, err := readCertFile(e, p, &passwordSource{})
		if err != nil {
			return err
		}
		for _, c := range append(append([]*cert.Certificate{}, cf.Leaves...), cf.Chain...) {
			if c.X509 == nil {
				return fileError(p, fmt.Errorf("cannot be used as a trust anchor: %v", c.ParseError))
			}
			roots = append(roots, c.X509)
		}
	}
	var results []verifyFileJSON
	bad := 0
	for _, p := range args {
		data, _, err := readScript(p)
		if err != nil {
			return err
		}
		r := authenticode.Verify(p, data, authenticode.VerifyOptions{Roots: roots, At: at})
		j := verifyFileJSON{File: p, Status: string(r.Status), DigestAlgorithm: r.DigestAlgorithm, Message: r.Message}
		if r.Signer != nil {
			j.Signer = signerJSON{Subject: cert.WindowsName(r.Signer.RawSubject), Thumbprint: cert.Thumbprint(r.Signer.Raw)}
		}
		if r.Status != authenticode.Valid {
			bad++
		}
		for _, w := range r.Warnings {
			if !f.json {
				fmt.Fprintf(e.stderr, "certswap: warning: %s: %s\n", p, w)
			} else if j.Message == "" {
				j.Message = w
			} else {
				j.Message += "; " + w
			}
		}
		results = append(results, j)
	}
	var buf bytes.Buffer
	if f.json {
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"files": results}); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			fmt.Fprintf(&buf, "%s: %s\n", r.File, r.Status)
			if r.Signer.Subject != "" {
				fmt.Fprintf(&buf, "  signer:  %s [%s]\n", r.Signer.Subject, r.Signer.Thumbprint)
			}
			if r.DigestAlgorithm != "" {
				fmt.Fprintf(&buf, "  digest:  %s\n", r.DigestAlgorithm)
			}
			if r.Message != "" {
				fmt.Fprintf(&buf, "  message: %s\n", r.Message)
			}
		}
	}
	if _, err := e.stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	if bad > 0 {
		var first []string
		for _, r := range results {
			if r.Status != string(authenticode.Valid) {
				first = append(first, r.File+": "+r.Status)
			}
		}
		if bad == 1 {
			return &failure{first[0]}
		}
		return &failure{fmt.Sprintf("%d of %d files not Valid (%s)", bad, len(results), strings.Join(first, ", "))}
	}
	return nil
}

// parseAt reads --at: RFC 3339, or YYYY-MM-DD meaning 00:00 UTC.
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, usageErrorf("--at %q: use RFC 3339 (2026-12-24T22:00:00Z) or YYYY-MM-DD", s)
}
