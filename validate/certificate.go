package validate

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

const dateLayout = "2006-01-02 15:04:05 UTC"

// certFinding starts a finding on the new certificate file.
func certFinding(in *Input, msg string) Finding {
	return Finding{Object: in.New.Thumbprint, File: in.NewFile, Message: msg}
}

// certificateExpired: a certificate outside its validity period is not used for TLS: Exchange
// logs event 12016 for an expired STARTTLS certificate, HealthChecker marks it red, AD FS and
// HTTP.sys clients reject it.
var certificateExpired = &Check{
	ID:       "certificate-expired",
	Product:  ProductCertificate,
	Summary:  "the new certificate is expired or not yet valid at the change time (--at)",
	Citation: "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/CertificateCheck.md; field-notes.md EX-05 (event 12016)",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		c := in.New
		switch {
		case in.At.Before(c.NotBefore):
			return []Finding{certFinding(in, fmt.Sprintf("the new certificate is not yet valid at %s: it is valid from %s", in.At.Format(dateLayout), c.NotBefore.UTC().Format(dateLayout)))}
		case in.At.After(c.NotAfter):
			return []Finding{certFinding(in, fmt.Sprintf("the new certificate expired on %s, before the change time %s", c.NotAfter.UTC().Format(dateLayout), in.At.Format(dateLayout)))}
		}
		return nil
	},
}

// certificateExpiresSoon: HealthChecker colours less than 30 days red; issue 4 sets 30 days
// (--min-days) as the default threshold.
var certificateExpiresSoon = &Check{
	ID:       "certificate-expires-soon",
	Product:  ProductCertificate,
	Summary:  "the new certificate expires within --min-days (default 30) of the change time",
	Citation: "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/CertificateCheck.md",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		c := in.New
		days := in.minDays()
		if days < 0 || in.At.Before(c.NotBefore) || in.At.After(c.NotAfter) {
			return nil
		}
		left := c.NotAfter.Sub(in.At)
		if left >= time.Duration(days)*24*time.Hour {
			return nil
		}
		return []Finding{certFinding(in, fmt.Sprintf("the new certificate expires on %s, %d days after the change time (threshold %d days)", c.NotAfter.UTC().Format(dateLayout), int(left.Hours()/24), days))}
	},
}

// certificatePrivateKeyMissing: a CER or P7B holds no private key, and TLS needs one;
// Enable-ExchangeCertificate fails with PrivateKeyMissing (win-acme#427). The runbook expects the
// certificate installed with its key (DESIGN.md: a notice in before).
var certificatePrivateKeyMissing = &Check{
	ID:       "certificate-private-key-missing",
	Product:  ProductCertificate,
	Summary:  "the new certificate file holds no private key (a CER/P7B cannot be installed for TLS)",
	Citation: "field-notes.md EX-13 (Enable-ExchangeCertificate fails with PrivateKeyMissing, win-acme#427); DESIGN.md Severities",
	Before:   SeverityNotice,
	After:    SeverityNone,
	Run: func(in *Input) []Finding {
		if in.New.HasPrivateKey {
			return nil
		}
		form := ""
		if in.NewFormat != "" {
			form = fmt.Sprintf(" (a %s file)", in.NewFormat)
		}
		return []Finding{certFinding(in, fmt.Sprintf("the new certificate file holds no private key%s; TLS needs the key, so the runbook expects the certificate already installed with it on every server, or give a PFX exported with its private key", form))}
	},
}

const (
	oidServerAuth = "1.3.6.1.5.5.7.3.1"
	oidAnyEKU     = "2.5.29.37.0"
)

// certificateServerAuthEKUMissing: a certificate whose Extended Key Usage lists purposes but not
// Server Authentication is refused by TLS servers and clients.
var certificateServerAuthEKUMissing = &Check{
	ID:       "certificate-server-auth-eku-missing",
	Product:  ProductCertificate,
	Summary:  "the new certificate's Extended Key Usage does not include Server Authentication",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/overview/ad-fs-requirements (the certificate contains the Server Authentication EKU); RFC 5280 4.2.1.12",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		eku := in.New.ExtKeyUsage
		if len(eku) == 0 {
			return nil
		}
		for _, o := range eku {
			if o == oidServerAuth || o == oidAnyEKU {
				return nil
			}
		}
		return []Finding{certFinding(in, fmt.Sprintf("the new certificate's Extended Key Usage (%s) does not include Server Authentication (%s); it cannot serve TLS", strings.Join(eku, ", "), oidServerAuth))}
	},
}

