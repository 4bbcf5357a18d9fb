package validate

import (
	"certswap/validate/cert"
	"fmt"
	"strconv"
	"strings"

	"certswap/validate/export"
)

// tlsNameTarget says how to fix the TlsCertificateName of one kind of object.
type tlsNameTarget struct {
	kind   export.Kind
	cmdlet string // Set-ReceiveConnector, ...
	ident  bool   // the cmdlet takes -Identity
	breaks string // what breaks, in an admin's words
}

var (
	receiveTarget = tlsNameTarget{export.KindReceiveConnector, "Set-ReceiveConnector", true,
		"once the old certificate is removed Exchange finds no certificate for it and stops offering STARTTLS on this connector (event 12014); senders that require TLS, such as Exchange Online, cannot deliver"}
	sendTarget = tlsNameTarget{export.KindSendConnector, "Set-SendConnector", true,
		"once the old certificate is removed the connector's queues fail with 454 4.7.5 \"The certificate specified in TlsCertificateName of the SendConnector could not be found\""}
	hybridTarget = tlsNameTarget{export.KindHybridConfiguration, "Set-HybridConfiguration", false,
		"the Hybrid Configuration Wizard writes it back to the connectors the next time it runs, and HealthChecker reports the mismatch"}
)

// tlsNameFix returns the fix line and change that set the object's TlsCertificateName to want.
func tlsNameFix(t tlsNameTarget, o *export.Object, old, want string) (string, *Change, error) {
	var args []arg
	if t.ident {
		args = append(args, p("-Identity", objectName(o)))
	}
	args = append(args, p("-TlsCertificateName", want))
	fix, err := psLine(t.cmdlet, args...)
	ch := &Change{Product: ProductExchange, Server: o.Server, Kind: o.Kind, Identity: objectName(o),
		Property: "TlsCertificateName", Old: old, New: want, File: o.File, Line: line(o, "TlsCertificateName")}
	return fix, ch, err
}

// staleTLSName finds the objects of t.kind whose TlsCertificateName still names the old certificate
// (a well-formed value equal to one of the old certificate's strings). Values that cannot match any
// certificate are left to exchange-tls-name-cannot-match; values naming an unrelated certificate
// are left alone.
func staleTLSName(t tlsNameTarget) func(*Input) []Finding {
	return func(in *Input) []Finding {
		newName := in.newName()
		var out []Finding
		for _, o := range in.objects(t.kind) {
			if why := lossy(o, "TlsCertificateName"); why != "" {
				out = addFinding(out, unknownFinding(o, "TlsCertificateName", why))
				continue
			}
			v := strings.Trim(text(o, "TlsCertificateName"), " \t")
			if v == "" || v == newName || !in.old.names[v] {
				continue
			}
			if in.compareNew(v).CannotMatch {
				continue
			}
			iss, subj, _ := cert.ParseTLSCertificateName(v)
			// Concatenation, not fmt.Sprintf: this runs for every stale connector of a fleet.
			msg := kindWord(t.kind) + " " + objectName(o) + " names the old certificate in TlsCertificateName (issuer " + strconv.Quote(iss) + ", subject " + strconv.Quote(subj) + "): " + t.breaks + "; set the new certificate's string"
			f := objFinding(o, "TlsCertificateName", msg)
			fix, ch, err := tlsNameFix(t, o, v, newName)
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = ch

			out = addFinding(out, f)
		}
		return out
	}
}

// exchangeReceiveConnectorTLSName: Set-ReceiveConnector -TlsCertificateName takes
// "<I>issuer<S>subject" built from the certificate ($TLSCertName = "<I>$($TLSCert.Issuer)<S>$($TLSCert.Subject)");
// KB 2989382: the hybrid server's receive connector keeps the old certificate's string after a new
// certificate is installed and the old one removed.
var exchangeReceiveConnectorTLSName = &Check{
	ID:       "exchange-receive-connector-tls-name",
	Product:  ProductExchange,
	Summary:  "a receive connector's TlsCertificateName names the old certificate",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/set-receiveconnector (-TlsCertificateName); https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run:      staleTLSName(receiveTarget),
}

