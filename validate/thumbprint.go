package validate

import (
	"certswap/validate/cert"
	"fmt"
	"strings"
	"unicode/utf8"

	"certswap/validate/export"
)

// thumbprintProps are the properties that hold a certificate thumbprint, lower-cased.
var thumbprintProps = map[string]bool{
	"thumbprint":                                   true,
	"certificatehash":                              true,
	"certificate hash":                             true,
	"certificatethumbprint":                        true,
	"externalcertificatethumbprint":                true,
	"internaltransportcertificatethumbprint":       true,
	"currentcertificatethumbprint":                 true,
	"nextcertificatethumbprint":                    true,
	"previouscertificatethumbprint":                true,
	"clientcertificatepreauthenticationthumbprint": true,
}

// thumbprintValue is one thumbprint found in the input.
type thumbprintValue struct {
	obj   *export.Object // nil for the --old flag
	prop  string
	value string
}

// eachThumbprint calls fn with every non-empty, exact thumbprint value of the exports and the
// --old flag, in input order. Lossy values are left to the checks that read them (they report
// "unknown:").
func (in *Input) eachThumbprint(fn func(thumbprintValue)) {
	if in.OldThumbprint != "" && in.Old == nil {
		fn(thumbprintValue{prop: "--old", value: in.OldThumbprint})
	}
	for _, f := range in.Exports {
		if f == nil {
			continue
		}
		for _, o := range f.Objects {
			for i := range o.Properties {
				pr := &o.Properties[i]
				if !isThumbprintProp(pr.Name) || pr.Value.Null || pr.Value.IsList || pr.Lossy != "" {
					continue
				}
				if strings.TrimSpace(pr.Value.Text) == "" {
					continue
				}
				fn(thumbprintValue{obj: o, prop: pr.Name, value: pr.Value.Text})
			}
		}
	}
}

// isThumbprintProp is thumbprintProps[strings.ToLower(name)] without lower-casing (an
// allocation) the many ASCII names that cannot be one: every key ends in "thumbprint" or "hash".
func isThumbprintProp(name string) bool {
	ascii := true
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii && !hasSuffixFoldASCII(name, "thumbprint") && !hasSuffixFoldASCII(name, "hash") {
		return false
	}
	return thumbprintProps[strings.ToLower(name)]
}

// hasSuffixFoldASCII reports whether the ASCII string s ends in the lower-case ASCII suffix,
// ignoring case.
func hasSuffixFoldASCII(s, suffix string) bool {
	if len(s) < len(suffix) {
		return false
	}
	s = s[len(s)-len(suffix):]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != suffix[i] {
			return false
		}
	}
	return true
}

func (in *Input) thumbprintFinding(t thumbprintValue, msg string) Finding {
	if t.obj == nil {
		return Finding{Object: "--old", File: nonEmpty(in.OldFile, "--old"), Message: msg}
	}
	return objFinding(t.obj, t.prop, msg)
}

// certificateThumbprintInvalid: a thumbprint is the SHA-1 of the certificate's DER, 40 hex digits;
// a value that is not 40 hex digits after cleaning names no certificate (a typo gives 42).
var certificateThumbprintInvalid = &Check{
	ID:       "certificate-thumbprint-invalid",
	Product:  ProductCertificate,
	Summary:  "a thumbprint in an export or on the command line is not 40 hex digits after cleaning",
	Citation: "DESIGN.md Exactness rules (thumbprint); field-notes.md G-01",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		in.eachThumbprint(func(t thumbprintValue) {
			if _, err := cert.CleanThumbprint(t.value); err != nil {
				where := t.prop
				if t.obj != nil {
					where = fmt.Sprintf("%s of %s", t.prop, objectName(t.obj))
				}
				out = addFinding(out, in.thumbprintFinding(t, fmt.Sprintf("%s is %q: %v; it names no certificate", where, t.value, err)))
			}
		})
		return out
	},
}

// certificateThumbprintCleaned: thumbprints copied from the MMC details dialog carry spaces and an
// invisible U+200E mark (KB 2023835); cmdlets given such a value find no certificate.
var certificateThumbprintCleaned = &Check{
	ID:       "certificate-thumbprint-cleaned",
	Product:  ProductCertificate,
	Summary:  "a thumbprint carried spaces, separators or invisible characters that certswap removed",
	Citation: "KB 2023835 (Microsoft: a thumbprint copied from the MMC certificate snap-in carries an invisible Unicode character); field-notes.md G-01",
	Before:   SeverityNotice,
	After:    SeverityNotice,
	Run: func(in *Input) []Finding {
		var out []Finding
		in.eachThumbprint(func(t thumbprintValue) {
			cl, err := cert.CleanThumbprint(t.value)
			if err != nil || len(cl.Removed) == 0 {
				return
			}
			where := t.prop
			if t.obj != nil {
				where = fmt.Sprintf("%s of %s", t.prop, objectName(t.obj))
			}
			out = addFinding(out, in.thumbprintFinding(t, fmt.Sprintf("%s is %q: certswap removed %s and reads %s; a cmdlet given the value as written finds no certificate", where, t.value, strings.Join(cl.Removed, ", "), cl.Value)))
		})
		return out
	},
}
