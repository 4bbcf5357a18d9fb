package psquote

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// unquote is a small reference reader of one PowerShell single-quoted literal, written from the
// PowerShell language specification (§2.3.5.2 "Single-quoted string literals": single-quote-character
// is one of U+0027, U+2018, U+2019, U+201A, U+201B, and a pair of them stands for one). It returns the
// value and whether the literal was well formed and consumed entirely.
func unquote(lit string) (string, bool) {
	rs := []rune(lit)
	if len(rs) < 2 || !IsSingleQuote(rs[0]) {
		return "", false
	}
	var b strings.Builder
	for i := 1; i < len(rs); i++ {
		r := rs[i]
		if !IsSingleQuote(r) {
			b.WriteRune(r)
			continue
		}
		// A quote: either the second half of an escape pair, or the end of the literal.
		if i+1 < len(rs) && IsSingleQuote(rs[i+1]) {
			b.WriteRune(rs[i+1]) // PowerShell keeps the second of the pair
			i++
			continue
		}
		return b.String(), i == len(rs)-1
	}
	return "", false // never closed
}

func TestQuote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "EX01\\Default Frontend EX01", `'EX01\Default Frontend EX01'`},
		{"empty", "", `''`},
		{"ascii quote", "Let's Encrypt", `'Let''s Encrypt'`},
		{"right single quote stays itself", "Let\u2019s", "'Let\u2019\u2019s'"},
		{"left single quote", "\u2018x\u2018", "'\u2018\u2018x\u2018\u2018'"},
		{"low-9 and reversed-9", "\u201A\u201B", "'\u201A\u201A\u201B\u201B'"},
		{"double quotes, dollar, backtick untouched", "O'Brien's \"relay\" $(Remove-Item C:\\ -Recurse) `n", "'O''Brien''s \"relay\" $(Remove-Item C:\\ -Recurse) `n'"},
		{"curly double quotes untouched", "\u201Cx\u201D\u201E", "'\u201Cx\u201D\u201E'"},
		{"tls name", `<I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com`, `'<I>CN=R3, O=Let''s Encrypt, C=US<S>CN=mail.contoso.com'`},
		{"comment closer is data", "#> Remove-Item", "'#> Remove-Item'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Quote(tt.in)
			if err != nil {
				t.Fatalf("Quote(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Quote(%q) = %q, want %q", tt.in, got, tt.want)
			}
			back, ok := unquote(got)
			if !ok || back != tt.in {
				t.Fatalf("unquote(%q) = %q, %v; want %q", got, back, ok, tt.in)
			}
		})
	}
}

func TestQuoteRefuses(t *testing.T) {
	for _, in := range []string{"a\nb", "a\rb", "tab\there", "nul\x00", "del\x7f", "nel\u0085", "csi\u009b", "bad\xff"} {
		if q, err := Quote(in); err == nil {
			t.Errorf("Quote(%q) = %q, want an error", in, q)
		}
	}
	if _, err := Quote("x\ny"); !errors.Is(err, ErrControl) {
		t.Errorf("newline: got %v, want ErrControl", err)
	}
}

func TestList(t *testing.T) {
	got, err := List([]string{"MSExchangePOP3", "MSExchangePOP3BE"})
	if err != nil || got != `'MSExchangePOP3', 'MSExchangePOP3BE'` {
		t.Fatalf("List = %q, %v", got, err)
	}
	if got, _ := List(nil); got != "@()" {
		t.Fatalf("List(nil) = %q", got)
	}
	if _, err := List([]string{"ok", "bad\n"}); err == nil || !strings.Contains(err.Error(), "item 2") {
		t.Fatalf("List with newline: %v", err)
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", "a", "'", "''", "\u2019", "O'Brien's \"relay\" $(x) `", "<I>a<S>b", "\n", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Quote(s)
		if err != nil {
			if Check(s) == nil {
				t.Fatalf("Quote error %v but Check accepts %q", err, s)
			}
			return
		}
		if !utf8.ValidString(q) {
			t.Fatalf("invalid UTF-8 output %q", q)
		}
		back, ok := unquote(q)
		if !ok || back != s {
			t.Fatalf("Quote(%q) = %q does not read back (got %q, %v)", s, q, back, ok)
		}
		// Inside the literal, quote characters come only in pairs of the same character.
		inner := []rune(q)
		inner = inner[1 : len(inner)-1]
		for i := 0; i < len(inner); i++ {
			if IsSingleQuote(inner[i]) {
				if i+1 >= len(inner) || inner[i+1] != inner[i] {
					t.Fatalf("unpaired quote in %q", q)
				}
				i++
			}
		}
	})
}

func BenchmarkQuote(b *testing.B) {
	s := `<I>CN=Sectigo RSA Domain Validation Secure Server CA, O=Sectigo Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Quote(s); err != nil {
			b.Fatal(err)
		}
	}
}
