package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"certswap/validate/cert"
)

var inspectFlags struct {
	json bool
	pw   passwordSource
}

var inspectCommand = &command{
	name:  "inspect",
	usage: "inspect [--json] FILE|DIR...",
	short: "show what certswap reads from certificates and exports",
	long: `Reads certificates (PFX/P12, CER as DER, PEM or Base64, P7B) and configuration exports
(Format-List, Format-Table, Export-Clixml, ConvertTo-Json, Export-Csv, netsh http show sslcert),
telling them apart by content, and prints what certswap understood: for a certificate its
thumbprint, names exactly as Windows prints them, the <I>issuer<S>subject string Exchange stores,
validity, SANs, key and chain; for an export its format, encoding, objects and warnings.
Folders are read recursively; a file inside a folder whose kind cannot be told is skipped with a
warning. --json gives every property exactly as exported. Exports past 64 MiB in all are read twice
(checked, then printed) rather than held in memory, so an export of any size needs little memory.`,
	flags: func(fs *pflag.FlagSet) {
		inspectFlags = struct {
			json bool
			pw   passwordSource
		}{}
		fs.BoolVar(&inspectFlags.json, "json", false, "print JSON (the shape in DESIGN.md) and nothing else on stdout")
		addPasswordFlags(fs, &inspectFlags.pw, "", "every PFX")
	},
	run: runInspect,
}

