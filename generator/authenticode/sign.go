package authenticode

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"time"
)

// oidKeyUsage is the keyUsage extension, whose presence crypto/x509 does not report.
var oidKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 15}

// hasCodeSigningEKU reports whether the certificate names the codeSigning EKU explicitly, as
// Set-AuthenticodeSignature requires (anyExtendedKeyUsage or no EKU is not enough).
func hasCodeSigningEKU(c *x509.Certificate) bool {
	return slices.Contains(c.ExtKeyUsage, x509.ExtKeyUsageCodeSigning)
}

// keyUsageAllowsSigning reports whether the keyUsage extension is absent or has digitalSignature.
func keyUsageAllowsSigning(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidKeyUsage) {
			return c.KeyUsage&x509.KeyUsageDigitalSignature != 0
		}
	}
	return true
}

// day formats a time as the date an admin reads, in UTC.
func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// CheckSigner tells whether a certificate may sign PowerShell files: it needs the codeSigning
// EKU, digitalSignature when a keyUsage extension is present, its private key, and validity at
// at and for at least minDays days after it. The error says what is missing.
func CheckSigner(c *x509.Certificate, hasKey bool, at time.Time, minDays int) error {
	if c == nil {
		return errors.New("no certificate")
	}
	if !hasKey {
		return errors.New("no private key (use a PFX)")
	}
	if !hasCodeSigningEKU(c) {
		return errors.New("certificate has no codeSigning EKU")
	}
	if !keyUsageAllowsSigning(c) {
		return errors.New("certificate key usage does not allow digitalSignature")
	}
	if at.Before(c.NotBefore) {
		return fmt.Errorf("certificate is not valid before %s", day(c.NotBefore))
	}
	if at.After(c.NotAfter) {
		return fmt.Errorf("certificate expired on %s", day(c.NotAfter))
	}
	if days := int(c.NotAfter.Sub(at) / (24 * time.Hour)); days < minDays {
		return fmt.Errorf("certificate expires in %d days (--min-days %d)", days, minDays)
	}
	return nil
}

// Sign returns the script with an Authenticode signature block appended, as
// Set-AuthenticodeSignature writes it, replacing a block already there. name picks the comment
// form by extension (.ps1, .psm1, .psd1: "# SIG #"; .ps1xml, .psc1, .cdxml: "<!-- SIG # -->").
// chain[0] is the signing certificate and must match signer; all of chain goes into the
// signature. The script must be ASCII, UTF-8 with BOM or UTF-16 LE with BOM: UTF-16 BE and
// BOM-less non-ASCII text are refused, because Windows may read them differently. Sign writes no
// signingTime, so an RSA signature is the same on every run. It does not judge the certificate:
// call CheckSigner first.
func Sign(name string, script []byte, signer crypto.Signer, chain []*x509.Certificate, opts SignOptions) ([]byte, error) {
	form, err := formFor(name)
	if err != nil {
		return nil, err
	}
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	alg, ok := algFor(h)
	if !ok || !h.Available() {
		return nil, fmt.Errorf("unsupported hash algorithm %v (want SHA1, SHA256, SHA384 or SHA512)", h)
	}
	if len(chain) == 0 || chain[0] == nil {
		return nil, errors.New("no signing certificate")
	}
	if signer == nil {
		return nil, errors.New("no private key (use a PFX)")
	}
	leaf := chain[0]
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(leaf.PublicKey) {
		return nil, errors.New("private key does not match the signing certificate")
	}
	var sigOID asn1.ObjectIdentifier
	var sigNull bool
	switch leaf.PublicKey.(type) {
	case *rsa.PublicKey:
		sigOID, sigNull = oidRSAEncryption, true
	case *ecdsa.PublicKey:
		sigOID = alg.ecdsaOID
	default:
		return nil, fmt.Errorf("unsupported key type %s (want RSA or ECDSA)", leaf.PublicKeyAlgorithm)
	}

	enc := DetectEncoding(script)
	switch enc {
	case UTF16BE:
		return nil, errors.New("UTF-16 BE files cannot be signed (save the file as UTF-16 LE or UTF-8 with BOM)")
	case UTF16LE:
		if len(script)%2 != 0 {
			return nil, errors.New("UTF-16 file of odd length")
		}
	case UTF8NoBOM:
		if i := firstNonASCII(script); i >= 0 {
			return nil, fmt.Errorf("line %d: non-ASCII text in a file without a byte order mark: Windows may read it in the ANSI code page (save the file as UTF-8 with BOM)", lineOf(script, i))
		}
	}
	body, err := stripBlock(script, enc, form)
	if err != nil {
		return nil, err
	}

	hh := h.New()
	if _, err := hashText(hh, body, enc); err != nil {
		return nil, err
	}
	indirect := indirectData(alg, hh.Sum(nil))
	hh.Reset()
	hh.Write(contentOctets(indirect))
	attrs := [][]byte{
		attrContentType,
		attribute(oidMessageDigest, derOctets(hh.Sum(nil))),
		attrIndividual,
		attrEmptyOpus,
	}
	hh.Reset()
	hh.Write(signedAttrsDER(attrs))
	signature, err := signer.Sign(rand.Reader, hh.Sum(nil), h)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}

	var certs [][]byte
	for _, c := range chain {
		if c != nil && !slices.ContainsFunc(certs, func(d []byte) bool { return string(d) == string(c.Raw) }) {
			certs = append(certs, c.Raw)
		}
	}
	sd := &signedData{
		alg:       alg,
		indirect:  indirect,
		certs:     certs,
		sid:       issuerAndSerial(leaf.RawIssuer, leaf.SerialNumber),
		attrs:     attrs,
		sigOID:    sigOID,
		sigNull:   sigNull,
		signature: signature,
	}
	der, err := sd.marshal()
	if err != nil {
		return nil, fmt.Errorf("encoding the signature: %w", err)
	}
	block := encodeASCII(form.render(der), enc)
	out := make([]byte, 0, len(body)+len(block))
	return append(append(out, body...), block...), nil
}
