package cert

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"

	// Hash implementations for the self-signature check.
	_ "crypto/md5"
	_ "crypto/sha1"
	_ "crypto/sha256"
	_ "crypto/sha512"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Parse reads one DER-encoded X.509 certificate and fills every Certificate field from it.
//
// The values certswap compares (thumbprints, names, serial number, validity, SANs, EKUs) are
// read from the TBSCertificate by certswap's own DER reader, so they are there even for a
// certificate crypto/x509 refuses (a negative serial number, a name value that is not a
// string, a PrintableString with characters it does not allow, ...). X509 is set when
// crypto/x509 accepts the DER; otherwise it is nil and ParseError says why. Parse returns an
// error only when der is not a certificate at all.
func Parse(der []byte) (*Certificate, error) {
	t, err := readCertificate(der)
	if err != nil {
		return nil, err
	}
	raw := bytes.Clone(der)
	c := &Certificate{
		Raw:          raw,
		Thumbprint:   Thumbprint(raw),
		SHA256:       SHA256Hex(raw),
		RawIssuer:    t.issuer,
		RawSubject:   t.subject,
		Issuer:       WindowsName(t.issuer),
		Subject:      WindowsName(t.subject),
		SerialNumber: fmt.Sprintf("%X", t.serial),
		NotBefore:    t.notBefore.UTC(),
		NotAfter:     t.notAfter.UTC(),
		DNSNames:     t.dnsNames,
		IPAddresses:  t.ipAddresses,
		ExtKeyUsage:  t.extKeyUsage,
	}
	x, xerr := x509.ParseCertificate(raw)
	if xerr != nil {
		c.ParseError = xerr
		x = nil
	}
	c.X509 = x

	var pub crypto.PublicKey
	if x != nil && x.PublicKey != nil {
		pub = x.PublicKey
	} else if p, err := x509.ParsePKIXPublicKey(t.spki); err == nil {
		pub = p
	}
	c.KeyAlgorithm, c.KeySize = keyInfo(pub, t)

	c.SignatureAlgorithm = signatureAlgorithmName(t.sigAlg)
	if x != nil && x.SignatureAlgorithm != x509.UnknownSignatureAlgorithm {
		c.SignatureAlgorithm = x.SignatureAlgorithm.String()
	}
	c.SelfSigned = bytes.Equal(t.issuer, t.subject) && verifiesWith(pub, t, x)
	return c, nil
}

// TLSCertificateName returns the value Exchange stores in a connector's TlsCertificateName
// for this certificate: "<I>" + Issuer + "<S>" + Subject.
func (c *Certificate) TLSCertificateName() string {
	return TLSCertificateName(c.Issuer, c.Subject)
}

// tbs holds what readCertificate takes from the DER. Byte slices point into a private copy.
type tbs struct {
	raw         []byte // the TBSCertificate element
	serial      []byte // INTEGER content bytes
	issuer      []byte // Name element
	subject     []byte // Name element
	notBefore   time.Time
	notAfter    time.Time
	spki        []byte // SubjectPublicKeyInfo element
	spkiAlg     asn1.ObjectIdentifier
	spkiKey     []byte // subjectPublicKey BIT STRING bytes
	sigAlg      asn1.ObjectIdentifier
	signature   []byte
	dnsNames    []string
	ipAddresses []string
	extKeyUsage []string
}

var (
	oidExtSAN = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtEKU = asn1.ObjectIdentifier{2, 5, 29, 37}

	tagExplicit0 = cbasn1.Tag(0).Constructed().ContextSpecific()
	tagExplicit3 = cbasn1.Tag(3).Constructed().ContextSpecific()
	tagUID1      = cbasn1.Tag(1).ContextSpecific()
	tagUID2      = cbasn1.Tag(2).ContextSpecific()
	tagSANDNS    = cbasn1.Tag(2).ContextSpecific()
	tagSANIP     = cbasn1.Tag(7).ContextSpecific()
)

// errNotCertificate is wrapped by every error readCertificate returns.
var errNotCertificate = errors.New("not an X.509 certificate")

func notCert(what string) error {
	return fmt.Errorf("%w (%s)", errNotCertificate, what)
}

