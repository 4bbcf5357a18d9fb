package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"certswap/validate"
)

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
)

var ansiSeverity = map[validate.Severity]string{
	validate.SeverityError:   "\x1b[1;31m",
	validate.SeverityWarning: "\x1b[33m",
	validate.SeverityNotice:  "\x1b[36m",
}

// group is the findings of one object.
type group struct {
	object, server, file string
	line                 int
	findings             []*validate.Finding
	worst                int
}

// WriteText writes the report for people: a header naming the certificate, the findings grouped
// by object (most severe group first, then by file and line), each with its fix underneath, the
// run's notes, and a one-line summary. ANSI colour is used only when color is true. Notes about
// input files (Note.Input) are left out: cmd prints those on stderr.
func WriteText(w io.Writer, r *validate.Report, color bool) error {
	tw := &textWriter{w: w, color: color}
	c := r.Certificate
	tw.printf("certswap validate: stage %s at %s\n", r.Stage, r.At.UTC().Format("2006-01-02T15:04:05Z"))
	tw.printf("new certificate %s (%s)\n", c.Thumbprint, printable(c.File))
	tw.printf("  subject  %s\n  issuer   %s\n  valid    %s to %s\n", printable(c.Subject), printable(c.Issuer),
		c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"))
	tw.printf("  TlsCertificateName %s\n", printable(c.TLSCertificateName))
	for _, n := range r.Notes {
		if n.Input {
			continue
		}
		tw.printf("note: %s\n", printable(n.Message))
	}

	for _, g := range groups(r.Findings) {
		tw.printf("\n")
		where := printable(g.file)
		if g.line > 0 {
			where = fmt.Sprintf("%s:%d", where, g.line)
		}
		if g.server != "" {
			where = printable(g.server) + ", " + where
		}
		tw.bold(printable(g.object))
		tw.printf(" (%s)\n", where)
		for _, f := range g.findings {
			tw.printf("  ")
			tw.severity(f.Severity)
			tw.printf(" %s", f.ID)
			if f.Line > 0 && f.Line != g.line {
				tw.printf(" (line %d)", f.Line)
			}
			tw.printf("\n    %s\n", printable(f.Message))
			if f.Fix != "" {
				tw.printf("    fix: %s\n", printable(f.Fix))
			}
		}
	}
	tw.printf("\n%s\n", summaryLine(r.Summary))
	return tw.err
}

// summaryLine is the one-line summary: "3 findings: 1 error, 2 warnings, 0 notices" or "no findings".
func summaryLine(s validate.Summary) string {
	n := s.Error + s.Warning + s.Notice
	if n == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%s: %s, %s, %s", plural(n, "finding"), plural(s.Error, "error"), plural(s.Warning, "warning"), plural(s.Notice, "notice"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// groups groups findings by (file, object, server), the most severe group first, then by file and
// line; inside a group the most severe finding first, then by ID. The groups point into fs.
func groups(fs []validate.Finding) []*group {
	type key struct{ file, object, server string }
	byKey := make(map[key]int, len(fs)/2)
	var gs []group
	in := make([]int32, len(fs)) // the group of each finding
	sizes := []int32{}
	for i := range fs {
		f := &fs[i]
		k := key{f.File, f.Object, f.Server}
		gi, ok := byKey[k]
		if !ok {
			gi = len(gs)
			byKey[k] = gi
			gs = append(gs, group{object: f.Object, server: f.Server, file: f.File, line: f.Line})
			sizes = append(sizes, 0)
		}
		g := &gs[gi]
		if f.Line > 0 && (g.line == 0 || f.Line < g.line) {
			g.line = f.Line
		}
		if r := f.Severity.Rank(); r > g.worst {
			g.worst = r
		}
		in[i] = int32(gi)
		sizes[gi]++
	}
	// Every group's findings are a part of one array, in the order of fs.
	all := make([]*validate.Finding, len(fs))
	off := 0
	for gi := range gs {
		n := int(sizes[gi])
		gs[gi].findings = all[off : off : off+n]
		off += n
	}
	for i := range fs {
		g := &gs[in[i]]
		g.findings = append(g.findings, &fs[i])
	}
	out := make([]*group, len(gs))
	for gi := range gs {
		g := &gs[gi]
		out[gi] = g
		if len(g.findings) > 1 {
			sort.SliceStable(g.findings, func(i, j int) bool {
				a, b := g.findings[i], g.findings[j]
				if a.Severity.Rank() != b.Severity.Rank() {
					return a.Severity.Rank() > b.Severity.Rank()
				}
				return a.ID < b.ID
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.worst != b.worst:
			return a.worst > b.worst
		case a.file != b.file:
			return a.file < b.file
		case a.line != b.line:
			return a.line < b.line
		}
		return a.object < b.object
	})
	return out
}

type textWriter struct {
	w     io.Writer
	color bool
	err   error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) bold(s string) {
	if t.color {
		t.printf("%s%s%s", ansiBold, s, ansiReset)
		return
	}
	t.printf("%s", s)
}

func (t *textWriter) severity(s validate.Severity) {
	word := strings.ToUpper(s.String())
	if t.color {
		t.printf("%s%-7s%s", ansiSeverity[s], word, ansiReset)
		return
	}
	t.printf("%-7s", word)
}