// exchangeSendConnectorTLSName: send connectors (hybrid "Outbound to Office 365", relay, partner)
// carry the same property (field-notes.md EX-02, win-acme#1754).
var exchangeSendConnectorTLSName = &Check{
	ID:       "exchange-send-connector-tls-name",
	Product:  ProductExchange,
	Summary:  "a send connector's TlsCertificateName names the old certificate",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/set-sendconnector (-TlsCertificateName); field-notes.md EX-02",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run:      staleTLSName(sendTarget),
}

// exchangeHybridTLSName: Set-HybridConfiguration -TlsCertificateName (Example 3); HealthChecker's
// "Certificate Matches Hybrid Certificate".
var exchangeHybridTLSName = &Check{
	ID:       "exchange-hybrid-tls-name",
	Product:  ProductExchange,
	Summary:  "the hybrid configuration's TlsCertificateName names the old certificate",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/set-hybridconfiguration; field-notes.md EX-17",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run:      staleTLSName(hybridTarget),
}

// exchangeTLSNameCannotMatch: Exchange compares the stored string with "<I>"+Issuer+"<S>"+Subject
// of each certificate; a value with lower-case tags, ST= (OpenSSL's spelling; Windows prints S=),
// forward RDN order or another case names no certificate as written (DESIGN.md Exactness rules).
var exchangeTLSNameCannotMatch = &Check{
	ID:       "exchange-tls-name-cannot-match",
	Product:  ProductExchange,
	Summary:  "a TlsCertificateName cannot match any certificate as written (malformed, ST=, forward order, lower-case tags, other case)",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/set-receiveconnector (-TlsCertificateName); notes/windows-dn-format.md; field-notes.md G-05",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		newName := in.newName()
		newCN := strings.ToLower(commonName(in.New.Subject))
		oldCN := strings.ToLower(commonName(in.old.subject))
		var out []Finding
		for _, t := range []tlsNameTarget{receiveTarget, sendTarget, hybridTarget} {
			for _, o := range in.objects(t.kind) {
				if lossy(o, "TlsCertificateName") != "" {
					continue // reported as unknown by the stale check of this kind
				}
				v := strings.Trim(text(o, "TlsCertificateName"), " \t")
				if v == "" {
					continue
				}
				cmp := in.compareNew(v)
				if !cmp.CannotMatch {
					continue
				}
				low := strings.ToLower(v)
				related := newCN != "" && strings.Contains(low, newCN) || oldCN != "" && strings.Contains(low, oldCN)
				msg := fmt.Sprintf("%s %s has TlsCertificateName %q, which cannot match any certificate as written: it %s", kindWord(t.kind), objectName(o), v, cmp.Explanation)
				f := objFinding(o, "TlsCertificateName", msg)
				if !related {
					f.Message += "; set it to the exact string of the certificate it should name (certswap cannot tell which)"
					out = addFinding(out, f)
					continue
				}
				f.Message += fmt.Sprintf("; the new certificate's string is %q", newName)
				fix, ch, err := tlsNameFix(t, o, v, newName)
				f = withFix(f, fix, err)
				// The change is kept even when no fix line could be written: generate must see the
				// object and refuse the run (a value PowerShell cannot take), never leave it out.
				f.Change = ch

				out = addFinding(out, f)
			}
		}
		return out
	},
}

// usesTLS reports whether a connector negotiates TLS.
func usesTLS(o *export.Object) bool {
	if v, ok := boolProp(o, "RequireTLS"); ok && v {
		return true
	}
	switch o.Kind {
	case export.KindReceiveConnector:
		for _, m := range list(o, "AuthMechanism") {
			if strings.EqualFold(m, "Tls") {
				return true
			}
		}
	case export.KindSendConnector:
		if text(o, "TlsAuthLevel") != "" {
			return true
		}
		if v, ok := boolProp(o, "CloudServicesMailEnabled"); ok && v {
			return true
		}
	}
	return false
}