// readCertificate reads the parts of a certificate certswap needs, leniently: it checks the
// DER structure but not the string types, the serial's sign or the time ranges, and it
// skips extensions it cannot read.
func readCertificate(der []byte) (*tbs, error) {
	der = bytes.Clone(der)
	input := cryptobyte.String(der)
	var cert cryptobyte.String
	if !input.ReadASN1(&cert, cbasn1.SEQUENCE) {
		return nil, notCert("no outer SEQUENCE")
	}
	if !input.Empty() {
		return nil, notCert(fmt.Sprintf("%d bytes of trailing data", len(input)))
	}
	t := &tbs{}
	var tbsRaw, body cryptobyte.String
	if !cert.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) {
		return nil, notCert("no TBSCertificate")
	}
	t.raw = tbsRaw
	if !tbsRaw.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, notCert("bad TBSCertificate")
	}
	var outerAlg cryptobyte.String
	if !cert.ReadASN1(&outerAlg, cbasn1.SEQUENCE) || !outerAlg.ReadASN1ObjectIdentifier(&t.sigAlg) {
		return nil, notCert("bad signature algorithm")
	}
	var sig cryptobyte.String
	if !cert.ReadASN1(&sig, cbasn1.BIT_STRING) || len(sig) == 0 || !cert.Empty() {
		return nil, notCert("bad signature")
	}
	t.signature = sig[1:]

	if !body.SkipOptionalASN1(tagExplicit0) {
		return nil, notCert("bad version")
	}
	var serial cryptobyte.String
	if !body.ReadASN1(&serial, cbasn1.INTEGER) || len(serial) == 0 {
		return nil, notCert("bad serial number")
	}
	t.serial = serial
	if !body.SkipASN1(cbasn1.SEQUENCE) {
		return nil, notCert("bad TBSCertificate signature algorithm")
	}
	var issuer, validity, subject, spki cryptobyte.String
	if !body.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, notCert("bad issuer")
	}
	if !body.ReadASN1(&validity, cbasn1.SEQUENCE) {
		return nil, notCert("bad validity")
	}
	var ok bool
	if t.notBefore, ok = readTime(&validity); !ok {
		return nil, notCert("bad notBefore")
	}
	if t.notAfter, ok = readTime(&validity); !ok {
		return nil, notCert("bad notAfter")
	}
	if !body.ReadASN1Element(&subject, cbasn1.SEQUENCE) {
		return nil, notCert("bad subject")
	}
	if !body.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return nil, notCert("bad subject public key info")
	}
	t.issuer, t.subject, t.spki = issuer, subject, spki
	readSPKI(t)
	if !body.SkipOptionalASN1(tagUID1) || !body.SkipOptionalASN1(tagUID2) {
		return nil, notCert("bad unique identifier")
	}
	var exts cryptobyte.String
	var hasExts bool
	if !body.ReadOptionalASN1(&exts, &hasExts, tagExplicit3) {
		return nil, notCert("bad extensions")
	}
	if hasExts {
		readExtensions(t, exts)
	}
	return t, nil
}

// readSPKI notes the public key algorithm and key bits; a malformed SPKI leaves them empty.
func readSPKI(t *tbs) {
	s := cryptobyte.String(t.spki)
	var inner, alg cryptobyte.String
	var key cryptobyte.String
	if s.ReadASN1(&inner, cbasn1.SEQUENCE) && inner.ReadASN1(&alg, cbasn1.SEQUENCE) &&
		alg.ReadASN1ObjectIdentifier(&t.spkiAlg) && inner.ReadASN1(&key, cbasn1.BIT_STRING) && len(key) > 0 {
		t.spkiKey = key[1:]
	}
}

// readExtensions takes the SAN and EKU extensions (the first of each); unreadable ones are skipped.
func readExtensions(t *tbs, exts cryptobyte.String) {
	var seq cryptobyte.String
	if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return
	}
	var sawSAN, sawEKU bool
	for !seq.Empty() {
		var ext, value cryptobyte.String
		var id asn1.ObjectIdentifier
		if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) {
			return
		}
		if !ext.ReadASN1ObjectIdentifier(&id) || !ext.SkipOptionalASN1(cbasn1.BOOLEAN) ||
			!ext.ReadASN1(&value, cbasn1.OCTET_STRING) {
			continue
		}
		switch {
		case id.Equal(oidExtSAN) && !sawSAN:
			sawSAN = true
			t.dnsNames, t.ipAddresses = readSAN(value)
		case id.Equal(oidExtEKU) && !sawEKU:
			sawEKU = true
			t.extKeyUsage = readEKU(value)
		}
	}
}

func readSAN(value cryptobyte.String) (dns, ips []string) {
	var names cryptobyte.String
	if !value.ReadASN1(&names, cbasn1.SEQUENCE) {
		return nil, nil
	}
	for !names.Empty() {
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !names.ReadAnyASN1(&v, &tag) {
			break
		}
		switch tag {
		case tagSANDNS:
			dns = append(dns, string(v))
		case tagSANIP:
			if len(v) == net.IPv4len || len(v) == net.IPv6len {
				ips = append(ips, net.IP(v).String())
			}
		}
	}
	return dns, ips
}

func readEKU(value cryptobyte.String) []string {
	var seq cryptobyte.String
	if !value.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil
	}
	var out []string
	for !seq.Empty() {
		var id asn1.ObjectIdentifier
		if !seq.ReadASN1ObjectIdentifier(&id) {
			break
		}
		out = append(out, id.String())
	}
	return out
}

