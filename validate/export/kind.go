package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
)

// typeKinds maps a fragment of a CLIXML type name (compared case-insensitively) to the kind it
// names. The first matching entry wins, so more specific fragments come first.
var typeKinds = []struct {
	fragment string
	kind     Kind
}{
	{"receiveconnector", KindReceiveConnector},
	{"smtpsendconnectorconfig", KindSendConnector},
	{"sendconnector", KindSendConnector},
	{"hybridconfiguration", KindHybridConfiguration},
	{"exchangecertificate", KindExchangeCertificate},
	{"transportservice", KindTransportService},
	{"transportserver", KindTransportService},
	{"authconfig", KindAuthConfig},
	{"pop3adconfiguration", KindPopSettings},
	{"imap4adconfiguration", KindImapSettings},
	{"popsettings", KindPopSettings},
	{"imapsettings", KindImapSettings},
	{"edgesubscription", KindEdgeSubscription},
	{"webapplicationproxysslcertificate", KindWapSslCertificate},
	{"publishedwebapp", KindWapApplication},
	{"webapplicationproxyapplication", KindWapApplication},
	{"webapplicationproxyconfiguration", KindWapConfiguration},
	{"proxyconfiguration", KindWapConfiguration},
	{"adfssslcertificate", KindAdfsSslCertificate},
	{"servicecertificate", KindAdfsCertificate},
	{"adfscertificate", KindAdfsCertificate},
	{"adfsproperties", KindAdfsProperties},
	{"serviceproperties", KindAdfsProperties},
}

// kindFromTypeNames returns the kind named by the first type name that names one, or "".
// Select-Object's "Selected." prefix and the "Deserialized." prefix are ignored.
func kindFromTypeNames(typeNames []string) Kind {
	for _, tn := range typeNames {
		t := strings.ToLower(tn)
		t = strings.TrimPrefix(t, "selected.")
		t = strings.TrimPrefix(t, "deserialized.")
		if t == "system.object" || t == "system.management.automation.pscustomobject" {
			continue
		}
		// A type name such as Microsoft.Exchange.Data.MultiValuedProperty`1[[...ExchangeCertificate...]]
		// names a list, not the object.
		if i := strings.IndexAny(t, "`["); i >= 0 {
			t = t[:i]
		}
		for _, tk := range typeKinds {
			if strings.Contains(t, tk.fragment) {
				return tk.kind
			}
		}
	}
	return ""
}

