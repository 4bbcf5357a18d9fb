// Package generator turns a validation result into a change: the plan (which object gets which new
// value, with its old value kept for rollback), the PowerShell runbooks rendered from the embedded
// templates, the change ticket, and the output folder with its SHA256SUMS, built beside the target
// folder and renamed into place. It also renders collect.ps1, the read-only collection script.
//
// It never prints and never exits. Every value that came from a certificate or an export reaches a
// runbook only through validate/psquote, and a value that cannot be quoted refuses the whole run.
package generator

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// Products a plan covers, as DESIGN.md names them.
const (
	ProductExchange = "exchange"
	ProductADFS     = "adfs"
	ProductWAP      = "wap"
)

// Change is one object that must change, as validate reports it: the product, the server ("" for
// an organisation-wide object), the object's kind and identity, the property with its old (exported)
// value and its new value, and where the old value was read.
//
// Properties the plan understands, by kind: ReceiveConnector, SendConnector, HybridConfiguration:
// TlsCertificateName; ExchangeCertificate: Services (Old = the services the new certificate has now,
// New = the services it must have, "IIS, SMTP"; several such changes of one server are merged);
// PopSettings, ImapSettings: X509CertificateName;
// TransportService: InternalTransportCertificateThumbprint (the plan moves the internal transport
// certificate: SMTP is enabled with -Force); EdgeSubscription: the Edge server must be re-subscribed;
// AdfsCertificate: Thumbprint (Service-Communications); AdfsSslCertificate, NetshSslBinding,
// WapSslCertificate: CertificateHash; WapApplication: ExternalCertificateThumbprint (ID required).
type Change struct {
	Product  string      `json:"product"`
	Server   string      `json:"server"`
	Kind     export.Kind `json:"kind"`
	Identity string      `json:"identity"`
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Property string      `json:"property"`
	Old      string      `json:"old"`
	New      string      `json:"new"`
	File     string      `json:"file"`
	Line     int         `json:"line"`
}

