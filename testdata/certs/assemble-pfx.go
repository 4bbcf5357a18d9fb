//go:build ignore

// assemble-pfx lays out a PKCS#12 file from parts openssl made, for the two layouts
// openssl pkcs12 -export cannot write: a PFX with two private keys, and one whose leaf
// certificate is not the first certificate. It does no cryptography: the key bags are
// PKCS#8 EncryptedPrivateKeyInfo files written by `openssl pkcs8 -topk8` with the empty
// password, and the file carries no MAC (which PKCS#12 allows for the empty password).
//
//	go run ./testdata/certs/assemble-pfx.go OUT.pfx KEY.p8... -- CERT.der...
package main

import (
	"encoding/asn1"
	"fmt"
	"os"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidData         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidCertBag      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidShroudedBag  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidX509Cert     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	explicit0       = cbasn1.Tag(0).Constructed().ContextSpecific()
	errUsage        = "usage: go run assemble-pfx.go OUT.pfx KEY.p8... -- CERT.der..."
	keyFiles, certs []string
)

func main() {
	if len(os.Args) < 4 {
		fail(errUsage)
	}
	out := os.Args[1]
	list := &keyFiles
	for _, a := range os.Args[2:] {
		if a == "--" {
			list = &certs
			continue
		}
		*list = append(*list, a)
	}
	var certBags, keyBags [][]byte
	for _, f := range certs {
		der := read(f)
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidCertBag)
			b.AddASN1(explicit0, func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(oidX509Cert)
					b.AddASN1(explicit0, func(b *cryptobyte.Builder) {
						b.AddASN1OctetString(der)
					})
				})
			})
		})
		certBags = append(certBags, b.BytesOrPanic())
	}
	for _, f := range keyFiles {
		p8 := read(f)
		var b cryptobyte.Builder
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidShroudedBag)
			b.AddASN1(explicit0, func(b *cryptobyte.Builder) { b.AddBytes(p8) })
		})
		keyBags = append(keyBags, b.BytesOrPanic())
	}
	var safe cryptobyte.Builder
	safe.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		dataInfo(b, certBags)
		dataInfo(b, keyBags)
	})
	var pfx cryptobyte.Builder
	pfx.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(3)
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidData)
			b.AddASN1(explicit0, func(b *cryptobyte.Builder) {
				b.AddASN1OctetString(safe.BytesOrPanic())
			})
		})
	})
	if err := os.WriteFile(out, pfx.BytesOrPanic(), 0o644); err != nil {
		fail(err.Error())
	}
}

// dataInfo adds a ContentInfo of type data holding SafeContents made of bags.
func dataInfo(b *cryptobyte.Builder, bags [][]byte) {
	var sc cryptobyte.Builder
	sc.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		for _, bag := range bags {
			b.AddBytes(bag)
		}
	})
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidData)
		b.AddASN1(explicit0, func(b *cryptobyte.Builder) {
			b.AddASN1OctetString(sc.BytesOrPanic())
		})
	})
}

func read(name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		fail(err.Error())
	}
	return data
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "assemble-pfx:", msg)
	os.Exit(1)
}
