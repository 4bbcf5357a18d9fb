package authenticode

import (
	"bytes"
	"crypto"
	"encoding/asn1"
	"fmt"
	"math/big"
	"slices"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers (notes/authenticode-ps1.md §3).
var (
	oidSignedData        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidSpcIndirectData   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidSpcSipInfo        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 30}
	oidSpcStatementType  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 11}
	oidSpcSpOpusInfo     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 12}
	oidIndividualSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 21}
	oidCommercialSigning = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 22}
	oidContentType       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidCounterSignature  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidRFC3161Timestamp  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidRSAEncryption     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
)

// psSipGUID is {603BCC1F-4B59-4E08-B724-D2C6297EF351} in Windows GUID memory layout.
var psSipGUID = []byte{0x1F, 0xCC, 0x3B, 0x60, 0x59, 0x4B, 0x08, 0x4E, 0xB7, 0x24, 0xD2, 0xC6, 0x29, 0x7E, 0xF3, 0x51}

// hashAlg describes one supported digest algorithm.
type hashAlg struct {
	hash     crypto.Hash
	name     string // as Result.DigestAlgorithm
	oid      asn1.ObjectIdentifier
	rsaOID   asn1.ObjectIdentifier // shaXWithRSAEncryption
	ecdsaOID asn1.ObjectIdentifier // ecdsa-with-SHAX
}

var hashAlgs = []hashAlg{
	{crypto.SHA1, "SHA1", asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}},
	{crypto.SHA256, "SHA256", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}},
	{crypto.SHA384, "SHA384", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}},
	{crypto.SHA512, "SHA512", asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}, asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}, asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}},
}

func algFor(h crypto.Hash) (hashAlg, bool) {
	for _, a := range hashAlgs {
		if a.hash == h {
			return a, true
		}
	}
	return hashAlg{}, false
}

// addAlgID writes AlgorithmIdentifier{oid, NULL} (or without parameters when null is false).
func addAlgID(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

// indirectData returns the DER SpcIndirectDataContent for a PowerShell file digest.
func indirectData(a hashAlg, digest []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidSpcSipInfo)
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(65536)
				b.AddASN1OctetString(psSipGUID)
				for range 5 {
					b.AddASN1Int64(0)
				}
			})
		})
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			addAlgID(b, a.oid, true)
			b.AddASN1OctetString(digest)
		})
	})
	return b.BytesOrPanic()
}

// contentOctets returns the content of a DER element (without its tag and length).
func contentOctets(der []byte) []byte {
	s := cryptobyte.String(der)
	var c cryptobyte.String
	var tag cbasn1.Tag
	if !s.ReadAnyASN1(&c, &tag) {
		return nil
	}
	return c
}

// attribute returns the DER Attribute { oid, SET { value } } with value already DER.
func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(value) })
	})
	return b.BytesOrPanic()
}

func derOID(oid asn1.ObjectIdentifier) []byte {
	var b cryptobyte.Builder
	b.AddASN1ObjectIdentifier(oid)
	return b.BytesOrPanic()
}

func derOctets(v []byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1OctetString(v)
	return b.BytesOrPanic()
}

func derSeqOfOID(oid asn1.ObjectIdentifier) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oid) })
	return b.BytesOrPanic()
}

// The fixed signed attributes certswap writes (and Verify accepts).
var (
	attrContentType = attribute(oidContentType, derOID(oidSpcIndirectData))
	attrIndividual  = attribute(oidSpcStatementType, derSeqOfOID(oidIndividualSigning))
	attrCommercial  = attribute(oidSpcStatementType, derSeqOfOID(oidCommercialSigning))
	attrEmptyOpus   = attribute(oidSpcSpOpusInfo, []byte{0x30, 0x00})
)

// signedData is a parsed or to-be-written PKCS#7 ContentInfo of an Authenticode signature.
// Raw fields hold whole DER elements.
type signedData struct {
	alg       hashAlg
	indirect  []byte   // SpcIndirectDataContent SEQUENCE
	certs     [][]byte // Certificate elements
	sid       []byte   // IssuerAndSerialNumber SEQUENCE
	attrs     [][]byte // signed Attribute elements
	sigOID    asn1.ObjectIdentifier
	sigNull   bool // the signature AlgorithmIdentifier carries NULL parameters
	signature []byte
	unsigned  [][]byte // unsigned Attribute elements
}

// sortedSet returns the elements in DER SET OF order.
func sortedSet(elems [][]byte) [][]byte {
	s := slices.Clone(elems)
	slices.SortFunc(s, bytes.Compare)
	return s
}

// signedAttrsDER returns the signed attributes as the DER SET that the signature covers.
func signedAttrsDER(attrs [][]byte) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
		for _, a := range sortedSet(attrs) {
			b.AddBytes(a)
		}
	})
	return b.BytesOrPanic()
}