// readTime reads a UTCTime or GeneralizedTime. Beyond the DER forms cryptobyte accepts it
// takes the looser forms old certificates carry (no seconds, a numeric offset, fractions).
func readTime(s *cryptobyte.String) (time.Time, bool) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		save := *s
		if s.ReadASN1UTCTime(&t) {
			return t, true
		}
		*s = save
		var v cryptobyte.String
		if !s.ReadASN1(&v, cbasn1.UTCTime) {
			return t, false
		}
		for _, layout := range []string{"0601021504Z0700", "060102150405Z0700", "0601021504-0700", "060102150405-0700"} {
			if p, err := time.Parse(layout, string(v)); err == nil {
				if p.Year() >= 2050 {
					p = p.AddDate(-100, 0, 0)
				}
				return p, true
			}
		}
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		save := *s
		if s.ReadASN1GeneralizedTime(&t) {
			return t, true
		}
		*s = save
		var v cryptobyte.String
		if !s.ReadASN1(&v, cbasn1.GeneralizedTime) {
			return t, false
		}
		for _, layout := range []string{"20060102150405.999999999Z0700", "200601021504Z0700", "20060102150405-0700", "20060102150405"} {
			if p, err := time.Parse(layout, string(v)); err == nil {
				return p, true
			}
		}
	}
	return t, false
}

var (
	oidKeyRSA     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidKeyRSAPSS  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidSigEd25519 = asn1.ObjectIdentifier{1, 3, 101, 112}
)

// keyInfo names the public key algorithm and its size in bits.
func keyInfo(pub crypto.PublicKey, t *tbs) (string, int) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	if t.spkiAlg == nil {
		return "", 0
	}
	name := t.spkiAlg.String()
	if t.spkiAlg.Equal(oidKeyRSA) || t.spkiAlg.Equal(oidKeyRSAPSS) {
		// crypto/x509 refused the key; the modulus size is still readable.
		s := cryptobyte.String(t.spkiKey)
		var seq cryptobyte.String
		var n cryptobyte.String
		if s.ReadASN1(&seq, cbasn1.SEQUENCE) && seq.ReadASN1(&n, cbasn1.INTEGER) {
			if t.spkiAlg.Equal(oidKeyRSA) {
				name = "RSA"
			}
			return name, new(big.Int).SetBytes(n).BitLen()
		}
	}
	return name, 0
}

// sigAlgs maps signature algorithm OIDs to crypto/x509's names and the hash they use.
var sigAlgs = []struct {
	oid  asn1.ObjectIdentifier
	name string
	hash crypto.Hash
	rsa  bool
}{
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 2}, "MD2-RSA", 0, true},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 4}, "MD5-RSA", crypto.MD5, true},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, "SHA1-RSA", crypto.SHA1, true},
	{asn1.ObjectIdentifier{1, 3, 14, 3, 2, 29}, "SHA1-RSA", crypto.SHA1, true},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, "SHA256-RSA", crypto.SHA256, true},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, "SHA384-RSA", crypto.SHA384, true},
	{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, "SHA512-RSA", crypto.SHA512, true},
	{asn1.ObjectIdentifier{1, 2, 840, 10040, 4, 3}, "DSA-SHA1", 0, false},
	{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 3, 2}, "DSA-SHA256", 0, false},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}, "ECDSA-SHA1", crypto.SHA1, false},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}, "ECDSA-SHA256", crypto.SHA256, false},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}, "ECDSA-SHA384", crypto.SHA384, false},
	{asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}, "ECDSA-SHA512", crypto.SHA512, false},
	{oidSigEd25519, "Ed25519", 0, false},
}

// signatureAlgorithmName gives crypto/x509's name for a signature algorithm OID, or the dotted OID.
func signatureAlgorithmName(oid asn1.ObjectIdentifier) string {
	for _, a := range sigAlgs {
		if a.oid.Equal(oid) {
			return a.name
		}
	}
	return oid.String()
}

// maxRSABits is the largest RSA key whose self-signature Parse checks.
const maxRSABits = 16384

// verifiesWith reports whether the certificate's signature verifies with pub. Unlike
// crypto/x509's CheckSignature it accepts SHA-1 and MD5 signatures, as Windows does when it
// decides that a certificate is self-signed.
func verifiesWith(pub crypto.PublicKey, t *tbs, x *x509.Certificate) bool {
	if pub == nil {
		return false
	}
	if k, ok := pub.(*rsa.PublicKey); ok && k.N.BitLen() > maxRSABits {
		return false // a hostile key size must not cost minutes of modular arithmetic
	}
	if t.sigAlg.Equal(oidSigEd25519) {
		k, ok := pub.(ed25519.PublicKey)
		return ok && ed25519.Verify(k, t.raw, t.signature)
	}
	for _, a := range sigAlgs {
		if !a.oid.Equal(t.sigAlg) || a.hash == 0 || !a.hash.Available() {
			continue
		}
		h := a.hash.New()
		h.Write(t.raw)
		digest := h.Sum(nil)
		switch k := pub.(type) {
		case *rsa.PublicKey:
			return a.rsa && rsa.VerifyPKCS1v15(k, a.hash, digest, t.signature) == nil
		case *ecdsa.PublicKey:
			return !a.rsa && ecdsa.VerifyASN1(k, digest, t.signature)
		}
		return false
	}
	// RSA-PSS and anything else crypto/x509 knows.
	if x != nil && x.SignatureAlgorithm != x509.UnknownSignatureAlgorithm {
		return x.CheckSignature(x.SignatureAlgorithm, x.RawTBSCertificate, x.Signature) == nil
	}
	return false
}
