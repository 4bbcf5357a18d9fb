package cert

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Thumbprint returns the Windows thumbprint of a DER certificate: the SHA-1 digest
// of the DER bytes as 40 upper-case hexadecimal digits.
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// SHA256Hex returns the SHA-256 digest of the DER bytes as 64 upper-case hexadecimal digits.
func SHA256Hex(der []byte) string {
	sum := sha256.Sum256(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
