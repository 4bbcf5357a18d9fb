package authenticode

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxCerts bounds the certificates read from one signature, so that a crafted block cannot make
// chain building quadratic in its size. Real chains hold 2 to 4.
const maxCerts = 16

// Warnings Verify may add.
const (
	WarnEncodingAmbiguous = "encoding ambiguous: Windows may read it in the ANSI code page"
	WarnTimestamp         = "timestamp present, not checked"
	WarnSHA1              = "SHA1 digest is weak; sign with SHA256"
)

// Verify checks the Authenticode signature of a PowerShell file byte-strictly (see ParseBlock):
// the digest of the text before the block, the PKCS#7 signature over the signed attributes
// (whose messageDigest covers the SpcIndirectDataContent's content octets), the certificates in
// the block (all on the signer's chain), the codeSigning EKU and digitalSignature key usage of
// the signer, the chain to a member of opts.Roots, and every chain certificate's validity at
// opts.At. A signingTime attribute must lie inside the signer's validity; it never extends it.
func Verify(name string, script []byte, opts VerifyOptions) Result {
	at := opts.At
	if at.IsZero() {
		at = time.Now()
	}
	var res Result
	fail := func(s Status, format string, a ...any) Result {
		res.Status, res.Message = s, fmt.Sprintf(format, a...)
		return res
	}

	if DetectEncoding(script) == UTF16BE {
		return fail(Malformed, "UTF-16 BE files are not supported (Windows and osslsigncode disagree on them)")
	}
	blk, err := ParseBlock(name, script)
	if errors.Is(err, ErrNotSigned) {
		return fail(NotSigned, "no signature block")
	}
	if err != nil {
		return fail(Malformed, "%v", err)
	}
	sd, err := parseSignedData(blk.DER)
	if err != nil {
		return fail(Malformed, "%v", err)
	}
	res.DigestAlgorithm = sd.alg.name
	if sd.alg.name == "SHA1" {
		res.Warnings = append(res.Warnings, WarnSHA1)
	}

	// Certificates: each parses, none twice, the signer among them.
	if len(sd.certs) == 0 {
		return fail(Malformed, "signature holds no certificate")
	}
	if len(sd.certs) > maxCerts {
		return fail(Malformed, "signature holds %d certificates (at most %d are read)", len(sd.certs), maxCerts)
	}
	var certs []*x509.Certificate
	for i, raw := range sd.certs {
		c, err := x509.ParseCertificate(raw)
		if err != nil {
			return fail(Malformed, "signature: certificate %d: %v", i+1, err)
		}
		certs = append(certs, c)
	}
	signer, err := findSigner(sd.sid, certs)
	if err != nil {
		return fail(Malformed, "%v", err)
	}
	res.Signer = signer
	if err := checkOnChain(signer, certs); err != nil {
		return fail(Malformed, "%v", err)
	}

	// Signed attributes.
	var signingTime *time.Time
	var msgDigest []byte
	seen := map[string]bool{}
	for _, a := range sd.attrs {
		oid, v, err := attrValue(a)
		if err != nil {
			return fail(Malformed, "%v", err)
		}
		if seen[oid.String()] {
			return fail(Malformed, "signature: signed attribute %s appears twice", oid)
		}
		seen[oid.String()] = true
		switch {
		case oid.Equal(oidContentType):
			if !bytes.Equal(a, attrContentType) {
				return fail(Malformed, "signature: contentType attribute is not SpcIndirectDataContent")
			}
		case oid.Equal(oidMessageDigest):
			s := cryptobyte.String(v)
			var d cryptobyte.String
			if !s.ReadASN1(&d, cbasn1.OCTET_STRING) || !s.Empty() || len(d) != sd.alg.hash.Size() {
				return fail(Malformed, "signature: messageDigest attribute is not a %s digest", sd.alg.name)
			}
			msgDigest = d
		case oid.Equal(oidSpcStatementType):
			if !bytes.Equal(a, attrIndividual) && !bytes.Equal(a, attrCommercial) {
				return fail(Malformed, "signature: SpcStatementType is neither individual nor commercial code signing")
			}
		case oid.Equal(oidSpcSpOpusInfo):
			s := cryptobyte.String(v)
			var seq cryptobyte.String
			if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !s.Empty() {
				return fail(Malformed, "signature: SpcSpOpusInfo is not a SEQUENCE")
			}
		case oid.Equal(oidSigningTime):
			t, ok := readTime(v)
			if !ok {
				return fail(Malformed, "signature: signingTime is not a canonical DER time")
			}
			signingTime = &t
		default:
			return fail(Malformed, "signature: unexpected signed attribute %s", oid)
		}
	}
	// SpcStatementType is optional: Set-AuthenticodeSignature and osslsigncode write it, but
	// signatures made with signtool-style tooling (seen on PowerShell files signed through
	// Microsoft's Trusted Signing) carry only SpcSpOpusInfo, contentType and messageDigest.
	for _, need := range []struct {
		name string
		ok   bool
	}{{"contentType", seen[oidContentType.String()]}, {"messageDigest", msgDigest != nil}} {
		if !need.ok {
			return fail(Malformed, "signature: no %s attribute", need.name)
		}
	}
	for _, a := range sd.unsigned {
		oid, _, err := attrValue(a)
		if err != nil {
			return fail(Malformed, "%v", err)
		}
		if !oid.Equal(oidRFC3161Timestamp) && !oid.Equal(oidCounterSignature) {
			return fail(Malformed, "signature: unexpected unsigned attribute %s", oid)
		}
	}
	if len(sd.unsigned) > 0 {
		res.Warnings = append(res.Warnings, WarnTimestamp)
	}

	// The signature algorithm must fit the key and the digest.
	switch signer.PublicKey.(type) {
	case *rsa.PublicKey:
		if !sd.sigNull || !sd.sigOID.Equal(oidRSAEncryption) && !sd.sigOID.Equal(sd.alg.rsaOID) {
			return fail(Malformed, "signature: algorithm %s does not fit an RSA signer with %s", sd.sigOID, sd.alg.name)
		}
	case *ecdsa.PublicKey:
		if sd.sigNull || !sd.sigOID.Equal(sd.alg.ecdsaOID) {
			return fail(Malformed, "signature: algorithm %s does not fit an ECDSA signer with %s", sd.sigOID, sd.alg.name)
		}
	default:
		return fail(Malformed, "signature: unsupported signer key type %s", signer.PublicKeyAlgorithm)
	}

	// The file digest.
	h := sd.alg.hash.New()
	nonASCII, err := hashText(h, blk.Signed, blk.Encoding)
	if err != nil {
		return fail(Malformed, "%v", err)
	}
	if blk.Encoding == UTF8NoBOM && nonASCII {
		res.Warnings = append(res.Warnings, WarnEncodingAmbiguous)
	}
	if !bytes.Equal(h.Sum(nil), sd.indirect[len(sd.indirect)-sd.alg.hash.Size():]) {
		return fail(HashMismatch, "the file's digest does not match the signed digest: the script was changed after signing")
	}
	h.Reset()
	h.Write(contentOctets(sd.indirect))
	if !bytes.Equal(h.Sum(nil), msgDigest) {
		return fail(HashMismatch, "messageDigest does not match the signed content")
	}
	h.Reset()
	h.Write(signedAttrsDER(sd.attrs))
	if !checkSignature(signer, sd.alg, h.Sum(nil), sd.signature) {
		return fail(HashMismatch, "the signature does not verify with the signer's public key")
	}

	// The signer and its chain.
	if !hasCodeSigningEKU(signer) {
		return fail(NotCodeSigning, "signing certificate has no codeSigning EKU")
	}
	if !keyUsageAllowsSigning(signer) {
		return fail(NotCodeSigning, "signing certificate key usage does not allow digitalSignature")
	}
	if signingTime != nil && (signingTime.Before(signer.NotBefore) || signingTime.After(signer.NotAfter)) {
		return fail(Expired, "signingTime %s lies outside the signing certificate's validity (%s to %s)",
			signingTime.UTC().Format(time.RFC3339), day(signer.NotBefore), day(signer.NotAfter))
	}
	if len(opts.Roots) == 0 {
		return fail(UntrustedRoot, "untrusted root: no trusted root given")
	}
	chain, status, msg := verifyChain(signer, certs, opts.Roots, at)
	if status != Valid {
		return fail(status, "%s", msg)
	}
	until := chain[0].NotAfter
	for _, c := range chain {
		if c.NotAfter.Before(until) {
			until = c.NotAfter
		}
	}
	res.Status = Valid
	res.Message = fmt.Sprintf("valid until %s (no timestamp: the signature stops validating when the signing certificate expires)", day(until))
	if len(sd.unsigned) > 0 {
		res.Message = fmt.Sprintf("valid until %s (the timestamp was not checked)", day(until))
	}
	return res
}

