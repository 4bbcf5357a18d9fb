// Package cert reads X.509 certificates the way Windows sees them: it loads PFX/PKCS#12,
// CER (DER, PEM, bare Base64) and P7B files, computes the Windows thumbprint (SHA-1 of the DER),
// prints issuer and subject names exactly as .NET's X509Certificate2.Issuer/.Subject do on Windows,
// builds and parses Exchange's "<I>issuer<S>subject" TlsCertificateName, cleans pasted thumbprints
// and decides whether a certificate covers a host name.
//
// It imports nothing else of certswap. It never writes a private key anywhere.
package cert

import (
	"crypto"
	"crypto/x509"
	"time"
)

// Format names the container a certificate file was read from.
type Format string

// The container formats Load recognises, detected from content, never from the file name.
const (
	FormatPFX    Format = "PFX"    // PKCS#12
	FormatDER    Format = "DER"    // one binary X.509 certificate
	FormatPEM    Format = "PEM"    // one or more "-----BEGIN CERTIFICATE-----" blocks
	FormatBase64 Format = "Base64" // bare Base64 of a DER certificate (Windows "Base-64 encoded X.509" without armour)
	FormatP7B    Format = "P7B"    // PKCS#7 certificates-only SignedData, DER or PEM
)

// Certificate is one X.509 certificate with every value certswap shows or checks, computed
// from its DER bytes. Fields that crypto/x509 could not provide are zero and ParseError says why.
type Certificate struct {
	Raw                []byte    // the DER encoding
	Thumbprint         string    // SHA-1 of Raw, 40 upper-case hex digits (the Windows thumbprint)
	SHA256             string    // SHA-256 of Raw, 64 upper-case hex digits
	Subject            string    // as X509Certificate2.Subject prints it on Windows
	Issuer             string    // as X509Certificate2.Issuer prints it on Windows
	RawSubject         []byte    // DER of the subject Name
	RawIssuer          []byte    // DER of the issuer Name
	SerialNumber       string    // content bytes of the DER INTEGER, upper-case hex, sign byte kept (as .NET's SerialNumber)
	NotBefore          time.Time // UTC
	NotAfter           time.Time // UTC
	DNSNames           []string  // SAN dNSName entries, in certificate order
	IPAddresses        []string  // SAN iPAddress entries, in certificate order
	KeyAlgorithm       string    // "RSA", "ECDSA", "Ed25519" or the dotted OID
	KeySize            int       // bits (RSA modulus, EC curve size)
	SignatureAlgorithm string    // e.g. "SHA256-RSA", as crypto/x509 names it, or the dotted OID
	ExtKeyUsage        []string  // EKU dotted OIDs, in certificate order
	SelfSigned         bool      // issuer equals subject and the signature verifies with its own key
	HasPrivateKey      bool      // the file held the matching private key (PFX only)
	KeyProvider        string    // the PFX "Microsoft CSP Name" bag attribute, "" when absent
	X509               *x509.Certificate
	ParseError         error // why crypto/x509 rejected the DER (names and thumbprints still work), nil otherwise
}

// File is what Load read from one certificate file.
type File struct {
	Name   string         // the path as given
	Format Format         // the container
	Leaves []*Certificate // PFX: the certificate matching the private key; elsewhere every certificate that issues no other in the file
	Chain  []*Certificate // the file's other certificates, leaf's issuer first where it can be ordered
	Key    crypto.PrivateKey
}
