package validate

import (
	"strings"
	"sync"
	"unicode/utf8"

	"certswap/validate/export"
)

// checkedProperties lists, per kind, every property a check reads (through get, text, list, lossy,
// line and boolProp). It is the one place that says what Slim keeps: a check that reads a property
// of a kind not listed here makes TestMain fail (every read of the package's tests is recorded).
// Thumbprint properties (thumbprintProps) are read from objects of every kind and are kept without
// being listed.
var checkedProperties = map[export.Kind][]string{
	export.KindReceiveConnector:    {"TlsCertificateName", "Fqdn", "Enabled", "RequireTLS", "AuthMechanism"},
	export.KindSendConnector:       {"TlsCertificateName", "Fqdn", "Enabled", "RequireTLS", "TlsAuthLevel", "CloudServicesMailEnabled", "SourceTransportServers"},
	export.KindHybridConfiguration: {"TlsCertificateName"},
	export.KindExchangeCertificate: {"Thumbprint", "Subject", "Issuer", "CertificateDomains", "IsSelfSigned", "Services", "ServicesStringForm"},
	export.KindTransportService:    {"InternalTransportCertificateThumbprint"},
	export.KindAuthConfig:          {"CurrentCertificateThumbprint", "NextCertificateThumbprint"},
	export.KindPopSettings:         {"X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings"},
	export.KindImapSettings:        {"X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings"},
	export.KindAdfsSslCertificate:  {"HostName", "PortNumber", "CertificateHash"},
	export.KindAdfsCertificate:     {"CertificateType", "Thumbprint"},
	export.KindAdfsProperties:      {"HostName", "TlsClientPort"},
	export.KindWapSslCertificate:   {"HostName", "PortNumber", "Thumbprint", "CertificateHash", "CertificateThumbprint", "Certificate Hash"},
	export.KindWapApplication:      {"ExternalCertificateThumbprint", "ExternalUrl", "ID"},
	export.KindWapConfiguration:    {"ConnectedServersName"},
	export.KindNetshSslBinding:     {"Hostname:port", "IP:port", "Central Certificate Store", "HostnamePort", "IPPort", "Certificate Hash", "CertificateHash", "Application ID", "ApplicationId", "Certificate Store Name", "HostName"},
}

// everyKindProperties are read from objects of every kind: the names objectName falls back on
// (Identity, Name, and RunspaceId, which a remote session puts first), and what
// export.AssignServers reads after every file is read (PSComputerName and the properties whose
// items name servers).
var everyKindProperties = []string{"Identity", "Name", "RunspaceId", "PSComputerName",
	"SourceTransportServers", "ReceivingTransportServers", "SendingTransportServers", "EdgeTransportServers", "ClientAccessServers", "ConnectedServersName"}

// keepSets is checkedProperties with everyKindProperties, lower-cased, per kind; keepAny is
// everyKindProperties alone, for the kinds no check reads.
// They are built at the first Slim, not at package init (certswap version does no such work).
var keepSets = sync.OnceValues(func() (map[export.Kind]map[string]bool, map[string]bool) {
	sets := map[export.Kind]map[string]bool{}
	for k := range checkedProperties {
		m := map[string]bool{}
		for _, n := range CheckedProperties(k) {
			m[strings.ToLower(n)] = true
		}
		sets[k] = m
	}
	all := map[string]bool{}
	for _, n := range everyKindProperties {
		all[strings.ToLower(n)] = true
	}
	return sets, all
})

// CheckedProperties returns the properties of objects of kind k that Run reads: those the checks
// of that kind read, those read from objects of every kind (Identity, Name, PSComputerName, ...),
// in no particular order; thumbprint properties, kept for every kind, are not listed.
func CheckedProperties(k export.Kind) []string {
	return append(append([]string(nil), everyKindProperties...), checkedProperties[k]...)
}

// Slim drops from o every property Run does not read, so that a run over a whole fleet keeps
// only what it judges: the properties CheckedProperties lists for its kind and every thumbprint
// property stay, in export order, with their values, lines and lossy markers. Kind, Identity,
// Server, File, Line, Warnings (about any property) and Certificate are kept as they are. The
// report of a run on slimmed objects is the report on the objects as read; export.AssignServers
// may run before or after Slim (what it reads is kept). For many objects use a Slimmer.
func Slim(o *export.Object) { new(Slimmer).Slim(o) }

// Slimmer is Slim for a stream of objects: the objects of one export share their property
// names, so it decides what to keep once per kind and list of names, and it carves the kept
// properties of many objects out of one block instead of allocating for each. The zero value is
// ready to use; a Slimmer is not safe for concurrent use.
type Slimmer struct {
	kind  export.Kind
	names []string // the property names of the last object
	keep  []bool   // which of them are kept
	n     int      // how many are kept
	block []export.Property
	seen  bool // an object was slimmed before
}

// slimBlock is how many properties a Slimmer allocates at once.
const slimBlock = 1024

// Slim drops from o every property Run does not read (see the function Slim).
func (s *Slimmer) Slim(o *export.Object) {
	if o == nil {
		return
	}
	if !s.sameShape(o) {
		sets, anyKind := keepSets()
		set := sets[o.Kind]
		if set == nil {
			set = anyKind
		}
		s.kind, s.names, s.keep, s.n = o.Kind, s.names[:0], s.keep[:0], 0
		for i := range o.Properties {
			k := keepName(set, o.Properties[i].Name)
			s.names = append(s.names, o.Properties[i].Name)
			s.keep = append(s.keep, k)
			if k {
				s.n++
			}
		}
	}
	if s.n == len(o.Properties) {
		return
	}
	if s.n > slimBlock/8 || !s.seen {
		// Large objects, and the first one (Slim slims one object), get their own room.
		s.seen = true
		props := make([]export.Property, 0, s.n)
		for i := range o.Properties {
			if s.keep[i] {
				props = append(props, o.Properties[i])
			}
		}
		o.Properties = props
		return
	}
	if len(s.block) < s.n {
		s.block = make([]export.Property, slimBlock)
	}
	props := s.block[:0:s.n]
	s.block = s.block[s.n:]
	for i := range o.Properties {
		if s.keep[i] {
			props = append(props, o.Properties[i])
		}
	}
	o.Properties = props
}

// sameShape reports whether o has the kind and the property names of the previous object.
func (s *Slimmer) sameShape(o *export.Object) bool {
	if o.Kind != s.kind || len(o.Properties) != len(s.names) || s.names == nil {
		return false
	}
	for i := range o.Properties {
		if o.Properties[i].Name != s.names[i] {
			return false
		}
	}
	return true
}

// keepName reports whether a property name is in keep (lower-case ASCII names) or names a
// thumbprint, compared as (*export.Object).Get compares (strings.EqualFold), without allocating
// for an ASCII name.
func keepName(keep map[string]bool, name string) bool {
	if isThumbprintProp(name) {
		return true
	}
	var buf [64]byte
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf || i == len(buf) {
			// Non-ASCII text can still fold to an ASCII name (U+017F to s, U+212A to k).
			for k := range keep {
				if strings.EqualFold(k, name) {
					return true
				}
			}
			return false
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return keep[string(buf[:len(name)])]
}
