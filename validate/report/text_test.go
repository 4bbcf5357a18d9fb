package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestHasControl: the byte scan agrees with decoding runes (strings.ContainsFunc with isControl)
// on every hostile piece, every byte and byte pair, and random byte strings.
func TestHasControl(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := hasControl(s), strings.ContainsFunc(s, isControl); got != want {
			t.Fatalf("%q: hasControl %v, ContainsFunc %v", s, got, want)
		}
	}
	for _, h := range hostile {
		check(h)
		check("a" + h + "z")
	}
	for a := 0; a < 256; a++ {
		check(string([]byte{byte(a)}))
		for b := 0; b < 256; b++ {
			check(string([]byte{byte(a), byte(b)}))
			check(string([]byte{0xE2, byte(a), byte(b)}))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.IntN(12))
		for j := range b {
			b[j] = []byte{0xC2, 0x85, 0x9F, 0xA0, 0xE2, 0x80, 'a', 0x7F, 0x1F, 0xFF}[rng.IntN(10)]
		}
		check(string(b))
	}
}
