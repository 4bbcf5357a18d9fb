package cert

import "testing"

// BenchmarkCleanThumbprintExported is the value validate cleans for every object it reads: a
// thumbprint as an export holds it, already 40 hex digits (upper case from PowerShell, lower case
// from netsh).
func BenchmarkCleanThumbprintExported(b *testing.B) {
	for _, in := range []struct{ name, s string }{
		{"upper", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D"},
		{"lower", "4195ee03c1e2f1b8a4d6c9e7f0a3b5d2c8e1f42d"},
	} {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r, err := CleanThumbprint(in.s); err != nil || len(r.Value) != 40 {
					b.Fatal(err)
				}
			}
		})
	}
}