// certificateRSAKeyTooSmall: HealthChecker marks RSA keys under 2048 bits red.
var certificateRSAKeyTooSmall = &Check{
	ID:       "certificate-rsa-key-too-small",
	Product:  ProductCertificate,
	Summary:  "the new certificate has an RSA key under 2048 bits",
	Citation: "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/CertificateCheck.md",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		if in.New.KeyAlgorithm != "RSA" || in.New.KeySize <= 0 || in.New.KeySize >= 2048 {
			return nil
		}
		return []Finding{certFinding(in, fmt.Sprintf("the new certificate has a %d-bit RSA key; use at least 2048 bits", in.New.KeySize))}
	},
}

// certificateSHA1Signature: HealthChecker warns about SHA-1 signed certificates.
var certificateSHA1Signature = &Check{
	ID:       "certificate-sha1-signature",
	Product:  ProductCertificate,
	Summary:  "the new certificate is signed with SHA-1",
	Citation: "https://github.com/microsoft/CSS-Exchange/blob/main/docs/Diagnostics/HealthChecker/CertificateCheck.md",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		a := strings.ToUpper(in.New.SignatureAlgorithm)
		if !strings.Contains(a, "SHA1") && a != "1.2.840.113549.1.1.5" && a != "1.2.840.10045.4.1" {
			return nil
		}
		return []Finding{certFinding(in, fmt.Sprintf("the new certificate is signed with SHA-1 (%s); clients increasingly refuse it", in.New.SignatureAlgorithm))}
	},
}

// certificateChainIncomplete: every server must be able to build the chain; the import steps
// install the intermediates from the file (JPB: intermediates into the Intermediate CA store).
var certificateChainIncomplete = &Check{
	ID:       "certificate-chain-incomplete",
	Product:  ProductCertificate,
	Summary:  "the new certificate's file does not carry the certificate of its issuing CA",
	Citation: "field-notes.md AF-10; https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap",
	Before:   SeverityWarning,
	After:    SeverityNotice,
	Run: func(in *Input) []Finding {
		c := in.New
		if c.SelfSigned || c.Issuer == c.Subject && len(c.RawIssuer) > 0 && bytes.Equal(c.RawIssuer, c.RawSubject) {
			return nil
		}
		for _, ch := range in.NewChain {
			if issues(ch, c) {
				return nil
			}
		}
		return []Finding{certFinding(in, fmt.Sprintf("the file holds no certificate of the issuing CA %q; install the intermediate certificates on every server before the change, or give a file that carries the chain", c.Issuer))}
	},
}

// issues reports whether ca is named as c's issuer (by DER name when both are known).
func issues(ca, c *cert.Certificate) bool {
	if len(ca.RawSubject) > 0 && len(c.RawIssuer) > 0 {
		return bytes.Equal(ca.RawSubject, c.RawIssuer)
	}
	return ca.Subject != "" && ca.Subject == c.Issuer
}

// certificateCNNotInSAN: clients match host names against the SAN only; a CN that is not also a
// SAN entry is not a name the certificate serves.
var certificateCNNotInSAN = &Check{
	ID:       "certificate-cn-not-in-san",
	Product:  ProductCertificate,
	Summary:  "the new certificate's subject CN is not among its DNS SANs",
	Citation: "RFC 6125 6.4.4; field-notes.md AF-08",
	Before:   SeverityWarning,
	After:    SeverityNotice,
	Run: func(in *Input) []Finding {
		cn := commonName(in.New.Subject)
		if cn == "" || len(in.New.DNSNames) == 0 {
			return nil
		}
		for _, n := range in.New.DNSNames {
			if strings.EqualFold(strings.TrimSuffix(n, "."), strings.TrimSuffix(cn, ".")) {
				return nil
			}
		}
		return []Finding{certFinding(in, fmt.Sprintf("the subject CN %q is not among the DNS SANs (%s); clients that check only the SAN will not accept it for that name", cn, strings.Join(in.New.DNSNames, ", ")))}
	},
}

