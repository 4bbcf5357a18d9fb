package validate

import (
	"strings"
	"time"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// Test values. Issuer names are the COMODO and Sectigo RSA Domain Validation Secure Server CA
// subjects of the Exchange field story, written as Windows prints them (reversed RDN order, S= for
// stateOrProvinceName: notes/windows-dn-format.md). Thumbprints are arbitrary 40-hex-digit values:
// the checks compare them, they do not compute them.
const (
	comodoIssuer  = "CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB"
	sectigoIssuer = "CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB"
	mailSubject   = "CN=mail.contoso.com"
	oldName       = "<I>" + comodoIssuer + "<S>" + mailSubject
	newName       = "<I>" + sectigoIssuer + "<S>" + mailSubject

	tpNew   = "3C0D6A6B1E2F4A5B6C7D8E9F0A1B2C3D4E5F6071"
	tpOld   = "9F8E7D6C5B4A39281706F5E4D3C2B1A098765432"
	tpOther = "1111222233334444555566667777888899990000"
	tpSelf  = "ABCDEF0123456789ABCDEF0123456789ABCDEF01"
)

var testAt = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func newCert() *cert.Certificate {
	return &cert.Certificate{
		Thumbprint: tpNew, Subject: mailSubject, Issuer: sectigoIssuer,
		NotBefore: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 11, 30, 23, 59, 59, 0, time.UTC),
		DNSNames:     []string{"mail.contoso.com", "autodiscover.contoso.com"},
		KeyAlgorithm: "RSA", KeySize: 2048, SignatureAlgorithm: "SHA256-RSA",
		ExtKeyUsage:   []string{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"},
		HasPrivateKey: true, KeyProvider: "Microsoft Enhanced RSA and AES Cryptographic Provider",
	}
}

func sectigoCA() *cert.Certificate {
	return &cert.Certificate{Thumbprint: "33E4E80807204C2B6182A3A14B591ACD25B5F0DB", Subject: sectigoIssuer,
		Issuer: "CN=USERTrust RSA Certification Authority, O=The USERTRUST Network, L=Jersey City, S=New Jersey, C=US"}
}

func oldCert() *cert.Certificate {
	c := newCert()
	c.Thumbprint, c.Issuer = tpOld, comodoIssuer
	c.NotBefore, c.NotAfter = time.Date(2025, 12, 10, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 10, 23, 59, 59, 0, time.UTC)
	return c
}

// base is a before-stage input with the Sectigo renewal and no exports.
func base() *Input {
	return &Input{New: newCert(), NewFile: "new.pfx", NewFormat: cert.FormatPFX, NewChain: []*cert.Certificate{sectigoCA()},
		Stage: StageBefore, At: testAt}
}

// obj builds an exported object: kv are name/value pairs in export order; a value "<nil>" is null,
// a value "{a|b}" is a CLIXML list. Property i is on line line+i.
func obj(kind export.Kind, server, file string, line int, kv ...string) *export.Object {
	o := &export.Object{Kind: kind, Server: server, File: file, Line: line}
	for i := 0; i+1 < len(kv); i += 2 {
		pr := export.Property{Name: kv[i], Line: line + i/2}
		v := kv[i+1]
		switch {
		case v == "<nil>":
			pr.Value.Null = true
		case strings.HasPrefix(v, "{") && strings.HasSuffix(v, "}") && strings.Contains(v, "|"):
			pr.Value.IsList = true
			pr.Value.List = strings.Split(v[1:len(v)-1], "|")
		default:
			pr.Value.Text = v
		}
		o.Properties = append(o.Properties, pr)
	}
	// As export sets it: Identity, else Name, else the first property's value.
	o.Identity = rawText(o, "Identity")
	if o.Identity == "" {
		o.Identity = rawText(o, "Name")
	}
	if o.Identity == "" && len(o.Properties) > 0 {
		o.Identity = rawText(o, o.Properties[0].Name)
	}
	return o
}

// rawText is text without telling readHook: building a test object is not a check reading it.
func rawText(o *export.Object, name string) string {
	p, ok := o.Get(name)
	if !ok || p.Value.Null {
		return ""
	}
	if p.Value.IsList {
		return strings.Join(p.Value.List, ", ")
	}
	return p.Value.Text
}

// lossyProp marks a property of o as not exact.
func lossyProp(o *export.Object, name, why string) *export.Object {
	p, _ := o.Get(name)
	p.Lossy = why
	return o
}

func files(objs ...*export.Object) []*export.File {
	byName := map[string]*export.File{}
	var out []*export.File
	for _, o := range objs {
		f := byName[o.File]
		if f == nil {
			f = &export.File{Name: o.File, Format: "Format-List", Encoding: "UTF-16LE-BOM"}
			byName[o.File] = f
			out = append(out, f)
		}
		f.Objects = append(f.Objects, o)
	}
	return out
}

func receiveConnector(server, name string, line int, tlsName, fqdn string) *export.Object {
	return obj(export.KindReceiveConnector, server, server+"/Get-ReceiveConnector.txt", line,
		"AuthMechanism", "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer",
		"Fqdn", fqdn, "TlsCertificateName", tlsName, "Enabled", "True", "Server", server,
		"Identity", server+`\`+name)
}

func exchangeCert(server, tp, subject, issuer, services, selfSigned string, line int) *export.Object {
	return obj(export.KindExchangeCertificate, server, server+"/Get-ExchangeCertificate.txt", line,
		"Thumbprint", tp, "Subject", subject, "Issuer", issuer, "Services", services, "IsSelfSigned", selfSigned,
		"CertificateDomains", "{mail.contoso.com|autodiscover.contoso.com}")
}
