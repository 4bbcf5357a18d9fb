package authenticode

import (
	"bytes"
	"testing"
)

// benchScript returns an ASCII script of about n bytes with CRLF line ends.
func benchScript(n int) []byte {
	line := []byte("Write-Host 'certswap benchmark line' -ForegroundColor Green\r\n")
	return bytes.Repeat(line, n/len(line)+1)[:n/len(line)*len(line)+len(line)]
}

func benchSizes() []struct {
	name string
	size int
} {
	return []struct {
		name string
		size int
	}{{"1KB", 1 << 10}, {"1MB", 1 << 20}}
}

func BenchmarkSign(b *testing.B) {
	key, chain := loadPFX(b, "codesign-rsa.pfx")
	for _, s := range benchSizes() {
		script := benchScript(s.size)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(script)))
			for b.Loop() {
				if _, err := Sign("b.ps1", script, key, chain, SignOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	key, chain := loadPFX(b, "codesign-rsa.pfx")
	roots := rootsFor(b, "rsa")
	for _, s := range benchSizes() {
		signed, err := Sign("b.ps1", benchScript(s.size), key, chain, SignOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(signed)))
			for b.Loop() {
				if r := Verify("b.ps1", signed, VerifyOptions{Roots: roots, At: testAt}); r.Status != Valid {
					b.Fatal(r.Status, r.Message)
				}
			}
		})
	}
}
