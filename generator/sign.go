package generator

import (
	"crypto"
	"crypto/x509"

	"certswap/generator/authenticode"
)

// Signer returns the SignFunc Write uses for --sign-cert: each runbook is Authenticode-signed
// with authenticode.Sign, with the signing key, its certificate first in chain and the rest of
// the chain after it.
func Signer(signer crypto.Signer, chain []*x509.Certificate, opts authenticode.SignOptions) SignFunc {
	return func(name string, data []byte) ([]byte, error) {
		return authenticode.Sign(name, data, signer, chain, opts)
	}
}
