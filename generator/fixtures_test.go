package generator

import (
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// The field stories (DESIGN.md) as plan inputs. Every value here is typed by hand from the
// stories and Microsoft's documented outputs: the issuer and subject as Windows prints them
// (O=Let's Encrypt, "GoDaddy.com, Inc." quoted as CertNameToStr quotes a value with a comma),
// thumbprints as 40 upper-case hex digits. None of them comes from the code under test.

const (
	newThumb = "A909502DD82AE41433E6F83886B00D4277A32A7B"
	oldThumb = "0F5C3C2B4A3E0E63F1F2E9D9B6A1C4D3E2F1A0B9"
	// Story 1: the renewal's issuer differs (new intermediate), the subject is the same.
	newIssuer = "CN=R11, O=Let's Encrypt, C=US"
	oldIssuer = "CN=R3, O=Let's Encrypt, C=US"
	subject   = "CN=mail.contoso.com"
	newTLS    = "<I>" + newIssuer + "<S>" + subject
	oldTLS    = "<I>" + oldIssuer + "<S>" + subject
	// Story 2 (AD FS/WAP).
	fsNew = "6E1D4E6C9B0D8F3A2C5B7A9E1F3D5C7B9A0E2D4F"
	fsOld = "4195EE03B7F8C2A1D6E9F0A3B5C7D9E1F2A4B62D"
	// The AD FS federation rule's application ID on WAP.
	fedRuleID = "f5d2a7c1-3b4e-4f6a-8d9c-0e1f2a3b4c5d"
	owaID     = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
)

var (
	t0 = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	t1 = time.Date(2026, 4, 15, 23, 59, 59, 0, time.UTC)
)

func newCert() *cert.Certificate {
	return &cert.Certificate{Thumbprint: newThumb, Subject: subject, Issuer: newIssuer, NotBefore: t0, NotAfter: t1,
		DNSNames: []string{"mail.contoso.com", "autodiscover.contoso.com"}}
}

func oldCert() *cert.Certificate {
	return &cert.Certificate{Thumbprint: oldThumb, Subject: subject, Issuer: oldIssuer,
		NotBefore: t0.AddDate(0, -3, 0), NotAfter: t0.AddDate(0, 0, 10), DNSNames: []string{"mail.contoso.com", "autodiscover.contoso.com"}}
}

// exchangeStory is field story 1 on two Mailbox servers: EX01's Default Frontend connector still
// names the old issuer, the hybrid send connector and the hybrid configuration too; both servers
// move IIS and SMTP.
func exchangeStory() Input {
	return Input{
		New: newCert(), NewFile: "new.pfx", Old: oldCert(), OldFile: "old.cer", Stage: "before", At: t0.Add(48 * time.Hour),
		Changes: []Change{
			{Product: "exchange", Server: "EX01", Kind: export.KindReceiveConnector, Identity: `EX01\Default Frontend EX01`, Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/EX01/Get-ReceiveConnector.xml", Line: 0},
			{Product: "exchange", Server: "EX01", Kind: export.KindExchangeCertificate, Identity: newThumb, Property: "Services", Old: "None", New: "IIS, SMTP", File: "exports/EX01/Get-ExchangeCertificate.xml"},
			{Product: "exchange", Server: "EX02", Kind: export.KindExchangeCertificate, Identity: newThumb, Property: "Services", Old: "None", New: "SMTP, IIS", File: "exports/EX02/Get-ExchangeCertificate.xml"},
			{Product: "exchange", Kind: export.KindSendConnector, Identity: "Outbound to Office 365 - 6b0e3f6e-9c1a-4b43-9a7e-2d8f0c1e5a77", Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/Get-SendConnector.txt", Line: 14},
			{Product: "exchange", Kind: export.KindHybridConfiguration, Identity: "Hybrid Configuration", Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/Get-HybridConfiguration.txt", Line: 9},
		},
		Findings: []Finding{
			{ID: "exchange-receive-connector-tls-name", Severity: "error", Product: "exchange", Server: "EX01", Object: `EX01\Default Frontend EX01`, File: "exports/EX01/Get-ReceiveConnector.xml", Message: "TlsCertificateName names the old certificate | issuer R3"},
		},
	}
}

// adfsWAPStory is field story 2: Service-Communications and the HTTP.sys bindings on AD FS (default
// binding mode), the proxy SSL binding and two published applications on WAP, the AD FS federation
// rule that WAP created itself included.
func adfsWAPStory() Input {
	nc := &cert.Certificate{Thumbprint: fsNew, Subject: "CN=fs.contoso.com", Issuer: `CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O="GoDaddy.com, Inc.", L=Scottsdale, S=Arizona, C=US`,
		NotBefore: t0, NotAfter: t1, DNSNames: []string{"fs.contoso.com", "certauth.fs.contoso.com", "enterpriseregistration.contoso.com"}}
	oc := &cert.Certificate{Thumbprint: fsOld, Subject: "CN=fs.contoso.com", Issuer: nc.Issuer, NotBefore: t0.AddDate(-1, 0, 0), NotAfter: t0.AddDate(0, 0, 5)}
	return Input{
		New: nc, NewFile: "fs-new.pfx", Old: oc, OldFile: "fs-old.cer", ADFSTLSClientPort: 49443,
		Changes: []Change{
			{Product: "adfs", Server: "ADFS01", Kind: export.KindAdfsCertificate, Identity: "Service-Communications", Property: "Thumbprint", Old: fsOld, New: fsNew, File: "exports/Get-AdfsCertificate.xml"},
			{Product: "adfs", Server: "ADFS01", Kind: export.KindAdfsSslCertificate, Identity: "fs.contoso.com:443", Property: "CertificateHash", Old: fsOld, New: fsNew, File: "exports/ADFS01/Get-AdfsSslCertificate.txt", Line: 4},
			{Product: "adfs", Server: "ADFS01", Kind: export.KindAdfsSslCertificate, Identity: "localhost:443", Property: "CertificateHash", Old: fsOld, New: fsNew, File: "exports/ADFS01/Get-AdfsSslCertificate.txt", Line: 5},
			{Product: "adfs", Server: "ADFS01", Kind: export.KindAdfsSslCertificate, Identity: "fs.contoso.com:49443", Property: "CertificateHash", Old: fsOld, New: fsNew, File: "exports/ADFS01/Get-AdfsSslCertificate.txt", Line: 6},
			// netsh prints the hash in lower case.
			{Product: "adfs", Server: "ADFS01", Kind: export.KindNetshSslBinding, Identity: "0.0.0.0:443", Property: "Certificate Hash", Old: "4195ee03b7f8c2a1d6e9f0a3b5c7d9e1f2a4b62d", New: fsNew, File: "exports/ADFS01/netsh-http-sslcert.txt", Line: 20},
			{Product: "wap", Server: "WAP01", Kind: export.KindNetshSslBinding, Identity: "fs.contoso.com:443", Property: "Certificate Hash", Old: "4195ee03b7f8c2a1d6e9f0a3b5c7d9e1f2a4b62d", New: fsNew, File: "exports/WAP01/netsh-http-sslcert.txt", Line: 4},
			{Product: "wap", Kind: export.KindWapApplication, Identity: "ADFS", ID: fedRuleID, Name: "ADFS", Property: "ExternalCertificateThumbprint", Old: fsOld, New: fsNew, File: "exports/Get-WebApplicationProxyApplication.xml"},
			{Product: "wap", Kind: export.KindWapApplication, Identity: "Outlook Web App", ID: owaID, Name: "Outlook Web App", Property: "ExternalCertificateThumbprint", Old: fsOld, New: fsNew, File: "exports/Get-WebApplicationProxyApplication.xml"},
		},
	}
}

// edgeStory (issue 10): a subscribed Edge server's CA certificate enabled for SMTP is replaced; the
// Mailbox server EX01 uses POP and IMAP with a wildcard certificate (never enabled for POP/IMAP:
// X509CertificateName carries it), and the plan moves the internal transport certificate of EX01.
func edgeStory() Input {
	nc := newCert()
	nc.DNSNames = []string{"*.contoso.com", "contoso.com"}
	nc.Subject = "CN=*.contoso.com"
	tls := "<I>" + newIssuer + "<S>" + nc.Subject
	return Input{
		New: nc, NewFile: "wild.pfx", OldThumbprint: oldThumb, OldFile: "--old",
		Changes: []Change{
			{Product: "exchange", Server: "EX01", Kind: export.KindExchangeCertificate, Identity: newThumb, Property: "Services", Old: "None", New: "IMAP, POP, IIS, SMTP"},
			{Product: "exchange", Server: "EX01", Kind: export.KindPopSettings, Identity: "EX01", Property: "X509CertificateName", Old: "pop.fabrikam.com", New: "mail.contoso.com", File: "exports/EX01/Get-PopSettings.xml"},
			{Product: "exchange", Server: "EX01", Kind: export.KindImapSettings, Identity: "EX01", Property: "X509CertificateName", Old: "imap.fabrikam.com", New: "mail.contoso.com", File: "exports/EX01/Get-ImapSettings.xml"},
			{Product: "exchange", Server: "EX01", Kind: export.KindTransportService, Identity: "EX01", Property: "InternalTransportCertificateThumbprint", Old: oldThumb, New: newThumb, File: "exports/EX01/Get-TransportService.xml"},
			{Product: "exchange", Server: "EDGE01", Kind: export.KindExchangeCertificate, Identity: newThumb, Property: "Services", Old: "None", New: "SMTP"},
			{Product: "exchange", Server: "EDGE01", Kind: export.KindReceiveConnector, Identity: `EDGE01\Default internal receive connector EDGE01`, Property: "TlsCertificateName", Old: oldTLS, New: tls, File: "exports/EDGE01/Get-ReceiveConnector.xml"},
			{Product: "exchange", Server: "EDGE01", Kind: export.KindEdgeSubscription, Identity: "EDGE01", Property: "Subscription", File: "exports/Get-EdgeSubscription.xml"},
		},
	}
}

// hostileName is issue 5's hostile connector name: quotes of every kind PowerShell knows, a
// subexpression, backticks and U+2019.
const hostileName = "EX01\\O'Brien's \"relay\" $(Remove-Item C:\\ -Recurse) `whoami` O\u2019Neil \u2018x\u201A\u201B"

// hostileStory puts the hostile name on a receive connector and "Let's Encrypt" in the issuer.
func hostileStory() Input {
	in := exchangeStory()
	in.Changes[0].Identity = hostileName
	return in
}

var stories = map[string]func() Input{
	"exchange": exchangeStory,
	"adfs-wap": adfsWAPStory,
	"edge":     edgeStory,
	"hostile":  hostileStory,
}