// findSigner returns the certificate that IssuerAndSerialNumber names.
func findSigner(sid []byte, certs []*x509.Certificate) (*x509.Certificate, error) {
	for _, c := range certs {
		if c.SerialNumber != nil && bytes.Equal(sid, issuerAndSerial(c.RawIssuer, c.SerialNumber)) {
			return c, nil
		}
	}
	return nil, malformed("signature: the signer's certificate is not in the signature")
}

// checkOnChain checks that every certificate lies on the signer's chain and that each one's
// signature verifies with its issuer's key (a self-signed top with its own). A byte-identical
// repeat of a certificate on the chain is accepted: Windows signing tools write the signer twice
// at times, and the copy holds no byte that is not checked.
func checkOnChain(signer *x509.Certificate, certs []*x509.Certificate) error {
	used := map[*x509.Certificate]bool{signer: true}
	for cur := signer; ; {
		if bytes.Equal(cur.RawIssuer, cur.RawSubject) && cur.CheckSignatureFrom(cur) == nil {
			break
		}
		var next *x509.Certificate
		for _, c := range certs {
			if !used[c] && bytes.Equal(c.RawSubject, cur.RawIssuer) && cur.CheckSignatureFrom(c) == nil {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		used[next] = true
		cur = next
	}
	for i, c := range certs {
		if !used[c] && !slices.ContainsFunc(certs, func(u *x509.Certificate) bool { return used[u] && bytes.Equal(u.Raw, c.Raw) }) {
			return malformed("signature: certificate %d is not on the signer's chain (or its signature does not verify)", i+1)
		}
	}
	return nil
}

// checkSignature verifies the SignerInfo signature over digest.
func checkSignature(c *x509.Certificate, alg hashAlg, digest, sig []byte) bool {
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, alg.hash, digest, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(pub, digest, sig)
	}
	return false
}

// cn names a certificate in messages by its common name (never Go's RFC 2253 form).
func cn(c *x509.Certificate) string {
	if c.Subject.CommonName != "" {
		return fmt.Sprintf("%q", c.Subject.CommonName)
	}
	return "(no common name)"
}

// verifyChain builds the chain from signer through the block's certificates to one of roots,
// for code signing at at. It tells a chain that exists but is not valid at at (Expired) from one
// that does not exist (UntrustedRoot) or does not allow code signing (NotCodeSigning).
func verifyChain(signer *x509.Certificate, certs, roots []*x509.Certificate, at time.Time) ([]*x509.Certificate, Status, string) {
	rootPool := x509.NewCertPool()
	for _, r := range roots {
		rootPool.AddCert(r)
	}
	inter := x509.NewCertPool()
	for _, c := range certs {
		if c != signer {
			inter.AddCert(c)
		}
	}
	verify := func(t time.Time) ([][]*x509.Certificate, error) {
		return signer.Verify(x509.VerifyOptions{
			Roots: rootPool, Intermediates: inter, CurrentTime: t,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		})
	}
	chains, err := verify(at)
	if err == nil {
		// Every certificate of the block must lie on the verified chain: one the chain does not
		// use (a changed copy of the root, say) would be bytes that nothing checks.
		for _, ch := range chains {
			if onChain(certs, ch) {
				return ch, Valid, ""
			}
		}
		return nil, Malformed, "signature: a certificate in the signature is not on the chain to the trusted root"
	}
	// Is there a chain at some other time? Its certificates' validity periods overlap from the
	// latest NotBefore among them, so trying every NotBefore finds it.
	var times []time.Time
	for _, c := range slices.Concat(certs, roots) {
		times = append(times, c.NotBefore)
	}
	for _, t := range times {
		if cs, err2 := verify(t); err2 == nil {
			for _, c := range cs[0] {
				switch {
				case at.After(c.NotAfter) && c == signer:
					return nil, Expired, fmt.Sprintf("signing certificate expired on %s", day(c.NotAfter))
				case at.After(c.NotAfter):
					return nil, Expired, fmt.Sprintf("chain certificate %s expired on %s", cn(c), day(c.NotAfter))
				case at.Before(c.NotBefore) && c == signer:
					return nil, Expired, fmt.Sprintf("signing certificate is not valid before %s", day(c.NotBefore))
				case at.Before(c.NotBefore):
					return nil, Expired, fmt.Sprintf("chain certificate %s is not valid before %s", cn(c), day(c.NotBefore))
				}
			}
			return nil, Expired, fmt.Sprintf("chain not valid at %s", at.UTC().Format(time.RFC3339))
		}
	}
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) && inv.Reason == x509.IncompatibleUsage {
		return nil, NotCodeSigning, "a chain certificate does not allow code signing"
	}
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		return nil, UntrustedRoot, "untrusted root: the signer's chain leads to no trusted root"
	}
	return nil, UntrustedRoot, fmt.Sprintf("untrusted root: %v", err)
}

// onChain reports whether every certificate of certs appears, byte for byte, in chain.
func onChain(certs, chain []*x509.Certificate) bool {
	for _, c := range certs {
		if !slices.ContainsFunc(chain, func(d *x509.Certificate) bool { return bytes.Equal(c.Raw, d.Raw) }) {
			return false
		}
	}
	return true
}
