// Package authenticode signs and verifies PowerShell files with Authenticode signatures as
// Set-AuthenticodeSignature writes them: a PKCS#7 SignedData over an SpcIndirectDataContent that
// carries the PowerShell SIP information and the digest of the script text (hashed as UTF-16 LE),
// appended to the file as a "# SIG # Begin signature block" comment (the XML comment form for
// .ps1xml, .psc1 and .cdxml files).
//
// Verify is byte-strict: the block must be exactly what Sign (or osslsigncode) writes, in
// canonical DER, with nothing after it. It never writes a signingTime; one found in a file must lie
// inside the signer's validity and never extends it.
//
// The package uses the standard library and golang.org/x/crypto/cryptobyte only. It never prints,
// never exits, and writes no file: callers pass bytes in and get bytes out. Error messages name no
// file; the caller that opened the file adds its name.
package authenticode

import (
	"crypto"
	"crypto/x509"
	"time"
)

// SignOptions tunes Sign.
type SignOptions struct {
	// Hash is the digest algorithm: crypto.SHA256 (the default when zero), crypto.SHA1,
	// crypto.SHA384 or crypto.SHA512.
	Hash crypto.Hash
}

// Status is the verdict of Verify, named as PowerShell's Get-AuthenticodeSignature names its
// statuses where one exists.
type Status string

// The statuses Verify returns.
const (
	Valid          Status = "Valid"          // digest and signature match, chain trusted, code signing, in validity
	HashMismatch   Status = "HashMismatch"   // the script or the signed data was changed after signing
	NotSigned      Status = "NotSigned"      // no line starts with the begin marker
	UntrustedRoot  Status = "UntrustedRoot"  // the signer's chain leads to no trusted root (or none was given)
	Expired        Status = "Expired"        // a chain certificate is not valid at the verification time
	NotCodeSigning Status = "NotCodeSigning" // the signer may not sign code (EKU or key usage)
	Malformed      Status = "Malformed"      // the block, its encoding or its DER breaks a rule
)

// VerifyOptions tunes Verify.
type VerifyOptions struct {
	// Roots are the trusted root certificates. Without any, a well-formed signature is
	// UntrustedRoot and the signer is still reported.
	Roots []*x509.Certificate
	// At is the time at which the chain is judged; the zero value means time.Now().
	At time.Time
}

// Result is what Verify found out about one file.
type Result struct {
	Status Status
	// Signer is the signing certificate, when the signature could be read far enough to name it.
	Signer *x509.Certificate
	// DigestAlgorithm is "SHA1", "SHA256", "SHA384" or "SHA512", "" when unknown.
	DigestAlgorithm string
	// Message says why the status is what it is (for Valid: until when the signature validates).
	Message string
	// Warnings are remarks that do not change the status (encoding ambiguity, weak digest,
	// an unchecked timestamp).
	Warnings []string
}
