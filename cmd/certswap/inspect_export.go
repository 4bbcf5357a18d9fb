package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"certswap/validate/export"
)

type exportJSON struct {
	File     string           `json:"file"`
	Format   string           `json:"format"`
	Encoding string           `json:"encoding"`
	Warnings []export.Warning `json:"warnings"`
	Objects  []objectJSON     `json:"objects"`
}

type objectJSON struct {
	Kind       string                   `json:"kind"`
	Identity   string                   `json:"identity"`
	Server     string                   `json:"server"`
	Line       int                      `json:"line"`
	Properties orderedProps             `json:"properties"`
	Lines      orderedLines             `json:"lines"`
	Warnings   []export.PropertyWarning `json:"warnings"`
}

// orderedProps marshals as a JSON object that keeps the export's property order.
type orderedProps []export.Property

func (p orderedProps) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, prop := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, prop.Name)
		b.WriteByte(':')
		switch {
		case prop.Value.Null:
			b.WriteString("null")
		case prop.Value.IsList:
			b.WriteByte('[')
			for j, it := range prop.Value.List {
				if j > 0 {
					b.WriteByte(',')
				}
				writeJSONString(&b, it)
			}
			b.WriteByte(']')
		default:
			writeJSONString(&b, prop.Value.Text)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// orderedLines marshals the first line of each property, in export order.
type orderedLines []export.Property

func (p orderedLines) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, prop := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, prop.Name)
		fmt.Fprintf(&b, ":%d", prop.Line)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}

func exportToJSON(xf *export.File) exportJSON {
	j := exportJSON{File: xf.Name, Format: xf.Format, Encoding: xf.Encoding,
		Warnings: xf.Warnings, Objects: []objectJSON{}}
	if j.Warnings == nil {
		j.Warnings = []export.Warning{}
	}
	for _, o := range xf.Objects {
		oj := objectJSON{Kind: string(o.Kind), Identity: o.Identity, Server: o.Server, Line: o.Line,
			Properties: o.Properties, Lines: o.Properties, Warnings: o.Warnings}
		if oj.Warnings == nil {
			oj.Warnings = []export.PropertyWarning{}
		}
		j.Objects = append(j.Objects, oj)
	}
	return j
}

func writeExportText(w io.Writer, e *env, xf *export.File) {
	fmt.Fprintf(w, "%s: export (%s, %s), %d object(s)\n", xf.Name, xf.Format, xf.Encoding, len(xf.Objects))
	for _, wn := range xf.Warnings {
		fmt.Fprintf(e.stderr, "certswap: warning: %s: line %d: %s\n", xf.Name, wn.Line, wn.Message)
	}
	for _, o := range xf.Objects {
		server := o.Server
		if server == "" {
			server = "(unknown server)"
		}
		fmt.Fprintf(w, "  %s %q on %s (line %d)\n", o.Kind, o.Identity, server, o.Line)
		for _, p := range o.Properties {
			if !interesting(o.Kind, p.Name) {
				continue
			}
			v := p.Value.Text
			switch {
			case p.Value.Null:
				v = "<null>"
			case p.Value.IsList:
				v = "{" + strings.Join(p.Value.List, ", ") + "}"
			}
			lossy := ""
			if p.Lossy != "" {
				lossy = "  [not exact: " + p.Lossy + "]"
			}
			fmt.Fprintf(w, "    %-32s %s%s\n", p.Name+":", v, lossy)
		}
		for _, pw := range o.Warnings {
			fmt.Fprintf(e.stderr, "certswap: warning: %s: line %d: %s: %s\n", xf.Name, pw.Line, pw.Property, pw.Message)
		}
	}
	fmt.Fprintln(w)
}

// interestingProps are the properties the checks read, per kind; inspect's text view shows these
// (--json shows every property).
var interestingProps = map[export.Kind][]string{
	export.KindReceiveConnector:    {"Identity", "Name", "Server", "Fqdn", "TlsCertificateName", "Bindings", "AuthMechanism", "RequireTLS", "TlsDomainCapabilities", "TransportRole", "Enabled"},
	export.KindSendConnector:       {"Identity", "Name", "Fqdn", "TlsCertificateName", "RequireTLS", "TlsAuthLevel", "TlsDomain", "CloudServicesMailEnabled", "SmartHosts", "AddressSpaces", "SourceTransportServers", "Enabled"},
	export.KindExchangeCertificate: {"Thumbprint", "Services", "Subject", "Issuer", "NotBefore", "NotAfter", "CertificateDomains", "HasPrivateKey", "Status", "IsSelfSigned"},
	export.KindHybridConfiguration: {"Identity", "TlsCertificateName", "Domains", "Features"},
	export.KindTransportService:    {"Name", "InternalTransportCertificateThumbprint"},
	export.KindAuthConfig:          {"CurrentCertificateThumbprint", "PreviousCertificateThumbprint", "NextCertificateThumbprint"},
	export.KindPopSettings:         {"Server", "ProtocolName", "X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings", "SSLBindings"},
	export.KindImapSettings:        {"Server", "ProtocolName", "X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings", "SSLBindings"},
	export.KindEdgeSubscription:    {"Name", "Site", "Domain"},
	export.KindAdfsSslCertificate:  {"HostName", "PortNumber", "CertificateHash"},
	export.KindAdfsCertificate:     {"CertificateType", "IsPrimary", "Thumbprint", "StoreLocation", "StoreName"},
	export.KindAdfsProperties:      {"HostName", "TlsClientPort", "HttpsPort"},
	export.KindWapSslCertificate:   {"HostName", "PortNumber", "CertificateHash"},
	export.KindWapApplication:      {"Name", "ID", "ExternalUrl", "BackendServerUrl", "ExternalCertificateThumbprint", "ExternalPreauthentication", "ADFSRelyingPartyName"},
	export.KindWapConfiguration:    {"ADFSUrl", "ADFSTokenSigningCertificatePublicKey", "ConfigurationVersion"},
	export.KindNetshSslBinding:     {"IP:port", "Hostname:port", "Central Certificate Store", "Certificate Hash", "Application ID", "Certificate Store Name"},
}

func interesting(k export.Kind, name string) bool {
	list, ok := interestingProps[k]
	if !ok {
		return true
	}
	for _, n := range list {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
