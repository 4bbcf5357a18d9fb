package validate

import (
	"strings"
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// DefaultMinDays is the expiry warning threshold used when Input.MinDays is 0 (issue 4: 30 days).
const DefaultMinDays = 30

// Input is everything one run judges.
type Input struct {
	New      *cert.Certificate   // the new certificate (required)
	NewFile  string              // the file it was read from (findings on the certificate name it)
	NewChain []*cert.Certificate // the other certificates of the new certificate's file
	// NewFormat is the container the new certificate came from (cert.FormatPFX, ...); "" when unknown.
	NewFormat cert.Format

	Old           *cert.Certificate // the old certificate, nil when unknown (then Run infers it)
	OldFile       string            // the file Old came from, or "--old" for a thumbprint given on the command line
	OldThumbprint string            // --old given as a thumbprint, as typed (validate cleans it); "" when not given

	Exports []*export.File // the exports, in command-line order
	Stage   Stage          // StageBefore when ""
	At      time.Time      // the planned change time; validity is judged at it (zero: the time Run is called)
	MinDays int            // expiry warning threshold in days; 0 = DefaultMinDays, negative = off

	// Filled by Run before the checks run.
	old       *oldInfo
	idx       *index
	selecting map[string]bool // servers where a connector selects the new certificate (selectedOn)
	compared  map[string]cert.NameComparison
	covered   map[string]cert.Coverage // coversNew's answers
}

// coversNew is covers(in.New, host), once per distinct host of a run (connectors and published
// applications repeat a few host names across a fleet); at most 16,384 answers are kept.
func (in *Input) coversNew(host string) cert.Coverage {
	if c, ok := in.covered[host]; ok {
		return c
	}
	c := covers(in.New, host)
	if in.covered == nil {
		in.covered = map[string]cert.Coverage{}
	}
	if len(in.covered) < 1<<14 {
		in.covered[host] = c
	}
	return c
}

// compareNew compares a stored TlsCertificateName with the new certificate's, once per distinct
// value (many connectors share a value).
func (in *Input) compareNew(stored string) cert.NameComparison {
	if c, ok := in.compared[stored]; ok {
		return c
	}
	if in.compared == nil {
		in.compared = map[string]cert.NameComparison{}
	}
	c := cert.CompareTLSCertificateName(stored, in.newName())
	in.compared[stored] = c
	return c
}

// oldInfo is what Run knows or inferred about the certificate being replaced.
type oldInfo struct {
	cert        *cert.Certificate // the old certificate when known (from --old or an ExchangeCertificate RawData)
	thumbprints map[string]bool   // clean upper-case thumbprints of the old certificate(s)
	names       map[string]bool   // exact "<I>…<S>…" strings of the old certificate(s)
	issuer      string            // the old issuer as Windows prints it, "" when unknown
	subject     string            // the old subject, "" when unknown
	dnsNames    []string          // the names the old certificate covered, when known
	how         string            // how Run decided (for the Note)
}

func (o *oldInfo) known() bool { return len(o.thumbprints) > 0 || len(o.names) > 0 }

// index gives the checks their objects by kind and server, built once per run (no quadratic step).
type index struct {
	byKind map[export.Kind][]*export.Object
	// certsByServer maps an upper-case server to its ExchangeCertificate objects.
	certsByServer map[string][]*export.Object
}

func buildIndex(files []*export.File) *index {
	ix := &index{byKind: map[export.Kind][]*export.Object{}, certsByServer: map[string][]*export.Object{}}
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, o := range f.Objects {
			if o == nil {
				continue
			}
			if o.File == "" {
				o.File = f.Name
			}
			ix.byKind[o.Kind] = append(ix.byKind[o.Kind], o)
			if o.Kind == export.KindExchangeCertificate {
				s := strings.ToUpper(o.Server)
				ix.certsByServer[s] = append(ix.certsByServer[s], o)
			}
		}
	}
	return ix
}

func (in *Input) objects(k export.Kind) []*export.Object { return in.idx.byKind[k] }

