package validate

import (
	"certswap/validate/cert"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"certswap/validate/export"
)

// serviceOrder is the AllowedServices flags order (None=0, IMAP=1, POP=2, UM=4, IIS=8, SMTP=16,
// Federation=32, UMCallRouter=64), the order .NET prints them in ("IMAP, POP, IIS, SMTP").
var serviceOrder = []string{"IMAP", "POP", "UM", "IIS", "SMTP", "Federation", "UMCallRouter"}

// serviceLetters is the ServicesStringForm letter of each service, by position (Exchange 2013+:
// I P U W S F C; 6-character forms lack the last position).
var serviceLetters = []byte{'I', 'P', 'U', 'W', 'S', 'F', 'C'}

// parseServices reads an ExchangeCertificate Services value: the names list ("IMAP, POP, IIS,
// SMTP", "None") or the table view's letter code ("IP.WS..", 5 to 7 positions).
func parseServices(s string) (map[string]bool, bool) {
	s = strings.TrimSpace(s)
	set := map[string]bool{}
	if n := len(s); n >= 5 && n <= 7 && !strings.ContainsAny(s, ", ") {
		code := true
		for i := 0; i < n; i++ {
			if s[i] != '.' && s[i] != serviceLetters[i] {
				code = false
				break
			}
		}
		if code {
			for i := 0; i < n; i++ {
				if s[i] != '.' {
					set[serviceOrder[i]] = true
				}
			}
			return set, true
		}
	}
	for _, it := range strings.Split(strings.Trim(s, "{}"), ",") {
		it = strings.TrimSpace(it)
		if it == "" || strings.EqualFold(it, "None") {
			continue
		}
		found := false
		for _, name := range serviceOrder {
			if strings.EqualFold(it, name) {
				set[name] = true
				found = true
			}
		}
		if !found {
			return nil, false
		}
	}
	return set, true
}

// services returns an ExchangeCertificate object's services, the property read, and why they
// cannot be known ("" when they can).
func services(c *export.Object) (map[string]bool, string, string) {
	for _, prop := range []string{"Services", "ServicesStringForm"} {
		pr, ok := get(c, prop)
		if !ok {
			continue
		}
		if pr.Lossy != "" {
			return nil, prop, pr.Lossy
		}
		v := text(c, prop)
		if pr.Value.IsList {
			v = strings.Join(pr.Value.List, ", ")
		}
		set, ok := parseServices(v)
		if !ok {
			return nil, prop, fmt.Sprintf("%q is not a list of Exchange services", v)
		}
		return set, prop, ""
	}
	return nil, "Services", "the export has no Services property (a plain Export-Clixml keeps only RawData)"
}

// servicesText writes a service set as Exchange prints it ("IIS, SMTP"; "None" when empty).
func servicesText(set map[string]bool) string {
	var out []string
	for _, s := range serviceOrder {
		if set[s] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "None"
	}
	return strings.Join(out, ", ")
}

func addService(set map[string]bool, s ...string) map[string]bool {
	out := map[string]bool{}
	for k, v := range set {
		out[k] = v
	}
	for _, x := range s {
		out[x] = true
	}
	return out
}

