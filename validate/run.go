package validate

import (
	"certswap/validate/cert"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"certswap/validate/export"
)

// Report is the result of one run. JSON keys are DESIGN.md's; every key is always present.
type Report struct {
	Stage       Stage              `json:"stage"`
	At          time.Time          `json:"at"` // UTC, whole seconds
	Certificate CertificateSummary `json:"certificate"`
	Old         OldSummary         `json:"oldCertificate"`
	Notes       []Note             `json:"notes"`
	Findings    []Finding          `json:"findings"`
	Summary     Summary            `json:"summary"`
}

// CertificateSummary describes the new certificate in the JSON report (keys as `inspect --json`).
type CertificateSummary struct {
	File               string    `json:"file"`
	Thumbprint         string    `json:"thumbprint"`
	SHA256             string    `json:"sha256"`
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	TLSCertificateName string    `json:"tlsCertificateName"`
	SerialNumber       string    `json:"serialNumber"`
	NotBefore          time.Time `json:"notBefore"`
	NotAfter           time.Time `json:"notAfter"`
	DNSNames           []string  `json:"dnsNames"`
	HasPrivateKey      bool      `json:"hasPrivateKey"`
}

// OldSummary says what the run knew or inferred about the certificate being replaced.
type OldSummary struct {
	Source              string   `json:"source"` // how it was decided (also a Note)
	Thumbprints         []string `json:"thumbprints"`
	TLSCertificateNames []string `json:"tlsCertificateNames"`
}

// Note is a remark about the run or its input that is not a finding.
type Note struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	// Input is true for a warning about an input file (an export warning). In text mode cmd prints
	// those on stderr, so the text report leaves them out.
	Input bool `json:"-"`
}

// Summary counts findings per severity.
type Summary struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Notice  int `json:"notice"`
}

// Count returns how many findings are at or above min (0 for SeverityNone, i.e. never).
func (s Summary) Count(min Severity) int {
	n := 0
	if SeverityError.AtLeast(min) {
		n += s.Error
	}
	if SeverityWarning.AtLeast(min) {
		n += s.Warning
	}
	if SeverityNotice.AtLeast(min) {
		n += s.Notice
	}
	return n
}

// Run runs every check of the table that runs in in.Stage and returns the report. It fails only
// when the input is unusable (no new certificate, unknown stage) or a check panicked; the error
// then names the check.
func Run(in *Input) (*Report, error) {
	return runChecks(in, checks)
}

func runChecks(in *Input, table []*Check) (*Report, error) {
	if in == nil || in.New == nil {
		return nil, errors.New("no new certificate")
	}
	st, err := ParseStage(string(in.Stage))
	if err != nil {
		return nil, err
	}
	in.Stage = st
	if in.At.IsZero() {
		in.At = time.Now()
	}
	in.At = in.At.UTC().Truncate(time.Second)
	in.idx, in.selecting, in.compared, in.covered = buildIndex(in.Exports), nil, nil, nil
	old, notes := inferOld(in)
	in.old = old

	r := &Report{Stage: st, At: in.At, Certificate: summarize(in), Notes: notes, Findings: []Finding{}}
	r.Old = OldSummary{Source: old.how, Thumbprints: sortedKeys(old.thumbprints), TLSCertificateNames: sortedKeys(old.names)}
	for _, f := range in.Exports {
		if f == nil {
			continue
		}
		for _, w := range f.Warnings {
			r.Notes = append(r.Notes, Note{File: f.Name, Line: w.Line, Message: w.Message, Input: true})
		}
		for _, o := range f.Objects {
			for _, w := range o.Warnings {
				msg := w.Message
				if w.Property != "" {
					msg = w.Property + ": " + msg
				}
				r.Notes = append(r.Notes, Note{File: f.Name, Line: w.Line, Message: msg, Input: true})
			}
		}
	}

	// Each check's findings are completed where they are, then copied once into a report slice
	// of the exact size (a fleet run has 100,000s of findings; growing one slice copied them
	// again and again).
	parts := make([][]Finding, 0, len(table))
	total := 0
	for _, c := range table {
		sev := c.Severity(st)
		if sev == SeverityNone {
			continue
		}
		fs, err := runOne(c, in)
		if err != nil {
			return nil, err
		}
		for i := range fs {
			f := &fs[i]
			f.ID, f.Product = c.ID, c.Product
			if f.Severity == SeverityNone {
				f.Severity = sev
			}
			if f.File == "" {
				f.File = in.NewFile
			}
			if f.Change != nil && f.Change.Product == "" {
				f.Change.Product = c.Product
			}
		}
		parts = append(parts, fs)
		total += len(fs)
	}
	r.Findings = make([]Finding, 0, total)
	for i, fs := range parts {
		r.Findings = append(r.Findings, fs...)
		parts[i] = nil
	}
	sortFindings(r.Findings)
	for _, f := range r.Findings {
		switch f.Severity {
		case SeverityError:
			r.Summary.Error++
		case SeverityWarning:
			r.Summary.Warning++
		case SeverityNotice:
			r.Summary.Notice++
		}
	}
	return r, nil
}