func (in *Input) newName() string {
	return cert.TLSCertificateName(in.New.Issuer, in.New.Subject)
}

func (in *Input) minDays() int {
	if in.MinDays == 0 {
		return DefaultMinDays
	}
	return in.MinDays
}

// ---- property access ----

// get returns the object's property with the given name (case-insensitive, as PowerShell). Every
// property a check reads is read through get.
func get(o *export.Object, name string) (*export.Property, bool) {
	if readHook != nil {
		readHook(o.Kind, name)
	}
	return o.Get(name)
}

// readHook, when set (by the package's tests), is told of every property read through get, so
// that a test fails when a check reads a property checkedProperties does not list.
var readHook func(k export.Kind, name string)

// text returns the property's text: "" when absent or null, the items joined by ", " for a list.
func text(o *export.Object, name string) string {
	p, ok := get(o, name)
	if !ok || p.Value.Null {
		return ""
	}
	if p.Value.IsList {
		return strings.Join(p.Value.List, ", ")
	}
	return p.Value.Text
}

// list returns the property's items: a CLIXML/JSON list as is, a Format-List "{a, b}" split on
// ", ", and a plain "a, b" text split on commas (flags enums such as AuthMechanism print without
// braces, which (*export.Object).List keeps as one item); empty items dropped.
func list(o *export.Object, name string) []string {
	p, ok := get(o, name)
	if !ok || p.Value.Null {
		return nil
	}
	if p.Value.IsList {
		return p.Value.List
	}
	t := strings.TrimSpace(p.Value.Text)
	t = strings.TrimPrefix(t, "{")
	t = strings.TrimSuffix(t, "}")
	var out []string
	for _, it := range strings.Split(t, ",") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// lossy returns why the property's value is not exact, "" when it is exact or absent.
func lossy(o *export.Object, name string) string {
	if p, ok := get(o, name); ok {
		return p.Lossy
	}
	return ""
}

// line returns the property's line, else the object's.
func line(o *export.Object, name string) int {
	if p, ok := get(o, name); ok && p.Line > 0 {
		return p.Line
	}
	return o.Line
}

// boolProp reads a True/False property; ok is false when absent, null or not a boolean.
func boolProp(o *export.Object, name string) (v, ok bool) {
	switch strings.ToLower(strings.TrimSpace(text(o, name))) {
	case "true", "$true":
		return true, true
	case "false", "$false":
		return false, true
	}
	return false, false
}

// objectName returns the name an admin knows the object by: a certificate by its thumbprint, a
// binding by host:port, a WAP application by its Name, POP/IMAP settings by protocol, else its
// Identity (never a multi-line value or the RunspaceId a remote session puts first).
func objectName(o *export.Object) string {
	switch o.Kind {
	case export.KindExchangeCertificate:
		if tp, ok := exchangeCertThumbprint(o); ok {
			return tp
		}
	case export.KindAdfsCertificate:
		if t := text(o, "CertificateType"); t != "" {
			return t
		}
	case export.KindPopSettings:
		return "POP3 settings"
	case export.KindImapSettings:
		return "IMAP4 settings"
	case export.KindAdfsSslCertificate, export.KindWapSslCertificate:
		if h := text(o, "HostName"); h != "" {
			if p := text(o, "PortNumber"); p != "" {
				return h + ":" + p
			}
			return h
		}
	case export.KindNetshSslBinding:
		return netshKey(o)
	case export.KindAdfsProperties:
		if h := text(o, "HostName"); h != "" {
			return h
		}
		return "AD FS properties"
	case export.KindWapConfiguration:
		return "WAP configuration"
	case export.KindWapApplication, export.KindEdgeSubscription, export.KindTransportService:
		if n := text(o, "Name"); n != "" {
			return n
		}
	}
	id := o.Identity
	if id == "" || strings.ContainsAny(id, "\r\n") || id == text(o, "RunspaceId") {
		id = text(o, "Identity")
	}
	if id == "" {
		id = text(o, "Name")
	}
	if id == "" {
		return string(o.Kind)
	}
	return id
}