// exchangeConnectorFqdnNotCovered: a connector with an empty TlsCertificateName selects its
// certificate by its Fqdn, else the server's FQDN ("Selection of Inbound STARTTLS Certificates").
// certswap checks that name's coverage and never tells the admin to set TlsCertificateName on it.
// It reports a name the old certificate covered, no other certificate of the server covers and the
// new certificate does not cover.
var exchangeConnectorFqdnNotCovered = &Check{
	ID:       "exchange-connector-fqdn-not-covered",
	Product:  ProductExchange,
	Summary:  "a TLS connector without TlsCertificateName has an Fqdn the new certificate does not cover",
	Citation: "https://learn.microsoft.com/exchange/mail-flow/mail-routing/inbound-starttls-certificates-selection; field-notes.md EX-05, EX-10",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, k := range []export.Kind{export.KindReceiveConnector, export.KindSendConnector} {
			for _, o := range in.objects(k) {
				if lossy(o, "TlsCertificateName") != "" || strings.TrimSpace(text(o, "TlsCertificateName")) != "" {
					continue
				}
				if en, ok := boolProp(o, "Enabled"); ok && !en {
					continue
				}
				if !usesTLS(o) {
					continue
				}
				if why := lossy(o, "Fqdn"); why != "" {
					out = addFinding(out, unknownFinding(o, "Fqdn", why))
					continue
				}
				name, from := strings.TrimSpace(text(o, "Fqdn")), "Fqdn"
				if name == "" {
					if k != export.KindReceiveConnector || o.Server == "" {
						continue
					}
					name, from = o.Server, "server name"
				}
				if in.coversNew(name).Covered || !in.oldServed(o.Server, name) {
					continue
				}
				msg := fmt.Sprintf("%s %s has no TlsCertificateName, so Exchange selects its certificate by its %s %q, which the new certificate does not cover (it names %s); after the change STARTTLS on it falls back to another certificate or fails: keep a certificate that covers %q enabled for SMTP, or add the name to the new certificate", kindWord(k), objectName(o), from, name, strings.Join(in.New.DNSNames, ", "), name)
				out = addFinding(out, objFinding(o, "Fqdn", msg))
			}
		}
		return out
	},
}

// oldServed reports whether removing the old certificate takes name away from server: the old
// certificate covers it (known from --old or its CertificateDomains), and no other certificate
// exported for that server (self-signed included) covers it. Unknown coverage is not reported.
func (in *Input) oldServed(server, name string) bool {
	h := strings.ToLower(strings.TrimSuffix(name, "."))
	covered := false
	if in.old.cert != nil {
		covered = covers(in.old.cert, name).Covered
	}
	for _, n := range in.old.dnsNames {
		if nameCovers(n, h) {
			covered = true
		}
	}
	if !covered {
		return false
	}
	for _, c := range in.idx.certsByServer[strings.ToUpper(server)] {
		if tp, _ := exchangeCertThumbprint(c); tp == in.New.Thumbprint || in.isOld(c) {
			continue
		}
		for _, d := range exchangeCertDomains(c) {
			if nameCovers(d, h) {
				return false
			}
		}
	}
	return true
}

// exchangeSMTPNotEnabled: "If the TlsCertificateName/FQDN-matched certificate doesn't have SMTP
// service enabled, Exchange will still choose that certificate for STARTTLS, but TLS communication
// will fail at later stage" (Selection of Inbound STARTTLS Certificates).
var exchangeSMTPNotEnabled = &Check{
	ID:       "exchange-smtp-not-enabled",
	Product:  ProductExchange,
	Summary:  "the new certificate is installed where connectors will select it but is not enabled for SMTP",
	Citation: "https://learn.microsoft.com/exchange/mail-flow/mail-routing/inbound-starttls-certificates-selection; field-notes.md EX-05",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, server := range sortedServers(in.idx.certsByServer) {
			for _, c := range in.idx.certsByServer[server] {
				if tp, _ := exchangeCertThumbprint(c); tp != in.New.Thumbprint {
					continue
				}
				if !in.selectedOn(server) {
					continue
				}
				svc, prop, why := services(c)
				if why != "" {
					out = addFinding(out, unknownFinding(c, prop, why))
					continue
				}
				if svc["SMTP"] {
					continue
				}
				msg := fmt.Sprintf("the new certificate %s is installed on %s and connectors there will select it, but it is not enabled for SMTP (%s): Exchange still picks it for STARTTLS and TLS then fails; enable SMTP and answer N when asked to replace the default SMTP certificate (never -Force, which replaces the internal transport certificate)", in.New.Thumbprint, nonEmpty(server, "an unknown server"), servicesText(svc))
				f := objFinding(c, prop, msg)
				var args []arg
				if server != "" {
					args = append(args, p("-Server", server))
				}
				args = append(args, p("-Thumbprint", in.New.Thumbprint), p("-Services", "SMTP"))
				fix, err := psLine("Enable-ExchangeCertificate", args...)
				f = withFix(f, fix, err)
				// The change is kept even when no fix line could be written: generate must see the
				// object and refuse the run (a value PowerShell cannot take), never leave it out.
				f.Change = &Change{Product: ProductExchange, Server: server, Kind: export.KindExchangeCertificate, Identity: in.New.Thumbprint,
					Property: "Services", Old: servicesText(svc), New: servicesText(addService(svc, "SMTP")), File: c.File, Line: c.Line}

				out = addFinding(out, f)
			}
		}
		return out
	},
}