// runOne runs one check, turning a panic into an error that names the check.
func runOne(c *Check, in *Input) (fs []Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			fs, err = nil, fmt.Errorf("check %s: internal error: %v", c.ID, p)
		}
	}()
	return c.Run(in), nil
}

// sortFindings orders findings by file, line, ID and object (then message), so every output
// format is deterministic.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		switch {
		case a.File != b.File:
			return a.File < b.File
		case a.Line != b.Line:
			return a.Line < b.Line
		case a.ID != b.ID:
			return a.ID < b.ID
		case a.Object != b.Object:
			return a.Object < b.Object
		case a.Server != b.Server:
			return a.Server < b.Server
		}
		return a.Message < b.Message
	})
}

func summarize(in *Input) CertificateSummary {
	c := in.New
	names := append([]string{}, c.DNSNames...)
	return CertificateSummary{
		File: in.NewFile, Thumbprint: c.Thumbprint, SHA256: c.SHA256, Subject: c.Subject, Issuer: c.Issuer,
		TLSCertificateName: in.newName(), SerialNumber: c.SerialNumber,
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), DNSNames: names, HasPrivateKey: c.HasPrivateKey,
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// adfsAppID is the HTTP.sys application ID AD FS (and the WAP federation proxy) own bindings with.
const adfsAppID = "{5d89a20c-beab-4389-9447-324788eb944a}"

// inferOld works out the certificate being replaced: from --old (a file or a thumbprint), else from
// the exports: ExchangeCertificate objects that share a name with the new certificate, connector
// TlsCertificateName values with the new subject but another issuer, and the AD FS bindings and
// Service-Communications certificate that are not on the new thumbprint. The returned Note says how.
func inferOld(in *Input) (*oldInfo, []Note) {
	o := &oldInfo{thumbprints: map[string]bool{}, names: map[string]bool{}}
	newTP := in.New.Thumbprint
	file := in.OldFile
	switch {
	case in.Old != nil:
		o.cert = in.Old
		o.thumbprints[in.Old.Thumbprint] = true
		o.names[cert.TLSCertificateName(in.Old.Issuer, in.Old.Subject)] = true
		o.issuer, o.subject = in.Old.Issuer, in.Old.Subject
		o.dnsNames = in.Old.DNSNames
		o.how = "old certificate from " + nonEmpty(in.OldFile, "--old")
	case in.OldThumbprint != "":
		if file == "" {
			file = "--old"
		}
		cl, err := cert.CleanThumbprint(in.OldThumbprint)
		if err != nil {
			o.how = "old certificate unknown: the --old thumbprint is not usable: " + err.Error()
			break
		}
		o.thumbprints[cl.Value] = true
		o.how = "old certificate from the --old thumbprint " + cl.Value
		for _, c := range in.objects(export.KindExchangeCertificate) {
			if tp, _ := exchangeCertThumbprint(c); tp == cl.Value {
				o.addExchangeCert(c)
				o.how += " (issuer and subject from " + c.File + ")"
				break
			}
		}
		if len(o.names) == 0 {
			if files := o.namesFromConnectors(in); len(files.names) > 0 {
				o.how += "; TlsCertificateName inferred from values with the new subject and another issuer (" + files.String() + ")"
			}
		}
	default:
		var why []string
		var files fileList
		for _, c := range in.objects(export.KindExchangeCertificate) {
			tp, _ := exchangeCertThumbprint(c)
			if tp == "" || tp == newTP || o.thumbprints[tp] {
				continue
			}
			if self, ok := boolProp(c, "IsSelfSigned"); ok && self {
				continue
			}
			subj, iss := exchangeCertNames(c)
			if subj == "" || subj == iss {
				continue
			}
			shares := subj == in.New.Subject
			for _, d := range exchangeCertDomains(c) {
				if in.coversNew(d).Covered {
					shares = true
				}
			}
			if !shares {
				continue
			}
			o.addExchangeCert(c)
			files.add(c.File)
		}
		if len(files.names) > 0 {
			why = append(why, "ExchangeCertificate objects that share a name with the new certificate ("+files.String()+")")
		}
		files = o.namesFromConnectors(in)
		if len(files.names) > 0 {
			why = append(why, "TlsCertificateName values with the new subject and another issuer ("+files.String()+")")
		}
		files = fileList{}
		for _, b := range adfsBindings(in) {
			tp := b.thumbprint
			if tp == "" || tp == newTP || isFallbackKey(b.key) {
				continue
			}
			o.thumbprints[tp] = true
			files.add(b.obj.File)
		}
		for _, c := range in.objects(export.KindAdfsCertificate) {
			if !strings.EqualFold(text(c, "CertificateType"), "Service-Communications") {
				continue
			}
			if tp := cleanOrEmpty(text(c, "Thumbprint")); tp != "" && tp != newTP {
				o.thumbprints[tp] = true
				files.add(c.File)
			}
		}
		if len(files.names) > 0 {
			why = append(why, "AD FS SSL bindings and certificates not on the new thumbprint ("+files.String()+")")
		}
		if len(why) == 0 {
			o.how = "old certificate unknown: no --old, and no export names a certificate the new one replaces; checks that compare with the old certificate found nothing to compare"
		} else {
			o.how = "old certificate inferred from " + strings.Join(why, "; ")
		}
		file = ""
	}
	if o.known() {
		var parts []string
		if len(o.thumbprints) > 0 {
			parts = append(parts, "thumbprint "+strings.Join(sortedKeys(o.thumbprints), ", "))
		}
		if len(o.names) > 0 {
			parts = append(parts, "TlsCertificateName "+strings.Join(quoteAll(sortedKeys(o.names)), ", "))
		}
		o.how += ": " + strings.Join(parts, "; ")
	}
	return o, []Note{{File: file, Message: o.how}}
}

// namesFromConnectors adds to o the well-formed TlsCertificateName values of connectors and the
// hybrid configuration that name the new certificate's subject with another issuer (the field
// story: a renewal with a new intermediate), and returns the files they came from.
func (o *oldInfo) namesFromConnectors(in *Input) fileList {
	var files fileList
	newName := in.newName()
	for _, k := range []export.Kind{export.KindReceiveConnector, export.KindSendConnector, export.KindHybridConfiguration} {
		for _, c := range in.objects(k) {
			v := strings.Trim(text(c, "TlsCertificateName"), " \t")
			if v == "" || lossy(c, "TlsCertificateName") != "" || v == newName {
				continue
			}
			if in.compareNew(v).CannotMatch {
				continue
			}
			iss, subj, err := cert.ParseTLSCertificateName(v)
			if err != nil || subj != in.New.Subject || iss == in.New.Issuer {
				continue
			}
			if !o.names[v] {
				o.names[v] = true
				if o.issuer == "" {
					o.issuer, o.subject = iss, subj
				}
			}
			files.add(c.File)
		}
	}
	return files
}

func (o *oldInfo) addExchangeCert(c *export.Object) {
	tp, _ := exchangeCertThumbprint(c)
	if tp != "" {
		o.thumbprints[tp] = true
	}
	subj, iss := exchangeCertNames(c)
	if subj != "" && iss != "" {
		o.names[cert.TLSCertificateName(iss, subj)] = true
		if o.issuer == "" {
			o.issuer, o.subject = iss, subj
		}
	}
	if c.Certificate != nil && o.cert == nil {
		o.cert = c.Certificate
	}
	o.dnsNames = append(o.dnsNames, exchangeCertDomains(c)...)
}

// exchangeCertThumbprint returns the clean thumbprint of an ExchangeCertificate object.
func exchangeCertThumbprint(c *export.Object) (string, bool) {
	if c.Certificate != nil && c.Certificate.Thumbprint != "" {
		return c.Certificate.Thumbprint, true
	}
	tp := cleanOrEmpty(text(c, "Thumbprint"))
	return tp, tp != ""
}

// exchangeCertNames returns the Windows-format subject and issuer of an ExchangeCertificate object.
// A name the export cannot show exactly (a cut table cell) is "".
func exchangeCertNames(c *export.Object) (subject, issuer string) {
	if c.Certificate != nil && c.Certificate.Subject != "" {
		return c.Certificate.Subject, c.Certificate.Issuer
	}
	if lossy(c, "Subject") == "" {
		subject = text(c, "Subject")
	}
	if lossy(c, "Issuer") == "" {
		issuer = text(c, "Issuer")
	}
	return subject, issuer
}

// exchangeCertDomains returns CertificateDomains, else the parsed certificate's SAN names.
func exchangeCertDomains(c *export.Object) []string {
	if d := list(c, "CertificateDomains"); len(d) > 0 {
		return d
	}
	if c.Certificate != nil {
		return c.Certificate.DNSNames
	}
	return nil
}

func cleanOrEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	cl, err := cert.CleanThumbprint(s)
	if err != nil {
		return ""
	}
	return cl.Value
}

// fileList collects file names once each, in first-seen order.
type fileList struct {
	seen  map[string]bool
	names []string
}

func (l *fileList) add(name string) {
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	if !l.seen[name] {
		l.seen[name] = true
		l.names = append(l.names, name)
	}
}

// String lists up to five names, then how many more.
func (l *fileList) String() string {
	if len(l.names) <= 5 {
		return strings.Join(l.names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(l.names[:5], ", "), len(l.names)-5)
}

func quoteAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