func sortedServers[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// isOld reports whether an ExchangeCertificate object is the certificate being replaced.
func (in *Input) isOld(c *export.Object) bool {
	tp, _ := exchangeCertThumbprint(c)
	if tp != "" && tp != in.New.Thumbprint && in.old.thumbprints[tp] {
		return true
	}
	subj, iss := exchangeCertNames(c)
	return tp != in.New.Thumbprint && subj != "" && in.old.names[cert.TLSCertificateName(iss, subj)]
}

// exchangeServicesParity: services are not inherited by a renewed certificate and assignments are
// additive ("you need to assign the certificate to one or more Exchange services before the Exchange
// server is able to use the certificate"); every service the old certificate had on a server must be
// enabled on the new one. Federation moves with Set-FederationTrust, not Enable-ExchangeCertificate;
// a wildcard is never enabled for IMAP/POP (exchange-wildcard-pop-imap).
var exchangeServicesParity = &Check{
	ID:       "exchange-services-parity",
	Product:  ProductExchange,
	Summary:  "a service the old certificate is enabled for on a server is not enabled on the new one",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/enable-exchangecertificate; https://learn.microsoft.com/exchange/architecture/client-access/assign-certificates-to-services; exchange-services-pop-imap-edge.md §1, §5.1",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		wild := certIsWildcard(in.New)
		connectorsUseOld := in.connectorsNameOld()
		for _, server := range sortedServers(in.idx.certsByServer) {
			var newSvc map[string]bool
			newKnown := true
			for _, c := range in.idx.certsByServer[server] {
				if tp, _ := exchangeCertThumbprint(c); tp == in.New.Thumbprint {
					svc, prop, why := services(c)
					if why != "" {
						out = append(out, unknownFinding(c, prop, why))
						newKnown = false
						break
					}
					newSvc = svc
				}
			}
			if !newKnown {
				continue
			}
			for _, c := range in.idx.certsByServer[server] {
				if !in.isOld(c) {
					continue
				}
				oldSvc, prop, why := services(c)
				if why != "" {
					out = append(out, unknownFinding(c, prop, why))
					continue
				}
				missing := map[string]bool{}
				for s := range oldSvc {
					if !newSvc[s] {
						missing[s] = true
					}
				}
				// A wildcard is never enabled for IMAP/POP, but the change keeps them: the generator
				// leaves them out of Enable-ExchangeCertificate and restarts POP3/IMAP4, which pick the
				// new certificate up by X509CertificateName.
				var byName []string
				if wild {
					for _, s := range []string{"IMAP", "POP"} {
						if missing[s] {
							byName = append(byName, s)
						}
					}
					delete(missing, "IMAP")
					delete(missing, "POP")
				}
				oldTP, _ := exchangeCertThumbprint(c)
				if missing["Federation"] {
					delete(missing, "Federation")
					msg := fmt.Sprintf("the old certificate %s is the federation certificate on %s; federation does not move with Enable-ExchangeCertificate: run Set-FederationTrust -Thumbprint with the new certificate, check it with Test-FederationTrustCertificate, then Set-FederationTrust -PublishFederationCertificate", oldTP, nonEmpty(server, "an unknown server"))
					out = append(out, objFinding(c, prop, msg))
				}
				if len(missing) == 0 {
					continue
				}
				want := servicesText(missing)
				msg := fmt.Sprintf("on %s the old certificate %s is enabled for %s, but the new certificate %s is enabled for %s: enable %s on it (services are never inherited by a renewal)", nonEmpty(server, "an unknown server"), oldTP, servicesText(oldSvc), in.New.Thumbprint, servicesText(newSvc), want)
				if missing["SMTP"] {
					msg += "; for SMTP answer N when asked to replace the default SMTP certificate (never -Force, which replaces the internal transport certificate)"
					if !connectorsUseOld {
						msg += "; no connector names the old certificate, so SMTP matters only for the certificate Exchange selects by FQDN for STARTTLS"
					}
				}
				if missing["IIS"] {
					msg += "; enabling IIS sets Require SSL on the Default Web Site unless -DoNotRequireSsl is given, and IIS may need a restart (iisreset /noforce)"
				}
				f := objFinding(c, prop, msg)
				var args []arg
				if server != "" {
					args = append(args, p("-Server", server))
				}
				args = append(args, p("-Thumbprint", in.New.Thumbprint), p("-Services", want))
				fix, err := psLine("Enable-ExchangeCertificate", args...)
				f = withFix(f, fix, err)
				if err == nil {
					all := addService(newSvc, byName...)
					for s := range missing {
						all[s] = true
					}
					f.Change = &Change{Product: ProductExchange, Server: server, Kind: export.KindExchangeCertificate, Identity: in.New.Thumbprint,
						Property: "Services", Old: servicesText(newSvc), New: servicesText(all), File: c.File, Line: line(c, prop)}
				}
				out = append(out, f)
			}
		}
		return out
	},
}

func (in *Input) connectorsNameOld() bool {
	for _, k := range []export.Kind{export.KindReceiveConnector, export.KindSendConnector} {
		for _, o := range in.objects(k) {
			if in.old.names[strings.Trim(text(o, "TlsCertificateName"), " \t")] {
				return true
			}
		}
	}
	return false
}