// Finding is one validation finding as the ticket lists it.
type Finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Product  string `json:"product"`
	Server   string `json:"server"`
	Object   string `json:"object"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Message  string `json:"message"`
}

// Input is everything a plan is built from.
type Input struct {
	New     *cert.Certificate // the new certificate (required)
	NewFile string            // the file it was read from
	Old     *cert.Certificate // the old certificate, nil when unknown
	OldFile string            // the file it was read from
	// OldThumbprint is the old certificate's thumbprint when only a thumbprint is known
	// (--old THUMBPRINT); ignored when Old is set.
	OldThumbprint string
	Changes       []Change
	Findings      []Finding
	// Targets limits the products (exchange, adfs, wap); empty means every product with a change.
	Targets []string
	// ADFSTLSClientPort is Get-AdfsProperties' TlsClientPort: 443 means the alternate TLS client
	// binding mode; 0 (unknown) is taken as the default mode, 49443.
	ADFSTLSClientPort int
	// ExchangeServers and EdgeServers add servers that need the new certificate although no object
	// of theirs changes (a send connector's source servers, for example).
	ExchangeServers []string
	EdgeServers     []string
	// Stage and At describe the validation the plan comes from, for the ticket (At zero = unknown).
	Stage string
	At    time.Time
}

// CertRef is what a plan records of a certificate.
type CertRef struct {
	File               string    `json:"file"`
	Thumbprint         string    `json:"thumbprint"`
	Subject            string    `json:"subject"`
	Issuer             string    `json:"issuer"`
	TLSCertificateName string    `json:"tlsCertificateName"`
	NotBefore          time.Time `json:"notBefore"`
	NotAfter           time.Time `json:"notAfter"`
	DNSNames           []string  `json:"dnsNames"`
	Wildcard           bool      `json:"wildcard"`
}

// Known reports whether the certificate's thumbprint is known (an old certificate given only by
// name is not).
func (c *CertRef) Known() bool { return c != nil && c.Thumbprint != "" }

// ObjectChange is one object's property change inside a runbook.
type ObjectChange struct {
	Kind     export.Kind `json:"kind"`
	Identity string      `json:"identity"`
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	Property string      `json:"property"`
	Old      string      `json:"old"`
	New      string      `json:"new"`
	File     string      `json:"file"`
	Line     int         `json:"line"`
}

// Label is how tickets and messages name the object: its name, else its identity.
func (o ObjectChange) Label() string {
	if o.Name != "" {
		return o.Name
	}
	return o.Identity
}

// Action is one step of a runbook, in the order the runbook performs it. plan.json records them.
type Action struct {
	Step     int    `json:"step"`
	Kind     string `json:"kind"`
	Target   string `json:"target"`
	Property string `json:"property"`
	Old      string `json:"old"`
	New      string `json:"new"`
	Command  string `json:"command"`
	Note     string `json:"note"`
}

// The kinds of Action.
const (
	ActionPreCheck  = "pre-check"
	ActionImport    = "import"
	ActionGrantKey  = "grant-key-access"
	ActionServices  = "enable-services"
	ActionSet       = "set"
	ActionRestart   = "restart"
	ActionPostCheck = "post-check"
	ActionRemoveOld = "remove-old-certificate"
	ActionSubscribe = "new-edge-subscription"
	ActionManual    = "manual"
)

// ExchangeServer is the change on one Exchange server (Mailbox or Edge): one runbook and its rollback.
type ExchangeServer struct {
	Server       string `json:"server"`
	Edge         bool   `json:"edge"`
	File         string `json:"file"`
	RollbackFile string `json:"rollbackFile"`
	// Services is the flags-enum literal to enable on the new certificate ("IIS, SMTP"), "" for none.
	Services string `json:"services"`
	// OldServices is what the export showed enabled on the new certificate before the change
	// (Change.Old of the Services change; "" when nothing).
	OldServices string `json:"oldServices"`
	// ForceSMTP is set when the plan moves the internal transport certificate to the new one.
	ForceSMTP bool `json:"forceSmtp"`
	// InternalTransportOld is the internal transport thumbprint the export showed ("" unknown).
	InternalTransportOld string         `json:"internalTransportOld"`
	ReceiveConnectors    []ObjectChange `json:"receiveConnectors"`
	// OrgWide is set on the one runbook that carries the organisation-wide changes (send connectors,
	// hybrid configuration); RequiresOn lists the servers that must hold the new certificate first.
	OrgWide          bool           `json:"orgWide"`
	RequiresOn       []string       `json:"requiresCertificateOn"`
	SendConnectors   []ObjectChange `json:"sendConnectors"`
	Hybrid           []ObjectChange `json:"hybridConfiguration"`
	POP              []ObjectChange `json:"popSettings"`
	IMAP             []ObjectChange `json:"imapSettings"`
	EdgeSubscription bool           `json:"edgeSubscription"`
	RestartTransport bool           `json:"restartTransport"`
	RestartPOP       bool           `json:"restartPop"`
	RestartIMAP      bool           `json:"restartImap"`
	ResetIIS         bool           `json:"resetIis"`
	Manual           []string       `json:"manual"`
	Actions          []Action       `json:"actions"`
	RollbackActions  []Action       `json:"rollbackActions"`
	// wildcardPOP, wildcardIMAP: the old certificate served POP/IMAP, which a wildcard is never
	// enabled for; X509CertificateName carries them, and the services still need their restart.
	wildcardPOP, wildcardIMAP bool
}

// ADFSFarm is the change on an AD FS farm: one runbook run on every node.
type ADFSFarm struct {
	File          string `json:"file"`
	RollbackFile  string `json:"rollbackFile"`
	TLSClientPort int    `json:"tlsClientPort"`
	AlternateTLS  bool   `json:"alternateTlsClientBinding"`
	// ServiceCommunications is the Service-Communications certificate change, nil when it stays.
	ServiceCommunications *ObjectChange  `json:"serviceCommunications"`
	SSLBindings           []ObjectChange `json:"sslBindings"`
	NetshBindings         []ObjectChange `json:"netshBindings"`
	// ManualBindings are IP-port HTTP.sys bindings (0.0.0.0:443) that the AD FS cmdlets leave alone.
	ManualBindings  []ObjectChange `json:"manualBindings"`
	Nodes           []string       `json:"nodes"`
	Actions         []Action       `json:"actions"`
	RollbackActions []Action       `json:"rollbackActions"`
}

// WAPFarm is the change on the Web Application Proxy nodes: one runbook run on every node.
type WAPFarm struct {
	File            string         `json:"file"`
	RollbackFile    string         `json:"rollbackFile"`
	ProxySSL        []ObjectChange `json:"proxySsl"`
	Applications    []ObjectChange `json:"applications"`
	Nodes           []string       `json:"nodes"`
	Actions         []Action       `json:"actions"`
	RollbackActions []Action       `json:"rollbackActions"`
}

// Plan is the whole change: per server and product, what happens in which order, with every old
// value kept for rollback. It is what the templates render and what plan.json records.
type Plan struct {
	Stage       string            `json:"stage"`
	At          *time.Time        `json:"at"`
	Certificate CertRef           `json:"certificate"`
	Old         *CertRef          `json:"old"`
	Exchange    []*ExchangeServer `json:"exchange"`
	Edge        []*ExchangeServer `json:"edge"`
	ADFS        *ADFSFarm         `json:"adfs"`
	WAP         *WAPFarm          `json:"wap"`
	Findings    []Finding         `json:"findings"`
}

// Runbooks lists the runbook file names of the plan in the order CHANGE.md runs them.
func (p *Plan) Runbooks() []string {
	var names []string
	for _, s := range p.Exchange {
		names = append(names, s.File)
	}
	for _, s := range p.Edge {
		names = append(names, s.File)
	}
	if p.ADFS != nil {
		names = append(names, p.ADFS.File)
	}
	if p.WAP != nil {
		names = append(names, p.WAP.File)
	}
	return names
}

// serviceOrder is the flags order Exchange prints services in (notes: exchange-services §1.5).
var serviceOrder = []string{"IMAP", "POP", "UM", "IIS", "SMTP", "Federation", "UMCallRouter"}

// normalizeServices parses a services value ("IIS, SMTP", "IIS,SMTP", "None") into the known names
// in flags order. An unknown name is an error.
func normalizeServices(s string) ([]string, error) {
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" || strings.EqualFold(f, "None") {
			continue
		}
		ok := false
		for _, k := range serviceOrder {
			if strings.EqualFold(f, k) {
				seen[k] = true
				ok = true
			}
		}
		if !ok {
			return nil, fmt.Errorf("unknown Exchange service %q", f)
		}
	}
	var out []string
	for _, k := range serviceOrder {
		if seen[k] {
			out = append(out, k)
		}
	}
	return out, nil
}

// ChangeError says which change could not be planned or quoted; it names the file and line the
// value came from.
type ChangeError struct {
	File   string
	Line   int
	Object string
	Err    error
}

// Error is one line: "FILE: line N: KIND \"identity\": what is wrong".
func (e *ChangeError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Object != "" {
		b.WriteString(e.Object)
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap gives the cause (psquote.ErrControl for a control character).
func (e *ChangeError) Unwrap() error { return e.Err }

func changeErr(c Change, format string, args ...any) error {
	return &ChangeError{File: c.File, Line: c.Line, Object: objectName(c.Kind, c.Identity, c.Name), Err: fmt.Errorf(format, args...)}
}

// objectName names an object for an error: its kind and its identity, Go-quoted so that a control
// character in it cannot break the one-line message.
func objectName(k export.Kind, identity, name string) string {
	id := identity
	if id == "" {
		id = name
	}
	return fmt.Sprintf("%s %s", k, quoteForMessage(id))
}

// quoteForMessage quotes s for an error message: control characters escaped, everything else kept.
func quoteForMessage(s string) string {
	return `"` + escapeForMessage(s) + `"`
}

// escapeForMessage escapes backslashes, double quotes and control characters, so that s stays on
// one line and can be read back.
func escapeForMessage(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || (r >= 0x7f && r <= 0x9f):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func certRef(c *cert.Certificate, file string) CertRef {
	r := CertRef{
		File:               file,
		Thumbprint:         c.Thumbprint,
		Subject:            c.Subject,
		Issuer:             c.Issuer,
		TLSCertificateName: "<I>" + c.Issuer + "<S>" + c.Subject,
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		DNSNames:           append([]string{}, c.DNSNames...),
	}
	for _, n := range c.DNSNames {
		if strings.HasPrefix(n, "*.") {
			r.Wildcard = true
		}
	}
	return r
}

// serverLabel is the upper-case first DNS label, the form runbook names use.
func serverLabel(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return strings.ToUpper(s)
}

// validServerLabel reports whether a server label can be part of a file name.
func validServerLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// BuildPlan builds the plan from the input. It refuses (with a *ChangeError naming the export file
// and object) any change it cannot carry out exactly, and any value a runbook could not hold as a
// PowerShell literal.
func BuildPlan(in Input) (*Plan, error) {
	if in.New == nil {
		return nil, fmt.Errorf("no new certificate")
	}
	if in.New.Thumbprint == "" || in.New.Subject == "" && in.New.Issuer == "" {
		return nil, fmt.Errorf("%s: the new certificate has no thumbprint or names", in.NewFile)
	}
	p := &Plan{Stage: in.Stage, Certificate: certRef(in.New, in.NewFile), Findings: append([]Finding{}, in.Findings...)}
	if !in.At.IsZero() {
		at := in.At.UTC()
		p.At = &at
	}
	switch {
	case in.Old != nil:
		r := certRef(in.Old, in.OldFile)
		p.Old = &r
	case in.OldThumbprint != "":
		p.Old = &CertRef{File: in.OldFile, Thumbprint: strings.ToUpper(in.OldThumbprint)}
	}
	if p.Old != nil && p.Old.Thumbprint == p.Certificate.Thumbprint {
		return nil, fmt.Errorf("%s: the old certificate is the new certificate (%s)", in.OldFile, p.Old.Thumbprint)
	}
	targets := map[string]bool{}
	for _, t := range in.Targets {
		t = strings.ToLower(strings.TrimSpace(t))
		switch t {
		case ProductExchange, ProductADFS, ProductWAP:
			targets[t] = true
		default:
			return nil, fmt.Errorf("unknown target %q (want exchange, adfs or wap)", t)
		}
	}
	want := func(product string) bool { return len(targets) == 0 || targets[product] }

	b := &builder{p: p, in: in, exchange: map[string]*ExchangeServer{}}
	for _, c := range in.Changes {
		product := strings.ToLower(c.Product)
		if !want(product) {
			continue
		}
		var err error
		switch product {
		case ProductExchange:
			err = b.exchangeChange(c)
		case ProductADFS:
			err = b.adfsChange(c)
		case ProductWAP:
			err = b.wapChange(c)
		default:
			err = changeErr(c, "unknown product %q", c.Product)
		}
		if err != nil {
			return nil, err
		}
	}
	if want(ProductExchange) {
		for _, s := range in.ExchangeServers {
			if _, err := b.server(s, false, Change{Server: s}); err != nil {
				return nil, err
			}
		}
		for _, s := range in.EdgeServers {
			if _, err := b.server(s, true, Change{Server: s}); err != nil {
				return nil, err
			}
		}
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	if err := p.Check(); err != nil {
		return nil, err
	}
	return p, nil
}

type builder struct {
	p        *Plan
	in       Input
	exchange map[string]*ExchangeServer
	org      []Change // organisation-wide Exchange changes, placed in finish
}

func (b *builder) server(name string, edge bool, c Change) (*ExchangeServer, error) {
	label := serverLabel(name)
	if !validServerLabel(label) {
		return nil, changeErr(c, "server name %s cannot name a runbook", quoteForMessage(name))
	}
	s := b.exchange[label]
	if s == nil {
		s = &ExchangeServer{Server: label}
		b.exchange[label] = s
	}
	if edge {
		s.Edge = true
	}
	return s, nil
}

func oc(c Change) ObjectChange {
	return ObjectChange{Kind: c.Kind, Identity: c.Identity, ID: c.ID, Name: c.Name, Property: c.Property, Old: c.Old, New: c.New, File: c.File, Line: c.Line}
}

func (b *builder) exchangeChange(c Change) error {
	needServer := func(edge bool) (*ExchangeServer, error) {
		if c.Server == "" {
			return nil, changeErr(c, "the server this object belongs to is unknown (collect the export into a <SERVER> folder)")
		}
		return b.server(c.Server, edge, c)
	}
	if strings.TrimSpace(c.Identity) == "" && (c.Kind == export.KindReceiveConnector || c.Kind == export.KindSendConnector) {
		return changeErr(c, "the object has no identity")
	}
	switch c.Kind {
	case export.KindReceiveConnector:
		if !strings.EqualFold(c.Property, "TlsCertificateName") {
			return changeErr(c, "cannot change property %q", c.Property)
		}
		s, err := needServer(false)
		if err != nil {
			return err
		}
		if c.New != b.p.Certificate.TLSCertificateName {
			return changeErr(c, "new value %s is not the new certificate's TlsCertificateName", quoteForMessage(c.New))
		}
		s.ReceiveConnectors = append(s.ReceiveConnectors, oc(c))
	case export.KindSendConnector, export.KindHybridConfiguration:
		if !strings.EqualFold(c.Property, "TlsCertificateName") {
			return changeErr(c, "cannot change property %q", c.Property)
		}
		if c.New != b.p.Certificate.TLSCertificateName {
			return changeErr(c, "new value %s is not the new certificate's TlsCertificateName", quoteForMessage(c.New))
		}
		b.org = append(b.org, c)
	case export.KindExchangeCertificate:
		if !strings.EqualFold(c.Property, "Services") {
			return changeErr(c, "cannot change property %q", c.Property)
		}
		s, err := needServer(false)
		if err != nil {
			return err
		}
		svc, err := normalizeServices(c.New)
		if err != nil {
			return changeErr(c, "%v", err)
		}
		old, err := normalizeServices(c.Old)
		if err != nil {
			return changeErr(c, "%v", err)
		}
		var keep []string
		have, _ := normalizeServices(s.Services)
		set := map[string]bool{}
		for _, v := range append(have, svc...) {
			set[v] = true
		}
		for _, k := range serviceOrder {
			if !set[k] {
				continue
			}
			switch {
			case k == "Federation":
				s.Manual = appendOnce(s.Manual, "Federation is not moved with Enable-ExchangeCertificate: use Set-FederationTrust -Thumbprint, then Set-FederationTrust -PublishFederationCertificate")
			case (k == "IMAP" || k == "POP") && b.p.Certificate.Wildcard:
				// A wildcard certificate is never enabled for POP or IMAP; X509CertificateName carries it.
				// The services are still in use and pick the new certificate up only on a restart.
				if k == "POP" {
					s.wildcardPOP = true
				} else {
					s.wildcardIMAP = true
				}
			default:
				keep = append(keep, k)
			}
		}
		s.Services = strings.Join(keep, ", ")
		s.OldServices = strings.Join(old, ", ")
	case export.KindPopSettings, export.KindImapSettings:
		if !strings.EqualFold(c.Property, "X509CertificateName") {
			return changeErr(c, "cannot change property %q", c.Property)
		}
		s, err := needServer(false)
		if err != nil {
			return err
		}
		if c.Kind == export.KindPopSettings {
			s.POP = append(s.POP, oc(c))
		} else {
			s.IMAP = append(s.IMAP, oc(c))
		}
	case export.KindTransportService:
		if !strings.EqualFold(c.Property, "InternalTransportCertificateThumbprint") {
			return changeErr(c, "cannot change property %q", c.Property)
		}
		if !strings.EqualFold(c.New, b.p.Certificate.Thumbprint) {
			return changeErr(c, "the internal transport certificate can only move to the new certificate")
		}
		s, err := needServer(false)
		if err != nil {
			return err
		}
		s.ForceSMTP = true
		s.InternalTransportOld = cleanThumbprint(c.Old)
	case export.KindEdgeSubscription:
		name := c.Server
		if name == "" {
			name = c.Name
		}
		if name == "" {
			name = c.Identity
		}
		s, err := b.server(name, true, c)
		if err != nil {
			return err
		}
		s.EdgeSubscription = true
	default:
		return changeErr(c, "no Exchange runbook step changes a %s", c.Kind)
	}
	return nil
}

func (b *builder) adfsFarm() *ADFSFarm {
	if b.p.ADFS == nil {
		port := b.in.ADFSTLSClientPort
		if port == 0 {
			port = 49443
		}
		b.p.ADFS = &ADFSFarm{File: "adfs.ps1", RollbackFile: "adfs-rollback.ps1", TLSClientPort: port, AlternateTLS: port == 443}
	}
	return b.p.ADFS
}

func addNode(nodes []string, s string) []string {
	l := serverLabel(s)
	if l == "" {
		return nodes
	}
	for _, n := range nodes {
		if n == l {
			return nodes
		}
	}
	return append(nodes, l)
}

func (b *builder) checkThumbprintChange(c Change) error {
	if !isThumbprint(c.New) || !strings.EqualFold(c.New, b.p.Certificate.Thumbprint) {
		return changeErr(c, "new value %s is not the new certificate's thumbprint", quoteForMessage(c.New))
	}
	return nil
}

func isThumbprint(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'F' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// cleanThumbprint returns s upper-cased without blanks, colons and invisible marks when that leaves
// 40 hex digits (a thumbprint as netsh, MMC or an export shows it); otherwise s unchanged.
func cleanThumbprint(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\t', ':', '-', '\u200e', '\u200f', '\u200b', '\u200c', '\u200d', '\ufeff', '\u00a0', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e':
			continue
		}
		b.WriteRune(r)
	}
	if t := b.String(); isThumbprint(t) {
		return strings.ToUpper(t)
	}
	return s
}

func (b *builder) adfsChange(c Change) error {
	c.Old = cleanThumbprint(c.Old)
	f := b.adfsFarm()
	if c.Server != "" {
		f.Nodes = addNode(f.Nodes, c.Server)
	}
	if err := b.checkThumbprintChange(c); err != nil {
		return err
	}
	switch c.Kind {
	case export.KindAdfsCertificate:
		o := oc(c)
		f.ServiceCommunications = &o
	case export.KindAdfsSslCertificate:
		f.SSLBindings = append(f.SSLBindings, oc(c))
	case export.KindNetshSslBinding:
		if isIPPort(c.Identity) {
			f.ManualBindings = append(f.ManualBindings, oc(c))
		} else {
			f.NetshBindings = append(f.NetshBindings, oc(c))
		}
	default:
		return changeErr(c, "no AD FS runbook step changes a %s", c.Kind)
	}
	return nil
}

func (b *builder) wapChange(c Change) error {
	c.Old = cleanThumbprint(c.Old)
	if b.p.WAP == nil {
		b.p.WAP = &WAPFarm{File: "wap.ps1", RollbackFile: "wap-rollback.ps1"}
	}
	f := b.p.WAP
	if c.Server != "" {
		f.Nodes = addNode(f.Nodes, c.Server)
	}
	if err := b.checkThumbprintChange(c); err != nil {
		return err
	}
	switch c.Kind {
	case export.KindWapSslCertificate, export.KindNetshSslBinding:
		f.ProxySSL = append(f.ProxySSL, oc(c))
	case export.KindWapApplication:
		if !isGUID(c.ID) {
			return changeErr(c, "the application's ID %s is not a GUID (export it with Get-WebApplicationProxyApplication | Export-Clixml)", quoteForMessage(c.ID))
		}
		f.Applications = append(f.Applications, oc(c))
	default:
		return changeErr(c, "no WAP runbook step changes a %s", c.Kind)
	}
	return nil
}

// isIPPort reports whether a netsh binding key is an IP:port (0.0.0.0:443, [::]:443) rather than
// a hostname:port.
func isIPPort(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && (s[0] == '[' || s[0] >= '0' && s[0] <= '9')
}

func isGUID(s string) bool {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if r != '-' {
				return false
			}
			continue
		}
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// finish places the organisation-wide changes, fixes the order of everything, and derives restarts
// and the action lists.
func (b *builder) finish() error {
	p := b.p
	var names []string
	for n := range b.exchange {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := b.exchange[n]
		if s.Edge {
			s.File = "edge-" + n + ".ps1"
			s.RollbackFile = "edge-" + n + "-rollback.ps1"
			p.Edge = append(p.Edge, s)
		} else {
			s.File = "exchange-" + n + ".ps1"
			s.RollbackFile = "exchange-" + n + "-rollback.ps1"
			p.Exchange = append(p.Exchange, s)
		}
	}
	if len(b.org) > 0 {
		if len(p.Exchange) == 0 {
			return changeErr(b.org[0], "an organisation-wide change needs an Exchange server to run on, and no Mailbox server is in the exports")
		}
		last := p.Exchange[len(p.Exchange)-1]
		last.OrgWide = true
		for _, s := range p.Exchange[:len(p.Exchange)-1] {
			last.RequiresOn = append(last.RequiresOn, s.Server)
		}
		for _, c := range b.org {
			if c.Kind == export.KindSendConnector {
				last.SendConnectors = append(last.SendConnectors, oc(c))
			} else {
				last.Hybrid = append(last.Hybrid, oc(c))
			}
		}
	}
	byID := func(l []ObjectChange) {
		sort.SliceStable(l, func(i, j int) bool {
			if l[i].Identity != l[j].Identity {
				return l[i].Identity < l[j].Identity
			}
			return l[i].ID < l[j].ID
		})
	}
	for _, s := range append(append([]*ExchangeServer{}, p.Exchange...), p.Edge...) {
		for _, l := range [][]ObjectChange{s.ReceiveConnectors, s.SendConnectors, s.Hybrid, s.POP, s.IMAP} {
			byID(l)
		}
		svc, _ := normalizeServices(s.Services)
		has := func(k string) bool {
			for _, v := range svc {
				if v == k {
					return true
				}
			}
			return false
		}
		s.RestartTransport = len(s.ReceiveConnectors)+len(s.SendConnectors)+len(s.Hybrid) > 0 || has("SMTP")
		s.RestartPOP = has("POP") || len(s.POP) > 0 || s.wildcardPOP
		s.RestartIMAP = has("IMAP") || len(s.IMAP) > 0 || s.wildcardIMAP
		s.ResetIIS = has("IIS")
		if s.ForceSMTP && !has("SMTP") {
			svc = append(svc, "SMTP")
			n, _ := normalizeServices(strings.Join(svc, ","))
			s.Services = strings.Join(n, ", ")
			s.RestartTransport = true
		}
		s.Actions = exchangeActions(p, s)
		s.RollbackActions = exchangeRollbackActions(p, s)
	}
	if f := p.ADFS; f != nil {
		// The same binding is often in two exports (Get-AdfsSslCertificate and netsh) and on
		// several nodes; the runbook checks it once, on the node it runs on.
		seen := map[string]bool{}
		f.SSLBindings = dedupe(f.SSLBindings, seen)
		f.NetshBindings = dedupe(f.NetshBindings, seen)
		f.ManualBindings = dedupe(f.ManualBindings, seen)
		byID(f.SSLBindings)
		byID(f.NetshBindings)
		byID(f.ManualBindings)
		sort.Strings(f.Nodes)
		f.Actions = adfsActions(p, f)
		f.RollbackActions = adfsRollbackActions(p, f)
	}
	if f := p.WAP; f != nil {
		f.ProxySSL = dedupe(f.ProxySSL, map[string]bool{})
		byID(f.ProxySSL)
		byID(f.Applications)
		sort.Strings(f.Nodes)
		f.Actions = wapActions(p, f)
		f.RollbackActions = wapRollbackActions(p, f)
	}
	return nil
}

// dedupe drops the bindings whose key (identity, case-insensitive) is already in seen.
func dedupe(l []ObjectChange, seen map[string]bool) []ObjectChange {
	var out []ObjectChange
	for _, o := range l {
		k := strings.ToLower(strings.TrimSpace(o.Identity))
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, o)
	}
	return out
}
