package generator

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"

	"certswap/validate/psquote"
)

// removedFuncs are the sprig functions the templates must never reach: quote and squote do not
// double embedded quotes (a PowerShell literal comes only from psq), ago and the random functions
// are not repeatable, and the key, certificate and password generators have no place in a runbook.
var removedFuncs = []string{
	"quote", "squote", "ago", "shuffle", "randInt",
	"bcrypt", "htpasswd", "genPrivateKey", "derivePassword", "buildCustomCert",
	"genCA", "genCAWithKey", "genSelfSignedCert", "genSelfSignedCertWithKey",
	"genSignedCert", "genSignedCertWithKey", "encryptAES", "decryptAES", "randBytes",
}

// FuncMap returns the functions the templates may use: sprig's hermetic text functions without
// removedFuncs, plus
//
//	psq      a value as one PowerShell single-quoted literal (validate/psquote)
//	psqList  a list as an array of literals ('a', 'b')
//	md       a value escaped for Markdown text and table cells
//	mdCode   a value as Markdown inline code
//	utc      a time as RFC 3339 UTC
func FuncMap() template.FuncMap {
	m := sprig.HermeticTxtFuncMap()
	for _, k := range removedFuncs {
		delete(m, k)
	}
	m["psq"] = psquote.Quote
	m["psqList"] = psquote.List
	m["md"] = MarkdownEscape
	m["mdCode"] = MarkdownCode
	m["utc"] = func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	return m
}

// MarkdownEscape escapes s for inline Markdown text and GFM table cells (never the start of a
// line, where block syntax would need more): the characters inline syntax uses (backslash,
// backtick, * _ [ ] < > ~ &) get a backslash, a pipe becomes \|, and control characters are shown
// as \u escapes so that a line or a table row can never be broken.
func MarkdownEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			fmt.Fprintf(&b, "\\\\u%04x", r)
		case strings.ContainsRune("\\`*_[]<>|~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarkdownCode writes s as an inline code span: fenced by one more backtick than the longest run
// inside it, padded with a space when it starts or ends with a backtick or a space. Pipes are written
// as \| so that the span is safe inside a GFM table cell (GFM removes that backslash inside tables).
// Control characters are shown as \u escapes.
func MarkdownCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	v := b.String()
	longest, run := 0, 0
	for _, r := range v {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if v == "" {
		return "(empty)"
	}
	if strings.HasPrefix(v, "`") || strings.HasSuffix(v, "`") || strings.HasPrefix(v, " ") || strings.HasSuffix(v, " ") {
		v = " " + v + " "
	}
	v = strings.ReplaceAll(v, "|", "\\|")
	return fence + v + fence
}
