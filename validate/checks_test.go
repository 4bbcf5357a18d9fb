package validate

import (
	"strings"
	"testing"
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// want is one expected finding of the check under test.
type want struct {
	sev    Severity
	object string
	file   string
	line   int
	fix    string   // exact; "" = no fix
	msg    []string // substrings the message must hold
}

// checkCase runs one check on one input. A case with no wants is a quiet case.
type checkCase struct {
	name  string
	stage Stage
	in    func() *Input
	want  []want
}

// checkCases holds, per check ID, cases that fire and cases that stay quiet. Expected values come
// from the field stories and Microsoft's documents (cmdlet names and parameters from the cmdlet
// reference, names as Windows prints them), never from a run.
var checkCases = map[string][]checkCase{
	"certificate-expired": {
		{name: "expired", in: func() *Input {
			in := base()
			in.At = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
			return in
		}, want: []want{{sev: SeverityError, object: tpNew, file: "new.pfx", msg: []string{"expired on 2027-11-30 23:59:59 UTC"}}}},
		{name: "not-yet-valid-after-stage", stage: StageAfter, in: func() *Input {
			in := base()
			in.At = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
			return in
		}, want: []want{{sev: SeverityError, object: tpNew, file: "new.pfx", msg: []string{"not yet valid", "valid from 2026-11-01 00:00:00 UTC"}}}},
		{name: "valid", in: base},
	},
	"certificate-expires-soon": {
		{name: "ten-days", in: func() *Input {
			in := base()
			in.New.NotAfter = testAt.Add(10 * 24 * time.Hour)
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "new.pfx", msg: []string{"10 days after", "threshold 30 days"}}}},
		{name: "min-days-off", in: func() *Input {
			in := base()
			in.New.NotAfter = testAt.Add(10 * 24 * time.Hour)
			in.MinDays = -1
			return in
		}},
		{name: "a-year", in: base},
	},
	"certificate-private-key-missing": {
		{name: "cer", in: func() *Input {
			in := base()
			in.New.HasPrivateKey, in.NewFormat, in.NewFile = false, "DER", "new.cer"
			return in
		}, want: []want{{sev: SeverityNotice, object: tpNew, file: "new.cer", msg: []string{"no private key (a DER file)"}}}},
		{name: "cer-after-not-run", stage: StageAfter, in: func() *Input {
			in := base()
			in.New.HasPrivateKey = false
			return in
		}},
		{name: "pfx", in: base},
	},
	"certificate-server-auth-eku-missing": {
		{name: "client-auth-only", in: func() *Input {
			in := base()
			in.New.ExtKeyUsage = []string{"1.3.6.1.5.5.7.3.2"}
			return in
		}, want: []want{{sev: SeverityError, object: tpNew, file: "new.pfx", msg: []string{"1.3.6.1.5.5.7.3.1"}}}},
		{name: "no-eku-extension", in: func() *Input {
			in := base()
			in.New.ExtKeyUsage = nil
			return in
		}},
		{name: "server-auth", in: base},
	},
	"certificate-rsa-key-too-small": {
		{name: "1024", in: func() *Input {
			in := base()
			in.New.KeySize = 1024
			return in
		}, want: []want{{sev: SeverityError, object: tpNew, file: "new.pfx", msg: []string{"1024-bit RSA key"}}}},
		{name: "ecdsa-256", in: func() *Input {
			in := base()
			in.New.KeyAlgorithm, in.New.KeySize = "ECDSA", 256
			return in
		}},
		{name: "2048", in: base},
	},
	"certificate-sha1-signature": {
		{name: "sha1", in: func() *Input {
			in := base()
			in.New.SignatureAlgorithm = "SHA1-RSA"
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "new.pfx", msg: []string{"SHA-1 (SHA1-RSA)"}}}},
		{name: "sha256", in: base},
	},
	"certificate-chain-incomplete": {
		{name: "leaf-only", in: func() *Input {
			in := base()
			in.NewChain = nil
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "new.pfx", msg: []string{`"` + sectigoIssuer + `"`}}}},
		{name: "with-intermediate", in: base},
		{name: "self-signed", in: func() *Input {
			in := base()
			in.NewChain = nil
			in.New.SelfSigned = true
			return in
		}},
	},
	"certificate-cn-not-in-san": {
		{name: "cn-missing", in: func() *Input {
			in := base()
			in.New.DNSNames = []string{"autodiscover.contoso.com"}
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "new.pfx", msg: []string{`"mail.contoso.com"`}}}},
		{name: "cn-in-san-other-case", in: func() *Input {
			in := base()
			in.New.DNSNames = []string{"MAIL.contoso.com"}
			return in
		}},
		{name: "cn-in-san", in: base},
	},
	"certificate-cng-key": {
		{name: "ksp-with-exchange", in: func() *Input {
			in := base()
			in.New.KeyProvider = "Microsoft Software Key Storage Provider"
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "new.pfx", msg: []string{"Microsoft Software Key Storage Provider", "Exchange"}}}},
		{name: "ksp-wap-only", in: func() *Input {
			in := base()
			in.New.KeyProvider = "Microsoft Software Key Storage Provider"
			in.Exports = files(obj(export.KindWapApplication, "", "wapapps.txt", 1, "Name", "OWA", "ID", "a", "ExternalCertificateThumbprint", tpOld))
			return in
		}},
		{name: "capi", in: base},
	},
	"certificate-issuer-subject-changed": {
		{name: "comodo-to-sectigo", in: func() *Input {
			in := base()
			in.Old, in.OldFile = oldCert(), "old.cer"
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"),
				receiveConnector("EX01", "Inbound from partner", 40, oldName, "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityNotice, object: tpNew, file: "new.pfx", msg: []string{
			`the issuer changes from "` + comodoIssuer + `" to "` + sectigoIssuer + `"`,
			`the subject "CN=mail.contoso.com" stays the same`,
			`2 object(s) still carry the old string`,
			`receive connector EX01\Default Frontend EX01; receive connector EX01\Inbound from partner`}}}},
		{name: "same-issuer", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Old.Issuer = sectigoIssuer
			return in
		}},
		{name: "old-unknown", in: base},
	},
	"certificate-thumbprint-invalid": {
		{name: "42-hex-in-wap-app", in: func() *Input {
			in := base()
			in.Exports = files(obj(export.KindWapApplication, "", "wapapps.txt", 3, "Name", "OWA", "ID", "0f0e", "ExternalCertificateThumbprint", tpOld+"AB"))
			return in
		}, want: []want{{sev: SeverityError, object: "OWA", file: "wapapps.txt", line: 5, msg: []string{"42 hex digits; a thumbprint has 40"}}}},
		{name: "old-flag", in: func() *Input {
			in := base()
			in.OldThumbprint = "9F8E7D6C5B4A39281706F5E4D3C2B1A09876543"
			return in
		}, want: []want{{sev: SeverityError, object: "--old", file: "--old", msg: []string{"39 hex digits"}}}},
		{name: "clean", in: func() *Input {
			in := base()
			in.OldThumbprint = strings.ToLower(tpOld)
			in.Exports = files(obj(export.KindWapApplication, "", "wapapps.txt", 3, "Name", "OWA", "ID", "0f0e", "ExternalCertificateThumbprint", tpOld))
			return in
		}},
	},
	"certificate-thumbprint-cleaned": {
		{name: "mmc-paste", in: func() *Input {
			in := base()
			in.OldThumbprint = "\u200e9f 8e 7d 6c 5b 4a 39 28 17 06 f5 e4 d3 c2 b1 a0 98 76 54 32"
			return in
		}, want: []want{{sev: SeverityNotice, object: "--old", file: "--old", msg: []string{"removed 1 U+200E LEFT-TO-RIGHT MARK, 19 spaces", "reads " + tpOld, `"\u200e9f 8e`}}}},
		{name: "lower-case-only", in: func() *Input {
			in := base()
			in.OldThumbprint = strings.ToLower(tpOld)
			return in
		}},
	},
	"exchange-receive-connector-tls-name": {
		{name: "old-string", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: `EX01\Default Frontend EX01`, file: "EX01/Get-ReceiveConnector.txt", line: 12,
			fix: `Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '` + newName + `'`,
			msg: []string{"event 12014"}}}},
		{name: "after-is-error", stage: StageAfter, in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityError, object: `EX01\Default Frontend EX01`, file: "EX01/Get-ReceiveConnector.txt", line: 12,
			fix: `Set-ReceiveConnector -Identity 'EX01\Default Frontend EX01' -TlsCertificateName '` + newName + `'`}}},
		{name: "truncated-value-is-unknown", in: func() *Input {
			in := base()
			in.Exports = files(lossyProp(receiveConnector("EX01", "Default Frontend EX01", 10, "<I>CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salfo...", ""), "TlsCertificateName", "table cell cut"))
			return in
		}, want: []want{{sev: SeverityWarning, object: `EX01\Default Frontend EX01`, file: "EX01/Get-ReceiveConnector.txt", line: 12,
			fix: `Get-ReceiveConnector -Server 'EX01' | Export-Clixml -Path 'Get-ReceiveConnector.xml'`,
			msg: []string{"unknown: TlsCertificateName"}}}},
		{name: "new-string", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"))
			return in
		}},
		{name: "unrelated-certificate", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(receiveConnector("EX02", "Relay EX02", 10, "<I>CN=Contoso Issuing CA, DC=contoso, DC=com<S>CN=relay.contoso.com", "relay.contoso.com"))
			return in
		}},
	},
	"exchange-send-connector-tls-name": {
		{name: "outbound-to-office-365", in: func() *Input {
			in := base()
			in.Exports = files(obj(export.KindSendConnector, "", "Get-SendConnector.txt", 1,
				"Identity", "Outbound to Office 365 - 2d5a", "TlsCertificateName", oldName, "RequireTLS", "True",
				"SourceTransportServers", "{EX01|EX02}"))
			return in
		}, want: []want{{sev: SeverityWarning, object: "Outbound to Office 365 - 2d5a", file: "Get-SendConnector.txt", line: 2,
			fix: `Set-SendConnector -Identity 'Outbound to Office 365 - 2d5a' -TlsCertificateName '` + newName + `'`,
			msg: []string{"454 4.7.5"}}}},
		{name: "new-string", in: func() *Input {
			in := base()
			in.Exports = files(obj(export.KindSendConnector, "", "Get-SendConnector.txt", 1, "Identity", "Outbound to Office 365", "TlsCertificateName", newName))
			return in
		}},
	},
	"exchange-hybrid-tls-name": {
		{name: "stale", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindHybridConfiguration, "", "Get-HybridConfiguration.txt", 7, "Name", "Hybrid Configuration", "TlsCertificateName", oldName))
			return in
		}, want: []want{{sev: SeverityWarning, object: "Hybrid Configuration", file: "Get-HybridConfiguration.txt", line: 8,
			fix: `Set-HybridConfiguration -TlsCertificateName '` + newName + `'`}}},
		{name: "current", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindHybridConfiguration, "", "Get-HybridConfiguration.txt", 7, "Name", "Hybrid Configuration", "TlsCertificateName", newName))
			return in
		}},
	},
	"exchange-tls-name-cannot-match": {
		{name: "st-lower-tags-case", in: func() *Input {
			in := base()
			in.Exports = files(
				receiveConnector("EX01", "Uses ST", 10, strings.Replace(newName, "S=Greater", "ST=Greater", 1), "mail.contoso.com"),
				receiveConnector("EX01", "Lower tags", 20, "<i>"+sectigoIssuer+"<s>"+mailSubject, "mail.contoso.com"),
				receiveConnector("EX01", "Other case", 30, strings.ToUpper(newName), "mail.contoso.com"))
			return in
		}, want: []want{
			{sev: SeverityWarning, object: `EX01\Uses ST`, file: "EX01/Get-ReceiveConnector.txt", line: 12,
				fix: `Set-ReceiveConnector -Identity 'EX01\Uses ST' -TlsCertificateName '` + newName + `'`, msg: []string{"uses ST= where Windows prints S="}},
			{sev: SeverityWarning, object: `EX01\Lower tags`, file: "EX01/Get-ReceiveConnector.txt", line: 22,
				fix: `Set-ReceiveConnector -Identity 'EX01\Lower tags' -TlsCertificateName '` + newName + `'`, msg: []string{`tags must be written "<I>" and "<S>" in upper case`}},
			{sev: SeverityWarning, object: `EX01\Other case`, file: "EX01/Get-ReceiveConnector.txt", line: 32,
				fix: `Set-ReceiveConnector -Identity 'EX01\Other case' -TlsCertificateName '` + newName + `'`},
		}},
		{name: "forward-order", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "Forward", 10, "<I>C=GB, S=Greater Manchester, L=Salford, O=Sectigo Limited, CN=Sectigo RSA Domain Validation Secure Server CA<S>CN=mail.contoso.com", "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: `EX01\Forward`, file: "EX01/Get-ReceiveConnector.txt", line: 12,
			fix: `Set-ReceiveConnector -Identity 'EX01\Forward' -TlsCertificateName '` + newName + `'`, msg: []string{"forward order"}}}},
		{name: "lower-tags-unrelated", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX02", "Partner", 10, "<i>CN=Fabrikam CA<s>CN=smtp.fabrikam.com", "smtp.fabrikam.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: `EX02\Partner`, file: "EX02/Get-ReceiveConnector.txt", line: 12,
			msg: []string{"upper case", "certswap cannot tell which"}}}},
		{name: "well-formed", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, oldName, "mail.contoso.com"),
				receiveConnector("EX01", "New", 20, "  "+newName+" ", "mail.contoso.com"))
			return in
		}},
	},
	"exchange-connector-fqdn-not-covered": {
		{name: "old-covered-new-does-not", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Old.DNSNames = []string{"mail.contoso.com", "smtp.contoso.com"}
			in.Exports = files(receiveConnector("EX01", "Internet", 10, "<nil>", "smtp.contoso.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: `EX01\Internet`, file: "EX01/Get-ReceiveConnector.txt", line: 11,
			msg: []string{`Fqdn "smtp.contoso.com"`}}}},
		{name: "covered", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "Internet", 10, "", "mail.contoso.com"))
			return in
		}},
		{name: "self-signed-still-covers", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Old.DNSNames = []string{"mail.contoso.com", "ex01.contoso.com"}
			self := exchangeCert("EX01", tpSelf, "CN=EX01", "CN=EX01", "IMAP, POP, IIS, SMTP", "True", 1)
			p, _ := self.Get("CertificateDomains")
			p.Value.List = []string{"EX01", "EX01.contoso.com"}
			in.Exports = files(self, receiveConnector("EX01", "Default EX01", 10, "", "EX01.contoso.com"))
			return in
		}},
		{name: "internal-name-old-unknown", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "Default EX01", 10, "", "ex01.contoso.local"))
			return in
		}},
		{name: "tls-name-set", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Old.DNSNames = []string{"smtp.contoso.com"}
			in.Exports = files(receiveConnector("EX01", "Internet", 10, oldName, "smtp.contoso.com"))
			return in
		}},
	},
	"exchange-smtp-not-enabled": {
		{name: "iis-only", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS", "False", 1),
				receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpNew, file: "EX01/Get-ExchangeCertificate.txt", line: 4,
			fix: `Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '` + tpNew + `' -Services 'SMTP'`, msg: []string{"never -Force"}}}},
		{name: "smtp-enabled", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 1),
				receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"))
			return in
		}},
		{name: "not-installed-yet", in: func() *Input {
			in := base()
			in.Exports = files(receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"))
			return in
		}},
	},
	"exchange-certificate-missing-on-server": {
		{name: "send-connector-source-server", stage: StageAfter, in: func() *Input {
			in := base()
			in.Exports = files(
				exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 1),
				exchangeCert("EX02", tpSelf, "CN=EX02", "CN=EX02", "IMAP, POP, IIS, SMTP", "True", 1),
				obj(export.KindSendConnector, "", "Get-SendConnector.txt", 1, "Identity", "Outbound to Office 365", "TlsCertificateName", newName,
					"SourceTransportServers", "{EX01|EX02.contoso.com}"))
			return in
		}, want: []want{{sev: SeverityError, object: "EX02", file: "EX02/Get-ExchangeCertificate.txt", line: 1, msg: []string{"Import-ExchangeCertificate -Server"}}}},
		{name: "installed", stage: StageAfter, in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 1),
				receiveConnector("EX01", "Default Frontend EX01", 10, newName, "mail.contoso.com"))
			return in
		}},
		{name: "before-not-run", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX02", tpSelf, "CN=EX02", "CN=EX02", "SMTP", "True", 1),
				receiveConnector("EX02", "Default Frontend EX02", 10, newName, "mail.contoso.com"))
			return in
		}},
	},
	"exchange-internal-transport-certificate": {
		{name: "old-is-internal", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindTransportService, "EX01", "EX01/Get-TransportService.txt", 1, "Name", "EX01", "InternalTransportCertificateThumbprint", tpOld))
			return in
		}, want: []want{{sev: SeverityWarning, object: "EX01", file: "EX01/Get-TransportService.txt", line: 2, msg: []string{"never -Force", "internal transport certificate of EX01"}}}},
		{name: "self-signed-is-internal", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindTransportService, "EX01", "EX01/Get-TransportService.txt", 1, "Name", "EX01", "InternalTransportCertificateThumbprint", tpSelf))
			return in
		}},
	},
	"exchange-auth-certificate": {
		{name: "old-is-current-auth", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindAuthConfig, "", "Get-AuthConfig.txt", 1, "CurrentCertificateThumbprint", tpOld, "NextCertificateThumbprint", ""))
			return in
		}, want: []want{{sev: SeverityWarning, object: "AuthConfig", file: "Get-AuthConfig.txt", line: 1, msg: []string{"Exchange Auth certificate (CurrentCertificateThumbprint)"}}}},
		{name: "self-signed-auth", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindAuthConfig, "", "Get-AuthConfig.txt", 1, "CurrentCertificateThumbprint", tpSelf))
			return in
		}},
	},
	"exchange-duplicate-tls-name": {
		{name: "same-issuer-and-subject", stage: StageAfter, in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 1),
				exchangeCert("EX01", tpOther, mailSubject, sectigoIssuer, "IIS, SMTP", "False", 10))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpOther, file: "EX01/Get-ExchangeCertificate.txt", line: 10,
			fix: `Remove-ExchangeCertificate -Server 'EX01' -Thumbprint '` + tpOther + `'`}}},
		{name: "different-issuer", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IIS, SMTP", "False", 1))
			return in
		}},
	},
	"exchange-services-parity": {
		{name: "san-renewal-not-installed", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IMAP, POP, IIS, SMTP", "False", 1),
				exchangeCert("EX01", tpSelf, "CN=EX01", "CN=EX01", "IMAP, POP, IIS, SMTP", "True", 10))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpOld, file: "EX01/Get-ExchangeCertificate.txt", line: 4,
			fix: `Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '` + tpNew + `' -Services 'IMAP, POP, IIS, SMTP'`,
			msg: []string{"enabled for None"}}}},
		{name: "letter-code-partly-enabled", stage: StageAfter, in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IP.WS..", "False", 1),
				exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "...W...", "False", 10))
			return in
		}, want: []want{{sev: SeverityError, object: tpOld, file: "EX01/Get-ExchangeCertificate.txt", line: 4,
			fix: `Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '` + tpNew + `' -Services 'IMAP, POP, SMTP'`}}},
		{name: "wildcard-leaves-out-pop-imap", in: func() *Input {
			in := base()
			in.New.Subject, in.New.DNSNames = "CN=*.contoso.com", []string{"*.contoso.com", "contoso.com"}
			in.Old = oldCert()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IMAP, POP, IIS, SMTP", "False", 1))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpOld, file: "EX01/Get-ExchangeCertificate.txt", line: 4,
			fix: `Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '` + tpNew + `' -Services 'IIS, SMTP'`}}},
		{name: "rawdata-only-is-unknown", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindExchangeCertificate, "EX01", "EX01/exchcert.xml", 0, "Thumbprint", tpOld, "Subject", mailSubject, "Issuer", comodoIssuer))
			return in
		}, want: []want{{sev: SeverityWarning, object: tpOld, file: "EX01/exchcert.xml",
			fix: `Get-ExchangeCertificate -Server 'EX01' | Select-Object -Property 'Thumbprint', 'Services', 'Status', 'HasPrivateKey', 'IsSelfSigned', 'Subject', 'Issuer', 'NotBefore', 'NotAfter', 'CertificateDomains', 'RawData' | Export-Clixml -Path 'Get-ExchangeCertificate.xml'`,
			msg: []string{"unknown: Services"}}}},
		{name: "parity", in: func() *Input {
			in := base()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IIS, SMTP", "False", 1),
				exchangeCert("EX01", tpNew, mailSubject, sectigoIssuer, "IMAP, POP, IIS, SMTP", "False", 10))
			return in
		}},
	},
	"exchange-wildcard-pop-imap": {
		{name: "wildcard-renewal", in: func() *Input {
			in := base()
			in.New.Subject, in.New.DNSNames = "CN=*.contoso.com", []string{"*.contoso.com"}
			in.Old = oldCert()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IMAP, POP, IIS, SMTP", "False", 1))
			return in
		}, want: []want{{sev: SeverityNotice, object: tpOld, file: "EX01/Get-ExchangeCertificate.txt", line: 4, msg: []string{"refuses to enable"}}}},
		{name: "san-renewal", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(exchangeCert("EX01", tpOld, mailSubject, comodoIssuer, "IMAP, POP, IIS, SMTP", "False", 1))
			return in
		}},
	},
	"exchange-pop-imap-certificate-name": {
		{name: "pop-name-not-on-new", in: func() *Input {
			in := base()
			in.Exports = files(obj(export.KindPopSettings, "EX01", "EX01/Get-PopSettings.txt", 1, "ProtocolName", "POP3",
				"ExternalConnectionSettings", "{mail.contoso.com:995:SSL|mail.contoso.com:110:TLS}", "X509CertificateName", "pop.contoso.com", "Server", "EX01"))
			return in
		}, want: []want{{sev: SeverityWarning, object: "POP3 settings", file: "EX01/Get-PopSettings.txt", line: 3,
			fix: `Set-PopSettings -Server 'EX01' -X509CertificateName 'mail.contoso.com'`, msg: []string{`X509CertificateName "pop.contoso.com"`, "MSExchangePOP3BE"}}}},
		{name: "imap-name-covered", in: func() *Input {
			in := base()
			in.Exports = files(obj(export.KindImapSettings, "EX01", "EX01/Get-ImapSettings.txt", 1, "ProtocolName", "IMAP4", "X509CertificateName", "mail.contoso.com"))
			return in
		}},
	},
	"exchange-edge-subscription": {
		{name: "subscribed-edge-ca-cert", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindEdgeSubscription, "EDGE01", "Get-EdgeSubscription.txt", 1, "Name", "EDGE01", "Site", "contoso.com/Configuration/Sites/Default-First-Site-Name", "Domain", "contoso.com"),
				exchangeCert("EDGE01", tpOld, mailSubject, comodoIssuer, "SMTP", "False", 1))
			return in
		}, want: []want{{sev: SeverityWarning, object: "EDGE01", file: "Get-EdgeSubscription.txt", line: 1,
			fix: `New-EdgeSubscription -FileName 'C:\EdgeSubscriptionInfo.xml'`, msg: []string{"within 24 hours", "Start-EdgeSynchronization"}}}},
		{name: "no-subscription-export", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(exchangeCert("EDGE01", tpOld, mailSubject, comodoIssuer, "SMTP", "False", 1))
			return in
		}},
		{name: "self-signed-edge-cert", in: func() *Input {
			in := base()
			in.OldThumbprint = tpSelf
			in.Exports = files(obj(export.KindEdgeSubscription, "EDGE01", "Get-EdgeSubscription.txt", 1, "Name", "EDGE01"),
				exchangeCert("EDGE01", tpSelf, "CN=EDGE01", "CN=EDGE01", "SMTP", "True", 1))
			return in
		}},
	},
	"exchange-edge-cng-key": {
		{name: "cng-internal-transport", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.New.KeyProvider = "Microsoft Software Key Storage Provider"
			in.Exports = files(obj(export.KindEdgeSubscription, "EDGE01", "Get-EdgeSubscription.txt", 1, "Name", "EDGE01"),
				obj(export.KindTransportService, "EX01", "EX01/Get-TransportService.txt", 1, "Name", "EX01", "InternalTransportCertificateThumbprint", tpOld))
			return in
		}, want: []want{{sev: SeverityError, object: "EX01", file: "EX01/Get-TransportService.txt", line: 2, msg: []string{"event 1035"}}}},
		{name: "capi", in: func() *Input {
			in := base()
			in.Old = oldCert()
			in.Exports = files(obj(export.KindEdgeSubscription, "EDGE01", "Get-EdgeSubscription.txt", 1, "Name", "EDGE01"),
				obj(export.KindTransportService, "EX01", "EX01/Get-TransportService.txt", 1, "Name", "EX01", "InternalTransportCertificateThumbprint", tpOld))
			return in
		}},
	},
	"adfs-name-not-covered": {
		{name: "alternate-mode-needs-certauth", in: func() *Input {
			in := adfsBase()
			in.New.DNSNames = []string{"sts.contoso.com"}
			in.Exports = files(obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.txt", 1, "HostName", "sts.contoso.com", "HttpsPort", "443", "TlsClientPort", "443"))
			return in
		}, want: []want{{sev: SeverityError, object: "sts.contoso.com", file: "ADFS01/Get-AdfsProperties.txt", line: 3, msg: []string{`"certauth.sts.contoso.com"`}}}},
		{name: "covered", in: func() *Input {
			in := adfsBase()
			in.Exports = files(obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.txt", 1, "HostName", "sts.contoso.com", "HttpsPort", "443", "TlsClientPort", "49443"),
				adfsSSL("sts.contoso.com", "443", tpOld, 10), adfsSSL("EnterpriseRegistration.contoso.com", "443", tpOld, 20), adfsSSL("localhost", "443", tpOld, 30))
			return in
		}},
	},
	"adfs-ssl-binding-thumbprint": {
		{name: "old-hash", in: func() *Input {
			in := adfsBase()
			in.Exports = files(adfsSSL("sts.contoso.com", "443", tpOld, 10))
			return in
		}, want: []want{{sev: SeverityWarning, object: "sts.contoso.com:443", file: "ADFS01/Get-AdfsSslCertificate.txt", line: 12,
			fix: `Set-AdfsSslCertificate -Thumbprint '` + tpNewADFS + `'`, msg: []string{"sts.contoso.com:443", "the old certificate"}}}},
		{name: "new-hash", in: func() *Input {
			in := adfsBase()
			in.Exports = files(adfsSSL("sts.contoso.com", "443", tpNewADFS, 10))
			return in
		}},
	},
	"adfs-service-communications-thumbprint": {
		{name: "old", in: func() *Input {
			in := adfsBase()
			in.Exports = files(serviceCommunications(tpOld))
			return in
		}, want: []want{{sev: SeverityWarning, object: "Service-Communications", file: "ADFS01/Get-AdfsCertificate.txt", line: 3,
			fix: `Set-AdfsCertificate -CertificateType 'Service-Communications' -Thumbprint '` + tpNewADFS + `'`}}},
		{name: "new", in: func() *Input {
			in := adfsBase()
			in.Exports = files(serviceCommunications(tpNewADFS))
			return in
		}},
	},
	"adfs-service-communications-ssl-mismatch": {
		{name: "snap-in-only", in: func() *Input {
			in := adfsBase()
			in.Exports = files(serviceCommunications(tpNewADFS), adfsSSL("sts.contoso.com", "443", tpOld, 10))
			return in
		}, want: []want{{sev: SeverityNotice, object: "Service-Communications", file: "ADFS01/Get-AdfsCertificate.txt", line: 3,
			fix: `Set-AdfsSslCertificate -Thumbprint '` + tpNewADFS + `'`, msg: []string{"change only the configuration database"}}}},
		{name: "agree", in: func() *Input {
			in := adfsBase()
			in.Exports = files(serviceCommunications(tpOld), adfsSSL("sts.contoso.com", "443", tpOld, 10))
			return in
		}},
	},
	"adfs-fallback-binding": {
		{name: "ipport-old", in: func() *Input {
			in := adfsBase()
			in.Exports = files(netsh("ADFS01", "IP:port", "0.0.0.0:443", tpOld, 5))
			return in
		}, want: []want{{sev: SeverityWarning, object: "0.0.0.0:443", file: "ADFS01/netsh-http-sslcert.txt", line: 6,
			fix: `netsh http update sslcert 'ipport=0.0.0.0:443' 'certhash=` + tpNewADFS + `' 'appid={5d89a20c-beab-4389-9447-324788eb944a}' 'certstorename=MY'`}}},
		{name: "ipport-new", in: func() *Input {
			in := adfsBase()
			in.Exports = files(netsh("ADFS01", "IP:port", "0.0.0.0:443", strings.ToLower(tpNewADFS), 5))
			return in
		}},
	},
	"adfs-binding-mode-cmdlet": {
		{name: "alternate-mode", in: func() *Input {
			in := adfsBase()
			in.Exports = files(obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.txt", 1, "HostName", "sts.contoso.com", "TlsClientPort", "443"),
				adfsSSL("certauth.sts.contoso.com", "443", tpOld, 10))
			return in
		}, want: []want{{sev: SeverityNotice, object: "sts.contoso.com", file: "ADFS01/Get-AdfsProperties.txt", line: 2,
			fix: `Set-AdfsAlternateTlsClientBinding -Thumbprint '` + tpNewADFS + `'`, msg: []string{"switch the farm back to port 49443"}}}},
		{name: "nothing-to-rebind", in: func() *Input {
			in := adfsBase()
			in.Exports = files(obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.txt", 1, "HostName", "sts.contoso.com", "TlsClientPort", "49443"),
				adfsSSL("sts.contoso.com", "443", tpNewADFS, 10))
			return in
		}},
	},
	"wap-proxy-ssl-thumbprint": {
		{name: "netsh-on-wap-node", in: func() *Input {
			in := adfsBase()
			in.Exports = files(wapConfig(), netsh("WAP01", "Hostname:port", "sts.contoso.com:443", strings.ToLower(tpOld), 1))
			return in
		}, want: []want{{sev: SeverityWarning, object: "sts.contoso.com:443", file: "WAP01/netsh-http-sslcert.txt", line: 2,
			fix: `Set-WebApplicationProxySslCertificate -Thumbprint '` + tpNewADFS + `'`}}},
		{name: "netsh-wap-only-exports", in: func() *Input {
			in := adfsBase()
			in.Exports = files(wapApp("OWA", "a", "https://owa.contoso.com/", tpOld, 1), netsh("WAP02", "Hostname:port", "sts.contoso.com:443", strings.ToLower(tpOld), 1))
			return in
		}, want: []want{{sev: SeverityWarning, object: "sts.contoso.com:443", file: "WAP02/netsh-http-sslcert.txt", line: 2,
			fix: `Set-WebApplicationProxySslCertificate -Thumbprint '` + tpNewADFS + `'`}}},
		{name: "new", in: func() *Input {
			in := adfsBase()
			in.Exports = files(wapConfig(), netsh("WAP01", "Hostname:port", "sts.contoso.com:443", strings.ToLower(tpNewADFS), 1))
			return in
		}},
		{name: "netsh-on-adfs-node", in: func() *Input {
			in := adfsBase()
			in.Exports = files(serviceCommunications(tpOld), netsh("ADFS01", "Hostname:port", "sts.contoso.com:443", strings.ToLower(tpOld), 1))
			return in
		}},
	},
	"wap-application-thumbprint": {
		{name: "old", in: func() *Input {
			in := adfsBase()
			in.Old = oldADFSCert()
			in.Exports = files(wapApp("Outlook Web App", "1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "https://owa.contoso.com/owa/", tpOld, 1))
			return in
		}, want: []want{{sev: SeverityWarning, object: "Outlook Web App", file: "Get-WebApplicationProxyApplication.txt", line: 4,
			fix: `Set-WebApplicationProxyApplication -ID '1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e' -ExternalCertificateThumbprint '` + tpNewADFS + `'`}}},
		{name: "unrelated", in: func() *Input {
			in := adfsBase()
			in.Old = oldADFSCert()
			in.Exports = files(wapApp("Partner portal", "a", "https://partner.fabrikam.com/", tpOther, 1))
			return in
		}},
	},
	"wap-external-url-not-covered": {
		{name: "not-covered", in: func() *Input {
			in := adfsBase()
			in.Old = oldADFSCert()
			in.Exports = files(wapApp("Apps", "a", "https://apps.fabrikam.com/", tpOld, 1))
			return in
		}, want: []want{{sev: SeverityError, object: "Apps", file: "Get-WebApplicationProxyApplication.txt", line: 3, msg: []string{`host "apps.fabrikam.com"`}}}},
		{name: "covered", in: func() *Input {
			in := adfsBase()
			in.Old = oldADFSCert()
			in.Exports = files(wapApp("OWA", "a", "https://owa.contoso.com/owa/", tpOld, 1))
			return in
		}},
	},
}

const tpNewADFS = "5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7081"

// oldADFSCert is the certificate the AD FS farm's new certificate replaces.
func oldADFSCert() *cert.Certificate {
	c := adfsBase().New
	c.Thumbprint, c.Issuer = tpOld, comodoIssuer
	return c
}

// adfsBase is a before-stage input whose new certificate serves the AD FS farm sts.contoso.com.
func adfsBase() *Input {
	in := base()
	in.New.Thumbprint, in.New.Subject = tpNewADFS, "CN=sts.contoso.com"
	in.New.DNSNames = []string{"sts.contoso.com", "certauth.sts.contoso.com", "enterpriseregistration.contoso.com", "owa.contoso.com", "apps.contoso.com"}
	return in
}

func adfsSSL(host, port, hash string, line int) *export.Object {
	return obj(export.KindAdfsSslCertificate, "ADFS01", "ADFS01/Get-AdfsSslCertificate.txt", line, "HostName", host, "PortNumber", port, "CertificateHash", hash)
}

func serviceCommunications(tp string) *export.Object {
	return obj(export.KindAdfsCertificate, "ADFS01", "ADFS01/Get-AdfsCertificate.txt", 1,
		"CertificateType", "Service-Communications", "IsPrimary", "True", "Thumbprint", tp)
}

func netsh(server, keyLabel, key, hash string, line int) *export.Object {
	o := obj(export.KindNetshSslBinding, server, server+"/netsh-http-sslcert.txt", line, keyLabel, key, "Certificate Hash", hash,
		"Application ID", "{5d89a20c-beab-4389-9447-324788eb944a}", "Certificate Store Name", "MY", "Ctl Store Name", "AdfsTrustedDevices")
	o.Identity = key
	return o
}

func wapConfig() *export.Object {
	return obj(export.KindWapConfiguration, "WAP01", "WAP01/Get-WebApplicationProxyConfiguration.txt", 1,
		"ADFSUrl", "https://sts.contoso.com/adfs/ls", "ConnectedServersName", "{WAP01.contoso.com|WAP02.contoso.com}")
}

func wapApp(name, id, url, tp string, line int) *export.Object {
	o := obj(export.KindWapApplication, "", "Get-WebApplicationProxyApplication.txt", line,
		"Name", name, "ID", id, "ExternalUrl", url, "ExternalCertificateThumbprint", tp, "BackendServerUrl", url)
	o.Identity = name
	return o
}

func TestChecks(t *testing.T) {
	for id, cases := range checkCases {
		c := Lookup(id)
		if c == nil {
			t.Errorf("checkCases has %s, which is not in the table", id)
			continue
		}
		for _, tc := range cases {
			t.Run(id+"/"+tc.name, func(t *testing.T) {
				in := tc.in()
				in.Stage = tc.stage
				r, err := runChecks(in, []*Check{c})
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Findings) != len(tc.want) {
					for _, f := range r.Findings {
						t.Logf("got %s %s %s:%d %q fix=%q", f.Severity, f.Object, f.File, f.Line, f.Message, f.Fix)
					}
					t.Fatalf("got %d findings, want %d", len(r.Findings), len(tc.want))
				}
				for i, w := range tc.want {
					f := r.Findings[i]
					if f.ID != id || f.Product != c.Product {
						t.Errorf("finding %d: id %s product %s", i, f.ID, f.Product)
					}
					if f.Severity != w.sev || f.Object != w.object || f.File != w.file || f.Line != w.line {
						t.Errorf("finding %d: got %s %q %s:%d, want %s %q %s:%d", i, f.Severity, f.Object, f.File, f.Line, w.sev, w.object, w.file, w.line)
					}
					if f.Fix != w.fix {
						t.Errorf("finding %d: fix\n got %s\nwant %s", i, f.Fix, w.fix)
					}
					for _, m := range w.msg {
						if !strings.Contains(f.Message, m) {
							t.Errorf("finding %d: message %q does not contain %q", i, f.Message, m)
						}
					}
					if f.Fix != "" && f.Change == nil && !strings.HasPrefix(f.Message, "unknown:") && !fixWithoutChange[id] {
						t.Errorf("finding %d: a fix without a Change", i)
					}
				}
			})
		}
	}
}

// fixWithoutChange lists checks whose fix changes no exported object (a removal, a new
// subscription, a rebind explained by another check's Change).
var fixWithoutChange = map[string]bool{
	"exchange-duplicate-tls-name":              true,
	"exchange-edge-subscription":               true,
	"adfs-service-communications-ssl-mismatch": true,
	"adfs-binding-mode-cmdlet":                 true,
}