func runInspect(e *env, args []string) error {
	if len(args) == 0 {
		return usageErrorf("inspect: no FILE given (see 'certswap help inspect')")
	}
	r, err := readInspectInputs(e, args, &inspectFlags.pw)
	if err != nil {
		return err
	}
	// Nothing reaches stdout unless every input was read: the first pass has checked every
	// streamed export, and the second pass only prints.
	w := bufio.NewWriterSize(e.stdout, 64<<10)
	if inspectFlags.json {
		err = writeInspectJSON(w, r)
	} else {
		for _, m := range r.warnings {
			fmt.Fprintf(e.stderr, "certswap: warning: %s\n", m)
		}
		for _, cf := range r.certs {
			writeCertText(w, cf)
		}
		for _, x := range r.exports {
			if err = writeExportText(w, e, x); err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

type chainJSON struct {
	Subject    string `json:"subject"`
	Issuer     string `json:"issuer"`
	Thumbprint string `json:"thumbprint"`
}

type certJSON struct {
	File               string      `json:"file"`
	Thumbprint         string      `json:"thumbprint"`
	SHA256             string      `json:"sha256"`
	Subject            string      `json:"subject"`
	Issuer             string      `json:"issuer"`
	TLSCertificateName string      `json:"tlsCertificateName"`
	SerialNumber       string      `json:"serialNumber"`
	NotBefore          string      `json:"notBefore"`
	NotAfter           string      `json:"notAfter"`
	DNSNames           []string    `json:"dnsNames"`
	IPAddresses        []string    `json:"ipAddresses"`
	KeyAlgorithm       string      `json:"keyAlgorithm"`
	KeySize            int         `json:"keySize"`
	SignatureAlgorithm string      `json:"signatureAlgorithm"`
	ExtKeyUsage        []string    `json:"extKeyUsage"`
	HasPrivateKey      bool        `json:"hasPrivateKey"`
	SelfSigned         bool        `json:"selfSigned"`
	Chain              []chainJSON `json:"chain"`
	Notes              []string    `json:"notes,omitempty"`
}

func certificatesJSON(cf *cert.File) []certJSON {
	var out []certJSON
	for _, c := range cf.Leaves {
		j := certJSON{
			File:               cf.Name,
			Thumbprint:         c.Thumbprint,
			SHA256:             c.SHA256,
			Subject:            c.Subject,
			Issuer:             c.Issuer,
			TLSCertificateName: cert.TLSCertificateName(c.Issuer, c.Subject),
			SerialNumber:       c.SerialNumber,
			NotBefore:          rfc3339(c.NotBefore),
			NotAfter:           rfc3339(c.NotAfter),
			DNSNames:           nonNil(c.DNSNames),
			IPAddresses:        nonNil(c.IPAddresses),
			KeyAlgorithm:       c.KeyAlgorithm,
			KeySize:            c.KeySize,
			SignatureAlgorithm: c.SignatureAlgorithm,
			ExtKeyUsage:        ekuNames(c.ExtKeyUsage),
			HasPrivateKey:      c.HasPrivateKey,
			SelfSigned:         c.SelfSigned,
			Chain:              []chainJSON{},
		}
		for _, p := range cf.Chain {
			j.Chain = append(j.Chain, chainJSON{Subject: p.Subject, Issuer: p.Issuer, Thumbprint: p.Thumbprint})
		}
		if c.ParseError != nil {
			j.Notes = append(j.Notes, "Go's crypto/x509 rejects this certificate ("+c.ParseError.Error()+"); names, thumbprints, serial, validity and SANs were read from the DER, checks needing the public key cannot run")
		}
		out = append(out, j)
	}
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// ekuNames prints EKU OIDs as the Windows certificate dialog does: "Server Authentication (1.3.6.1.5.5.7.3.1)".
func ekuNames(oids []string) []string {
	out := make([]string, 0, len(oids))
	for _, o := range oids {
		if n, ok := ekuFriendly[o]; ok {
			out = append(out, n+" ("+o+")")
		} else {
			out = append(out, o)
		}
	}
	return out
}

// ekuFriendly holds the friendly names Windows shows for the common EKUs.
var ekuFriendly = map[string]string{
	"1.3.6.1.5.5.7.3.1":      "Server Authentication",
	"1.3.6.1.5.5.7.3.2":      "Client Authentication",
	"1.3.6.1.5.5.7.3.3":      "Code Signing",
	"1.3.6.1.5.5.7.3.4":      "Secure Email",
	"1.3.6.1.5.5.7.3.8":      "Time Stamping",
	"1.3.6.1.5.5.7.3.9":      "OCSP Signing",
	"1.3.6.1.4.1.311.10.3.3": "Microsoft Server Gated Crypto",
	"2.16.840.1.113730.4.1":  "Netscape Server Gated Crypto",
	"2.5.29.37.0":            "Any Purpose",
}

func writeCertText(w io.Writer, cf *cert.File) {
	for _, c := range cf.Leaves {
		fmt.Fprintf(w, "%s: certificate (%s)\n", cf.Name, cf.Format)
		row := func(k, v string) { fmt.Fprintf(w, "  %-20s %s\n", k+":", v) }
		row("Thumbprint", c.Thumbprint)
		row("SHA-256", c.SHA256)
		row("Subject", c.Subject)
		row("Issuer", c.Issuer)
		row("TlsCertificateName", cert.TLSCertificateName(c.Issuer, c.Subject))
		row("Serial number", c.SerialNumber)
		row("Valid from", rfc3339(c.NotBefore))
		row("Valid to", rfc3339(c.NotAfter))
		row("DNS names", strings.Join(c.DNSNames, ", "))
		if len(c.IPAddresses) > 0 {
			row("IP addresses", strings.Join(c.IPAddresses, ", "))
		}
		row("Key", fmt.Sprintf("%s %d", c.KeyAlgorithm, c.KeySize))
		if c.KeyProvider != "" {
			row("Key provider", c.KeyProvider)
		}
		row("Signature", c.SignatureAlgorithm)
		row("Enhanced key usage", strings.Join(ekuNames(c.ExtKeyUsage), ", "))
		row("Private key", yesNo(c.HasPrivateKey))
		row("Self-signed", yesNo(c.SelfSigned))
		if c.ParseError != nil {
			row("Note", "crypto/x509 rejects it ("+c.ParseError.Error()+"); read from the DER")
		}
		for i, p := range cf.Chain {
			row(fmt.Sprintf("Chain %d", i+1), p.Subject+"  ["+p.Thumbprint+"]")
		}
		fmt.Fprintln(w)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