// exchangeWildcardPOPIMAP: "Don't enable a wildcard certificate for the IMAP4 service. Instead, use
// the Set-ImapSettings cmdlet" (Enable-ExchangeCertificate); "For wildcard certificates, you don't
// need to assign the certificate to the Exchange POP service (you get an error if you try)".
var exchangeWildcardPOPIMAP = &Check{
	ID:       "exchange-wildcard-pop-imap",
	Product:  ProductExchange,
	Summary:  "the new certificate is a wildcard: it is never enabled for POP or IMAP (X509CertificateName carries them)",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/enable-exchangecertificate (-Services); https://learn.microsoft.com/powershell/module/exchangepowershell/set-popsettings (-X509CertificateName)",
	Before:   SeverityNotice,
	After:    SeverityNotice,
	Run: func(in *Input) []Finding {
		if !certIsWildcard(in.New) {
			return nil
		}
		var out []Finding
		for _, server := range sortedServers(in.idx.certsByServer) {
			for _, c := range in.idx.certsByServer[server] {
				tp, _ := exchangeCertThumbprint(c)
				isNew := tp == in.New.Thumbprint
				if !isNew && !in.isOld(c) {
					continue
				}
				svc, _, why := services(c)
				if why != "" || !(svc["IMAP"] || svc["POP"]) {
					continue
				}
				var msg string
				if isNew {
					msg = fmt.Sprintf("the new wildcard certificate %s shows POP or IMAP on %s (%s); Exchange refuses to enable a wildcard for them: POP and IMAP select their certificate by X509CertificateName (Set-PopSettings, Set-ImapSettings), which must be an FQDN the wildcard covers", tp, nonEmpty(server, "an unknown server"), servicesText(svc))
				} else {
					msg = fmt.Sprintf("the old certificate %s is enabled for %s on %s, but the new certificate is a wildcard (%s), which Exchange refuses to enable for POP or IMAP: the services fix leaves them out, and POP and IMAP keep working only if X509CertificateName (Get-PopSettings, Get-ImapSettings) is an FQDN the wildcard covers", tp, servicesText(svc), nonEmpty(server, "an unknown server"), commonName(in.New.Subject))
				}
				out = append(out, objFinding(c, "Services", msg))
			}
		}
		return out
	},
}

// exchangePOPIMAPCertificateName: "A valid value for this parameter is the FQDN from the
// ExternalConnectionSettings or InternalConnectionSettings parameters" (Set-PopSettings,
// Set-ImapSettings -X509CertificateName); the FQDN "identifies the certificate that matches or
// contains" it.
var exchangePOPIMAPCertificateName = &Check{
	ID:       "exchange-pop-imap-certificate-name",
	Product:  ProductExchange,
	Summary:  "a server's POP3/IMAP4 X509CertificateName is not covered by the new certificate",
	Citation: "https://learn.microsoft.com/powershell/module/exchangepowershell/set-popsettings (-X509CertificateName); https://learn.microsoft.com/exchange/clients/pop3-and-imap4/configure-pop3",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, k := range []export.Kind{export.KindPopSettings, export.KindImapSettings} {
			proto, cmdlet := "POP3", "Set-PopSettings"
			if k == export.KindImapSettings {
				proto, cmdlet = "IMAP4", "Set-ImapSettings"
			}
			for _, o := range in.objects(k) {
				const prop = "X509CertificateName"
				if why := lossy(o, prop); why != "" {
					out = append(out, unknownFinding(o, prop, why))
					continue
				}
				name := strings.TrimSpace(text(o, prop))
				if name == "" || in.coversNew(name).Covered {
					continue
				}
				where := o.Server
				if where == "" {
					where = "a server certswap cannot tell (the export names none)"
				}
				msg := fmt.Sprintf("%s on %s selects its certificate by X509CertificateName %q, which the new certificate does not cover (it names %s): %s clients will get a certificate that does not match", proto, where, name, strings.Join(in.New.DNSNames, ", "), proto)
				f := objFinding(o, prop, msg)
				fqdn := ""
				for _, cs := range []string{"ExternalConnectionSettings", "InternalConnectionSettings"} {
					for _, item := range list(o, cs) {
						h, _, _ := strings.Cut(strings.TrimSpace(item), ":")
						if h != "" && !cert.IsWildcard(h) && in.coversNew(h).Covered {
							fqdn = h
							break
						}
					}
					if fqdn != "" {
						break
					}
				}
				if fqdn == "" {
					f.Message += "; none of its connection settings names an FQDN the new certificate covers, so there is no name to switch to"
					out = append(out, f)
					continue
				}
				var args []arg
				if o.Server != "" {
					args = append(args, p("-Server", o.Server))
				}
				args = append(args, p("-X509CertificateName", fqdn))
				fix, err := psLine(cmdlet, args...)
				f.Message += fmt.Sprintf("; %q from its connection settings is covered; restart %s afterwards", fqdn, popIMAPServices(proto))
				f = withFix(f, fix, err)
				// The change is kept even when no fix line could be written: generate must see the
				// object and refuse the run (a value PowerShell cannot take), never leave it out.
				f.Change = &Change{Product: ProductExchange, Server: o.Server, Kind: k, Identity: objectName(o), Property: prop,
					Old: name, New: fqdn, File: o.File, Line: line(o, prop)}

				out = append(out, f)
			}
		}
		return out
	},
}

func popIMAPServices(proto string) string {
	if proto == "POP3" {
		return "MSExchangePOP3 and MSExchangePOP3BE"
	}
	return "MSExchangeIMAP4 and MSExchangeIMAP4BE"
}