// marshal writes the ContentInfo in DER, SET OF elements sorted.
func (sd *signedData) marshal() ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidSignedData)
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1Int64(1)
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { addAlgID(b, sd.alg.oid, true) })
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidSpcIndirectData)
					b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddBytes(sd.indirect)
					})
				})
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					for _, c := range sortedSet(sd.certs) {
						b.AddBytes(c)
					}
				})
				b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1Int64(1)
						b.AddBytes(sd.sid)
						addAlgID(b, sd.alg.oid, true)
						b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
							for _, a := range sortedSet(sd.attrs) {
								b.AddBytes(a)
							}
						})
						addAlgID(b, sd.sigOID, sd.sigNull)
						b.AddASN1OctetString(sd.signature)
						if len(sd.unsigned) > 0 {
							b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
								for _, a := range sortedSet(sd.unsigned) {
									b.AddBytes(a)
								}
							})
						}
					})
				})
			})
		})
	})
	return b.Bytes()
}

// issuerAndSerial returns the DER IssuerAndSerialNumber for a certificate.
func issuerAndSerial(rawIssuer []byte, serial *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(rawIssuer)
		b.AddASN1BigInt(serial)
	})
	return b.BytesOrPanic()
}

// parseError is a DER structure that breaks a rule: Verify reports it as Malformed.
type parseError struct{ msg string }

func (e *parseError) Error() string { return e.msg }

func malformed(format string, a ...any) error {
	return &parseError{fmt.Sprintf(format, a...)}
}

// readAlgID reads an AlgorithmIdentifier and reports whether it had NULL parameters; any
// other parameters fail.
func readAlgID(s *cryptobyte.String, oid *asn1.ObjectIdentifier, null *bool) bool {
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(oid) {
		return false
	}
	*null = false
	if seq.Empty() {
		return true
	}
	var n cryptobyte.String
	if !seq.ReadASN1(&n, cbasn1.NULL) || !n.Empty() || !seq.Empty() {
		return false
	}
	*null = true
	return true
}