// kindFromProperties tells the kind from the property names of an object. It is the rule for
// every format without type names (Format-List, Format-Table, Export-Csv, JSON) and the fallback
// for CLIXML objects whose type name says nothing (Select-Object output, PSCustomObject).
func kindFromProperties(o *Object) Kind {
	has := func(names ...string) bool {
		for _, n := range names {
			if _, ok := o.Get(n); !ok {
				return false
			}
		}
		return true
	}
	any := func(names ...string) bool {
		for _, n := range names {
			if _, ok := o.Get(n); ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("Certificate Hash") || has("Application ID") && any("IP:port", "Hostname:port", "Central Certificate Store"):
		return KindNetshSslBinding
	case has("InternalTransportCertificateThumbprint"):
		return KindTransportService
	case has("CurrentCertificateThumbprint") && any("PreviousCertificateThumbprint", "NextCertificateThumbprint", "ServiceName", "Realm", "NextCertificateEffectiveDate"):
		return KindAuthConfig
	case any("ReceivingTransportServers", "SendingTransportServers", "OnPremisesSmartHost") || has("ClientAccessServers", "Features"):
		return KindHybridConfiguration
	case has("X509CertificateName") && any("ProtocolName", "SSLBindings", "UnencryptedOrTLSBindings", "ExternalConnectionSettings", "InternalConnectionSettings"):
		return popOrImap(o)
	case has("Bindings") && !any("SSLBindings", "X509CertificateName"):
		return KindReceiveConnector
	case any("AddressSpaces", "SmartHosts", "DNSRoutingEnabled", "SmartHostsString", "SourceTransportServers", "TlsAuthLevel", "CloudServicesMailEnabled"):
		return KindSendConnector
	case has("HostName", "PortNumber", "CertificateHash"):
		return KindAdfsSslCertificate
	case has("CertificateType") && any("IsPrimary", "StoreLocation", "StoreName"):
		return KindAdfsCertificate
	case has("ExternalUrl", "BackendServerUrl") || has("ExternalCertificateThumbprint"):
		return KindWapApplication
	case any("ADFSUrl", "ConnectedServersName", "ADFSTokenSigningCertificatePublicKey", "ADFSWebApplicationProxyRelyingPartyUri"):
		return KindWapConfiguration
	case has("HostName") && any("Identifier", "HttpsPort", "TlsClientPort", "CertificateSharingContainer", "AutoCertificateRollover", "FederationPassiveAddress"):
		return KindAdfsProperties
	case has("Thumbprint") && any("Services", "ServicesStringForm", "CertificateDomains", "IsSelfSigned", "HasPrivateKey", "RootCAType", "Status"):
		return KindExchangeCertificate
	case has("RawData") && len(o.Properties) <= 2:
		// A plain Get-ExchangeCertificate | Export-Clixml keeps only RawData (notes b.3).
		return KindExchangeCertificate
	case has("Site", "Domain") && !any("Bindings", "Thumbprint"):
		return KindEdgeSubscription
	}
	return KindUnknown
}

// popOrImap tells POP3 settings from IMAP4 settings by ProtocolName, then by the ports of the
// bindings and connection settings.
func popOrImap(o *Object) Kind {
	p := strings.ToUpper(o.Text("ProtocolName"))
	switch {
	case strings.HasPrefix(p, "POP"):
		return KindPopSettings
	case strings.HasPrefix(p, "IMAP"):
		return KindImapSettings
	}
	for _, n := range []string{"SSLBindings", "UnencryptedOrTLSBindings", "ExternalConnectionSettings", "InternalConnectionSettings"} {
		t := o.Text(n)
		switch {
		case strings.Contains(t, ":995") || strings.Contains(t, ":110"):
			return KindPopSettings
		case strings.Contains(t, ":993") || strings.Contains(t, ":143"):
			return KindImapSettings
		}
	}
	return KindUnknown
}

// orgKind reports whether k is a kind that belongs to the organisation, never to one server (DESIGN.md).
func orgKind(k Kind) bool {
	switch k {
	case KindSendConnector, KindHybridConfiguration, KindAuthConfig, KindWapApplication:
		return true
	}
	return false
}

// identityServerKind reports whether k is a kind whose Identity has the form SERVER\....
func identityServerKind(k Kind) bool {
	switch k {
	case KindExchangeCertificate, KindPopSettings, KindImapSettings, KindReceiveConnector:
		return true
	}
	return false
}

// classify sets o.Kind (from the CLIXML type names when they name a kind, else from the property
// set), o.Identity (Identity, else Name, else for certificates Thumbprint, else the first
// property's value) and o.Server (the
// Server property; the SERVER part of a SERVER\... Identity for certificates, receive connectors
// and POP/IMAP settings; the Name of an EdgeSubscription or TransportService; as the upper-case
// first DNS label). Objects of organisation-wide kinds get no server. The folder and
// PSComputerName rules need every input and are applied later by AssignServers.
func classify(o *Object, typeNames []string) {
	k := kindFromTypeNames(typeNames)
	if k == "" || k == KindUnknown {
		k = kindFromProperties(o)
	}
	classifyAs(o, k)
}

// classifyAs is classify for an object whose kind is already known.
func classifyAs(o *Object, k Kind) {
	o.Kind = k

	o.Identity = ""
	names := []string{"Identity", "Name"}
	if k == KindExchangeCertificate || k == KindAdfsCertificate {
		// A certificate's list view starts with AccessRules or the multi-line Certificate:
		// its thumbprint names it better than its first property.
		names = append(names, "Thumbprint")
	}
	for _, n := range names {
		if p, ok := o.Get(n); ok && !p.Value.Null {
			if t := o.Text(n); t != "" {
				o.Identity = t
				break
			}
		}
	}
	if o.Identity == "" && len(o.Properties) > 0 {
		o.Identity = valueText(o.Properties[0].Value)
	}

	o.Server = ""
	if orgKind(k) {
		return
	}
	if s := o.Text("Server"); s != "" {
		o.Server = ServerLabel(jsonName(s))
		return
	}
	if identityServerKind(k) {
		if id := o.Text("Identity"); id != "" {
			if i := strings.IndexByte(id, '\\'); i > 0 {
				o.Server = ServerLabel(id[:i])
				return
			}
		}
	}
	if k == KindEdgeSubscription || k == KindTransportService {
		if s := o.Text("Name"); s != "" {
			o.Server = ServerLabel(s)
		}
	}
}

// ServerLabel returns the upper-case first DNS label of a server name
// ("win-ctd3l0rgen4.exlab.dom" → "WIN-CTD3L0RGEN4"), the form every server name is compared and
// printed in. Surrounding blanks are ignored.
func ServerLabel(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.IndexByte(name, '.'); i >= 0 {
		name = name[:i]
	}
	return strings.ToUpper(name)
}

// serverListProps are properties whose items name servers.
var serverListProps = []string{"SourceTransportServers", "ReceivingTransportServers", "SendingTransportServers", "EdgeTransportServers", "ClientAccessServers", "ConnectedServersName"}

// CollectFile is the file collect.ps1 writes beside the per-server folders it fills.
const CollectFile = "certswap-collect.json"

// AssignServers gives a server to every object that classify left without one and that
// belongs to a server: the <SERVER> folder its file lies in, when that folder's name is a
// server named anywhere in the inputs or its parent folder holds certswap-collect.json; else
// the object's PSComputerName, with a warning, because that names the host of the remote
// session, not always the object's server. Organisation-wide objects keep no server.
func AssignServers(files []*File) {
	named := map[string]bool{}
	for _, f := range files {
		for _, o := range f.Objects {
			if o.Server != "" {
				named[o.Server] = true
			}
			for _, n := range serverListProps {
				for _, item := range o.List(n) {
					if l := ServerLabel(item); l != "" {
						named[l] = true
					}
				}
			}
		}
	}
	collectRoot := map[string]bool{}
	for _, f := range files {
		if f.Name == "" || f.Name == "-" {
			continue
		}
		dir := filepath.Dir(f.Name)
		folder := filepath.Base(dir)
		server := ""
		if folder != "." && folder != string(filepath.Separator) && folder != "" {
			label := ServerLabel(folder)
			parent := filepath.Dir(dir)
			isRoot, seen := collectRoot[parent]
			if !seen {
				_, err := os.Stat(filepath.Join(parent, CollectFile))
				isRoot = err == nil
				collectRoot[parent] = isRoot
			}
			if named[label] || isRoot {
				server = label
			}
		}
		for _, o := range f.Objects {
			if o.Server != "" || orgKind(o.Kind) {
				continue
			}
			if server != "" {
				o.Server = server
				continue
			}
			if pc := o.Text("PSComputerName"); pc != "" {
				o.Server = ServerLabel(pc)
				p, _ := o.Get("PSComputerName")
				o.Warnings = append(o.Warnings, PropertyWarning{Property: p.Name, Line: p.Line,
					Message: "server taken from PSComputerName, which names the host of the remote session and not always the object's server; export on each server into the folder layout collect writes"})
			}
		}
	}
}

// jsonName returns the Name of a value that ConvertTo-Json wrote as an object (an ADObjectId
// such as {"Rdn":"CN=EX01",...,"Name":"EX01"}), else the value itself.
func jsonName(v string) string {
	if !strings.HasPrefix(v, "{\"") {
		return v
	}
	var m map[string]any
	if json.Unmarshal([]byte(v), &m) != nil {
		return v
	}
	for k, x := range m {
		if strings.EqualFold(k, "Name") {
			if n, ok := x.(string); ok && n != "" {
				return n
			}
		}
	}
	return v
}