// exchangeEdgeSubscription: "If you renew or replace a certificate that was issued by a CA on a
// subscribed Edge Transport server, you need to remove the old certificate, and then delete and
// recreate the Edge Subscription" (Renew an Exchange Server certificate).
var exchangeEdgeSubscription = &Check{
	ID:       "exchange-edge-subscription",
	Product:  ProductExchange,
	Summary:  "a subscribed Edge server's CA-issued SMTP certificate is replaced: the Edge Subscription must be re-created",
	Citation: "https://learn.microsoft.com/exchange/architecture/client-access/renew-certificates; https://learn.microsoft.com/exchange/architecture/edge-transport-servers/edge-subscription-procedures",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, sub := range in.objects(export.KindEdgeSubscription) {
			edge := nonEmpty(sub.Server, serverLabel(text(sub, "Name")))
			if edge == "" {
				continue
			}
			certs := in.idx.certsByServer[edge]
			if len(certs) == 0 {
				if in.old.known() {
					f := objFinding(sub, "Name", fmt.Sprintf("unknown: %s is a subscribed Edge server, but no Get-ExchangeCertificate export of it was given, so certswap cannot tell whether its CA-issued SMTP certificate is being replaced (which requires re-creating the Edge Subscription); run the fix command on %s and re-run", edge, edge))
					f.Severity = SeverityWarning
					f.Server = edge
					fix, err := exportCommand(export.KindExchangeCertificate, "")
					out = append(out, withFix(f, fix, err))
				}
				continue
			}
			for _, c := range certs {
				if !in.isOld(c) {
					continue
				}
				if self, ok := boolProp(c, "IsSelfSigned"); ok && self {
					continue
				}
				svc, prop, why := services(c)
				if why != "" {
					out = append(out, unknownFinding(c, prop, why))
					continue
				}
				if !svc["SMTP"] {
					continue
				}
				tp, _ := exchangeCertThumbprint(c)
				msg := fmt.Sprintf("%s is a subscribed Edge server and its CA-issued SMTP certificate %s is being replaced: Mailbox servers trust the Edge by the certificate captured in the subscription, so EdgeSync and Edge-to-Mailbox authentication stop until it is re-created: on %s remove the old certificate, then run New-EdgeSubscription; copy the file to a Mailbox server in the same Active Directory site and import it with New-EdgeSubscription -FileData within 24 hours; then run Start-EdgeSynchronization", edge, tp, edge)
				f := objFinding(sub, "Name", msg)
				f.Server = edge
				fix, err := psLine("New-EdgeSubscription", p("-FileName", `C:\EdgeSubscriptionInfo.xml`))
				out = append(out, withFix(f, fix, err))
			}
		}
		return out
	},
}

// exchangeEdgeCNGKey: "EdgeSync failed to synchronize because it only supports Cryptographic API
// certificates" (MSExchange EdgeSync event 1035, granikos.eu): a CNG certificate that becomes a
// Mailbox server's internal transport certificate while Edge subscriptions exist breaks EdgeSync.
var exchangeEdgeCNGKey = &Check{
	ID:       "exchange-edge-cng-key",
	Product:  ProductExchange,
	Summary:  "a CNG-key certificate would become a Mailbox server's internal transport certificate while Edge subscriptions exist",
	Citation: "exchange-services-pop-imap-edge.md §3.4 (EdgeSync event 1035, granikos.eu \"Edge Transport Server, EdgeSync, and Certificates\")",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		subs := in.objects(export.KindEdgeSubscription)
		if !isCNG(in.New.KeyProvider) || len(subs) == 0 {
			return nil
		}
		edges := map[string]bool{}
		for _, s := range subs {
			edges[nonEmpty(s.Server, serverLabel(text(s, "Name")))] = true
		}
		var out []Finding
		for _, o := range in.objects(export.KindTransportService) {
			const prop = "InternalTransportCertificateThumbprint"
			server := nonEmpty(o.Server, serverLabel(text(o, "Name")))
			if edges[server] {
				continue
			}
			tp := cleanOrEmpty(text(o, prop))
			if tp == "" || (tp != in.New.Thumbprint && !in.old.thumbprints[tp]) {
				continue
			}
			msg := fmt.Sprintf("the new certificate's key is in %q, a CNG provider, and it would become the internal transport certificate of %s (now %s) while Edge subscriptions exist: EdgeSync supports only CAPI certificates (event 1035) and stops; keep Exchange's self-signed certificate as the internal one, or import the new certificate with a CAPI key", in.New.KeyProvider, nonEmpty(server, "the server"), tp)
			out = append(out, objFinding(o, prop, msg))
		}
		return out
	},
}

// hostOf returns the host of a URL such as https://app.contoso.com/ ("" when it has none).
func hostOf(u string) string {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return ""
	}
	return pu.Hostname()
}
