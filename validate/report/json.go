package report

import (
	"encoding/json"
	"io"

	"certswap/validate"
)

// WriteJSON writes the report in DESIGN.md's shape: {"stage","at","certificate","notes",
// "findings","summary"} (plus "oldCertificate"), every key always present, lists never null, and
// "<", ">" and "&" written as themselves.
func WriteJSON(w io.Writer, r *validate.Report) error {
	c := *r
	if c.Notes == nil {
		c.Notes = []validate.Note{}
	}
	if c.Findings == nil {
		c.Findings = []validate.Finding{}
	}
	if c.Certificate.DNSNames == nil {
		c.Certificate.DNSNames = []string{}
	}
	if c.Old.Thumbprints == nil {
		c.Old.Thumbprints = []string{}
	}
	if c.Old.TLSCertificateNames == nil {
		c.Old.TLSCertificateNames = []string{}
	}
	c.At = c.At.UTC()
	return encode(w, &c)
}

func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