// selectedOn reports whether a connector on server will select the new certificate: its
// TlsCertificateName is (or is about to become) the new string, or it is empty and the
// connector's Fqdn is covered by the new certificate. The servers are computed once per run.
func (in *Input) selectedOn(server string) bool {
	if in.selecting == nil {
		in.selecting = map[string]bool{}
		newName := in.newName()
		match := func(o *export.Object) bool {
			v := strings.Trim(text(o, "TlsCertificateName"), " \t")
			if v == newName || in.old.names[v] {
				return true
			}
			return v == "" && usesTLS(o) && in.coversNew(text(o, "Fqdn")).Covered
		}
		for _, o := range in.objects(export.KindReceiveConnector) {
			if match(o) {
				in.selecting[strings.ToUpper(o.Server)] = true
			}
		}
		for _, o := range in.objects(export.KindSendConnector) {
			if match(o) {
				for _, s := range list(o, "SourceTransportServers") {
					in.selecting[serverLabel(s)] = true
				}
			}
		}
	}
	return in.selecting[strings.ToUpper(server)]
}

// exchangeCertificateMissingOnServer: certificates are per server; a send connector runs on every
// SourceTransportServer and a receive connector on its own server, so the new certificate must be
// imported on each of them (field-notes.md EX-06, win-acme#2811). Checked after the change, on the
// servers whose Get-ExchangeCertificate export was given.
var exchangeCertificateMissingOnServer = &Check{
	ID:       "exchange-certificate-missing-on-server",
	Product:  ProductExchange,
	Summary:  "after the change, a server whose connectors select the new certificate does not have it installed",
	Citation: "field-notes.md EX-06; https://learn.microsoft.com/exchange/mail-flow/mail-routing/inbound-starttls-certificates-selection",
	Before:   SeverityNone,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, server := range sortedServers(in.idx.certsByServer) {
			if server == "" || !in.selectedOn(server) {
				continue
			}
			certs := in.idx.certsByServer[server]
			found := false
			for _, c := range certs {
				if tp, _ := exchangeCertThumbprint(c); tp == in.New.Thumbprint {
					found = true
				}
			}
			if found {
				continue
			}
			f := Finding{Server: server, Object: server, File: certs[0].File, Line: certs[0].Line,
				Message: fmt.Sprintf("connectors on %s select the new certificate, but its Get-ExchangeCertificate export does not list %s: import it there with Import-ExchangeCertificate -Server and enable it for the services the old certificate had", server, in.New.Thumbprint)}
			out = addFinding(out, f)
		}
		return out
	},
}