// certificateCNGKey: Exchange FBA does not support CNG keys (win-acme#420, certify#112); AD FS
// Service-Communications needs KeySpec 1 (AT_KEYEXCHANGE), a CAPI key; EdgeSync supports only CAPI
// certificates (event 1035).
var certificateCNGKey = &Check{
	ID:       "certificate-cng-key",
	Product:  ProductCertificate,
	Summary:  "the new PFX keeps its key in a CNG key storage provider where Exchange or AD FS needs a CAPI key",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/technical-reference/ad-fs-and-keyspec-property; field-notes.md EX-12, AF-07",
	Before:   SeverityWarning,
	After:    SeverityWarning,
	Run: func(in *Input) []Finding {
		if !isCNG(in.New.KeyProvider) {
			return nil
		}
		var who []string
		if len(in.Exports) == 0 || in.hasAny(exchangeKinds...) {
			who = append(who, "Exchange (OWA/ECP forms authentication, EdgeSync)")
		}
		if len(in.Exports) == 0 || in.hasAny(export.KindAdfsCertificate, export.KindAdfsProperties, export.KindAdfsSslCertificate) {
			who = append(who, "AD FS Service-Communications (KeySpec 1)")
		}
		if len(who) == 0 {
			return nil
		}
		return []Finding{certFinding(in, fmt.Sprintf("the PFX keeps the private key in %q, a CNG key storage provider; %s need a CAPI key: import it with certutil -importpfx FILE AT_KEYEXCHANGE or export it again from a CAPI provider", in.New.KeyProvider, strings.Join(who, " and ")))}
	},
}

// isCNG reports whether a PFX "Microsoft CSP Name" names a CNG key storage provider.
func isCNG(provider string) bool {
	p := strings.ToLower(provider)
	return strings.Contains(p, "key storage provider") || strings.Contains(p, "platform crypto provider")
}

var exchangeKinds = []export.Kind{export.KindReceiveConnector, export.KindSendConnector, export.KindExchangeCertificate,
	export.KindHybridConfiguration, export.KindTransportService, export.KindAuthConfig, export.KindPopSettings,
	export.KindImapSettings, export.KindEdgeSubscription}

func (in *Input) hasAny(kinds ...export.Kind) bool {
	for _, k := range kinds {
		if len(in.idx.byKind[k]) > 0 {
			return true
		}
	}
	return false
}

// certificateIssuerSubjectChanged: the field story: a renewal from the same CA with a new
// intermediate keeps the subject but changes the issuer, so the "<I>issuer<S>subject" string that
// connectors carry no longer names it (KB 2989382, event 12014). A notice naming the objects that
// still carry the old string; their own findings carry the action (DESIGN.md).
var certificateIssuerSubjectChanged = &Check{
	ID:       "certificate-issuer-subject-changed",
	Product:  ProductCertificate,
	Summary:  "the new certificate's issuer or subject differs from the old one's, so its TlsCertificateName changes",
	Citation: "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate; field-notes.md EX-03, EX-04",
	Before:   SeverityNotice,
	After:    SeverityNotice,
	Run: func(in *Input) []Finding {
		newName := in.newName()
		carriers := map[string][]string{}
		for _, k := range []export.Kind{export.KindReceiveConnector, export.KindSendConnector, export.KindHybridConfiguration} {
			for _, o := range in.objects(k) {
				v := strings.Trim(text(o, "TlsCertificateName"), " \t")
				if in.old.names[v] {
					carriers[v] = append(carriers[v], kindWord(o.Kind)+" "+objectName(o))
				}
			}
		}
		var out []Finding
		for _, old := range sortedKeys(in.old.names) {
			if old == newName {
				continue
			}
			iss, subj, err := cert.ParseTLSCertificateName(old)
			if err != nil {
				continue
			}
			var what []string
			if iss != in.New.Issuer {
				what = append(what, fmt.Sprintf("the issuer changes from %q to %q", iss, in.New.Issuer))
			}
			if subj != in.New.Subject {
				what = append(what, fmt.Sprintf("the subject changes from %q to %q", subj, in.New.Subject))
			} else {
				what = append(what, fmt.Sprintf("the subject %q stays the same", subj))
			}
			msg := fmt.Sprintf("%s, so the TlsCertificateName becomes %q; ", strings.Join(what, " and "), newName)
			objs := carriers[old]
			sort.Strings(objs)
			if len(objs) == 0 {
				msg += "no exported connector carries the old string"
			} else {
				shown := objs
				more := ""
				if len(shown) > 20 {
					shown, more = shown[:20], fmt.Sprintf("; and %d more", len(objs)-20)
				}
				msg += fmt.Sprintf("%d object(s) still carry the old string and stop finding a certificate once the old one is removed (event 12014, no STARTTLS): %s%s", len(objs), strings.Join(shown, "; "), more)
			}
			out = append(out, certFinding(in, msg))
		}
		return out
	},
}

func kindWord(k export.Kind) string {
	switch k {
	case export.KindReceiveConnector:
		return "receive connector"
	case export.KindSendConnector:
		return "send connector"
	case export.KindHybridConfiguration:
		return "hybrid configuration"
	}
	return string(k)
}