// parseSignedData reads a ContentInfo into its parts. It checks the fixed structure (content
// types, versions, one digest algorithm, one SignerInfo, no CRLs) and that encoding the parts
// again gives the same bytes (canonical DER, sorted sets). It does not check signatures,
// certificates or attribute values.
func parseSignedData(der []byte) (*signedData, error) {
	s := cryptobyte.String(der)
	var ci, sdSeq, content cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) {
		return nil, malformed("signature is not a DER ContentInfo")
	}
	if !s.Empty() {
		return nil, malformed("data after the signature's ContentInfo")
	}
	if !ci.ReadASN1ObjectIdentifier(&oid) || !oid.Equal(oidSignedData) {
		return nil, malformed("signature is not PKCS#7 SignedData")
	}
	if !ci.ReadASN1(&content, cbasn1.Tag(0).Constructed().ContextSpecific()) || !ci.Empty() ||
		!content.ReadASN1(&sdSeq, cbasn1.SEQUENCE) || !content.Empty() {
		return nil, malformed("signature: SignedData is not well-formed DER")
	}
	var version int64
	if !sdSeq.ReadASN1Int64WithTag(&version, cbasn1.INTEGER) || version != 1 {
		return nil, malformed("signature: SignedData version is not 1")
	}
	var digestAlgs cryptobyte.String
	if !sdSeq.ReadASN1(&digestAlgs, cbasn1.SET) {
		return nil, malformed("signature: no digest algorithm set")
	}
	var dOID asn1.ObjectIdentifier
	var dNull bool
	if !readAlgID(&digestAlgs, &dOID, &dNull) || !dNull || !digestAlgs.Empty() {
		return nil, malformed("signature: digestAlgorithms must hold exactly one algorithm with NULL parameters")
	}
	sd := &signedData{}
	found := false
	for _, a := range hashAlgs {
		if a.oid.Equal(dOID) {
			sd.alg, found = a, true
		}
	}
	if !found {
		return nil, malformed("signature: unsupported digest algorithm %s", dOID)
	}

	var encap, explicit cryptobyte.String
	if !sdSeq.ReadASN1(&encap, cbasn1.SEQUENCE) || !encap.ReadASN1ObjectIdentifier(&oid) {
		return nil, malformed("signature: no encapsulated content")
	}
	if !oid.Equal(oidSpcIndirectData) {
		return nil, malformed("signature: content type %s is not SpcIndirectDataContent", oid)
	}
	var ind cryptobyte.String
	if !encap.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) || !encap.Empty() ||
		!explicit.ReadASN1Element(&ind, cbasn1.SEQUENCE) || !explicit.Empty() {
		return nil, malformed("signature: SpcIndirectDataContent is not well-formed DER")
	}
	sd.indirect = ind
	if len(ind) < sd.alg.hash.Size() ||
		!bytes.Equal(ind, indirectData(sd.alg, ind[len(ind)-sd.alg.hash.Size():])) {
		return nil, malformed("signature: SpcIndirectDataContent is not the PowerShell SIP form for %s", sd.alg.name)
	}

	var certs cryptobyte.String
	var hasCerts bool
	if !sdSeq.ReadOptionalASN1(&certs, &hasCerts, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, malformed("signature: certificates are not well-formed DER")
	}
	if !hasCerts || certs.Empty() {
		return nil, malformed("signature holds no certificate")
	}
	for !certs.Empty() {
		var c cryptobyte.String
		if !certs.ReadASN1Element(&c, cbasn1.SEQUENCE) {
			return nil, malformed("signature: certificates are not well-formed DER")
		}
		sd.certs = append(sd.certs, c)
	}
	if sdSeq.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		return nil, malformed("signature: holds CRLs")
	}
	var infos, si cryptobyte.String
	if !sdSeq.ReadASN1(&infos, cbasn1.SET) || !sdSeq.Empty() {
		return nil, malformed("signature: signerInfos are not well-formed DER")
	}
	if !infos.ReadASN1(&si, cbasn1.SEQUENCE) || !infos.Empty() {
		return nil, malformed("signature: must hold exactly one SignerInfo")
	}
	if !si.ReadASN1Int64WithTag(&version, cbasn1.INTEGER) || version != 1 {
		return nil, malformed("signature: SignerInfo version is not 1")
	}
	var sid cryptobyte.String
	if !si.ReadASN1Element(&sid, cbasn1.SEQUENCE) {
		return nil, malformed("signature: SignerInfo has no issuerAndSerialNumber")
	}
	sd.sid = sid
	if !readAlgID(&si, &dOID, &dNull) || !dNull || !dOID.Equal(sd.alg.oid) {
		return nil, malformed("signature: SignerInfo digest algorithm differs from the SignedData's")
	}
	var attrs cryptobyte.String
	if !si.ReadASN1(&attrs, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, malformed("signature: SignerInfo has no signed attributes")
	}
	for !attrs.Empty() {
		var a cryptobyte.String
		if !attrs.ReadASN1Element(&a, cbasn1.SEQUENCE) {
			return nil, malformed("signature: signed attributes are not well-formed DER")
		}
		sd.attrs = append(sd.attrs, a)
	}
	if !readAlgID(&si, &sd.sigOID, &sd.sigNull) {
		return nil, malformed("signature: SignerInfo signature algorithm is not well-formed DER")
	}
	var sig cryptobyte.String
	if !si.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return nil, malformed("signature: SignerInfo has no signature value")
	}
	sd.signature = sig
	if si.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		var un cryptobyte.String
		si.ReadASN1(&un, cbasn1.Tag(1).Constructed().ContextSpecific())
		if un.Empty() {
			return nil, malformed("signature: empty unsigned attributes")
		}
		for !un.Empty() {
			var a cryptobyte.String
			if !un.ReadASN1Element(&a, cbasn1.SEQUENCE) {
				return nil, malformed("signature: unsigned attributes are not well-formed DER")
			}
			sd.unsigned = append(sd.unsigned, a)
		}
	}
	if !si.Empty() {
		return nil, malformed("signature: data after the SignerInfo's fields")
	}
	for _, set := range [][][]byte{sd.certs, sd.attrs, sd.unsigned} {
		if !slices.IsSortedFunc(set, bytes.Compare) {
			return nil, malformed("signature: a SET OF is not in DER order")
		}
	}
	again, err := sd.marshal()
	if err != nil || !bytes.Equal(again, der) {
		return nil, malformed("signature is not canonical DER")
	}
	return sd, nil
}

// attrValue reads an Attribute element and returns its type and its single value.
func attrValue(a []byte) (asn1.ObjectIdentifier, []byte, error) {
	s := cryptobyte.String(a)
	var seq, set, v cryptobyte.String
	var oid asn1.ObjectIdentifier
	var tag cbasn1.Tag
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&oid) ||
		!seq.ReadASN1(&set, cbasn1.SET) || !seq.Empty() {
		return nil, nil, malformed("signature: attribute is not well-formed DER")
	}
	if !set.ReadAnyASN1Element(&v, &tag) || !set.Empty() {
		return nil, nil, malformed("signature: attribute %s must hold exactly one value", oid)
	}
	return oid, v, nil
}

// readTime reads a DER UTCTime or GeneralizedTime value and checks it re-encodes the same.
func readTime(v []byte) (time.Time, bool) {
	s := cryptobyte.String(v)
	var t time.Time
	var b cryptobyte.Builder
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		if !s.ReadASN1UTCTime(&t) || !s.Empty() {
			return t, false
		}
		b.AddASN1UTCTime(t)
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		if !s.ReadASN1GeneralizedTime(&t) || !s.Empty() {
			return t, false
		}
		b.AddASN1GeneralizedTime(t)
	default:
		return t, false
	}
	again, err := b.Bytes()
	return t, err == nil && bytes.Equal(again, v)
}