// exchangeInternalTransportCertificate: Enable-ExchangeCertificate -Services SMTP -Force replaces
// the internal transport certificate; Microsoft recommends keeping the self-signed one
// (HealthChecker InternalTransportCertificateCheck), and removing it raises events 12012/12013.
var exchangeInternalTransportCertificate = &Check{
	ID:       "exchange-internal-transport-certificate",
	Product:  ProductExchange,
	Summary:  "the old certificate is a server's internal transport certificate (do not remove it; never use -Force)",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/enable-exchangecertificate (-Force); https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/InternalTransportCertificateCheck.md",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, o := range in.objects(export.KindTransportService) {
			const prop = "InternalTransportCertificateThumbprint"
			if why := lossy(o, prop); why != "" {
				out = addFinding(out, unknownFinding(o, prop, why))
				continue
			}
			tp := cleanOrEmpty(text(o, prop))
			if tp == "" || !in.old.thumbprints[tp] {
				continue
			}
			server := nonEmpty(o.Server, serverLabel(text(o, "Name")))
			msg := fmt.Sprintf("the old certificate %s is the internal transport certificate of %s: removing it breaks internal mail flow (events 12012/12013); when enabling SMTP on the new certificate answer N at the prompt (never -Force), and assign the internal role to Exchange's self-signed certificate before the old one is removed, as Microsoft recommends", tp, nonEmpty(server, "the server"))
			out = addFinding(out, objFinding(o, prop, msg))
		}
		return out
	},
}

// exchangeAuthCertificate: the Exchange Auth certificate (Get-AuthConfig) is a separate, usually
// self-signed certificate managed by MonitorExchangeAuthCertificate; replacing or removing it in a
// TLS rotation breaks OAuth (and, in hybrid, needs the Hybrid Configuration Wizard again).
var exchangeAuthCertificate = &Check{
	ID:       "exchange-auth-certificate",
	Product:  ProductExchange,
	Summary:  "the old certificate is the Exchange Auth certificate (current or next) in Get-AuthConfig",
	Citation: "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/AuthCertificateCheck.md; field-notes.md EX-15",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, o := range in.objects(export.KindAuthConfig) {
			for _, prop := range []string{"CurrentCertificateThumbprint", "NextCertificateThumbprint"} {
				if why := lossy(o, prop); why != "" {
					out = addFinding(out, unknownFinding(o, prop, why))
					continue
				}
				tp := cleanOrEmpty(text(o, prop))
				if tp == "" || !in.old.thumbprints[tp] {
					continue
				}
				msg := fmt.Sprintf("the old certificate %s is the Exchange Auth certificate (%s): it signs OAuth tokens for hybrid and server-to-server authentication and is not part of a TLS rotation; do not remove it with the old TLS certificate, and renew it on its own (MonitorExchangeAuthCertificate.ps1; in hybrid, run the Hybrid Configuration Wizard afterwards)", tp, prop)
				f := objFinding(o, prop, msg)
				f.Object = "AuthConfig"
				out = addFinding(out, f)
			}
		}
		return out
	},
}

// exchangeDuplicateTLSName: a renewal that keeps issuer and subject leaves two certificates with
// the same "<I><S>"; connectors reference the name, not the thumbprint, and Exchange picks the
// newest (CSS-Exchange#1165, field-notes.md EX-18).
var exchangeDuplicateTLSName = &Check{
	ID:       "exchange-duplicate-tls-name",
	Product:  ProductExchange,
	Summary:  "another installed certificate has the same issuer and subject as the new one",
	Citation: "https://github.com/microsoft/CSS-Exchange/issues/1165; https://learn.microsoft.com/exchange/mail-flow/mail-routing/inbound-starttls-certificates-selection",
	Before:   SeverityNotice,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, server := range sortedServers(in.idx.certsByServer) {
			for _, c := range in.idx.certsByServer[server] {
				tp, _ := exchangeCertThumbprint(c)
				subj, iss := exchangeCertNames(c)
				if tp == "" || tp == in.New.Thumbprint || subj != in.New.Subject || iss != in.New.Issuer {
					continue
				}
				msg := fmt.Sprintf("certificate %s on %s has the same issuer and subject as the new certificate %s, so both match TlsCertificateName %q and Exchange picks the newer; remove it once the change is verified and nothing else uses it", tp, nonEmpty(server, "an unknown server"), in.New.Thumbprint, in.newName())
				f := objFinding(c, "Thumbprint", msg)
				var args []arg
				if server != "" {
					args = append(args, p("-Server", server))
				}
				args = append(args, p("-Thumbprint", tp))
				fix, err := psLine("Remove-ExchangeCertificate", args...)
				out = addFinding(out, withFix(f, fix, err))
			}
		}
		return out
	},
}

// serverLabel returns a server name's first DNS label in upper case.
func serverLabel(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return strings.ToUpper(s)
}
