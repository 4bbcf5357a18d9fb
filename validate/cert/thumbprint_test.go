package cert

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FIPS 180-2 appendix examples ("abc") and the well-known digests of the empty
// message: an oracle independent of Go's crypto packages' callers.
func TestThumbprintKnownDigests(t *testing.T) {
	tests := []struct{ in, sha1, sha256 string }{
		{"abc", "A9993E364706816ABA3E25717850C26C9CD0D89D", "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"},
		{"", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"},
	}
	for _, tt := range tests {
		if got := Thumbprint([]byte(tt.in)); got != tt.sha1 {
			t.Errorf("Thumbprint(%q) = %s, want %s", tt.in, got, tt.sha1)
		}
		if got := SHA256Hex([]byte(tt.in)); got != tt.sha256 {
			t.Errorf("SHA256Hex(%q) = %s, want %s", tt.in, got, tt.sha256)
		}
	}
}

// TestThumbprintMatchesOpenSSL hashes the name vectors' DER with `openssl dgst`.
func TestThumbprintMatchesOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("no openssl")
	}
	for _, v := range loadNameVectors(t)[:5] {
		der := mustHex(t, v.DER)
		for _, alg := range []struct {
			flag string
			got  string
		}{{"-sha1", Thumbprint(der)}, {"-sha256", SHA256Hex(der)}} {
			cmd := exec.Command("openssl", "dgst", alg.flag, "-r")
			cmd.Stdin = strings.NewReader(string(der))
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("openssl dgst: %v", err)
			}
			want := strings.ToUpper(strings.Fields(string(out))[0])
			if alg.got != want {
				t.Errorf("%s %s: got %s, openssl %s", v.ID, alg.flag, alg.got, want)
			}
		}
	}
}

func TestCleanThumbprint(t *testing.T) {
	const tp = "4E5F738B0C4A1D2E3F405162738495A6B7C8D9EA"
	spaced := "4e 5f 73 8b 0c 4a 1d 2e 3f 40 51 62 73 84 95 a6 b7 c8 d9 ea"
	tests := []struct {
		name    string
		in      string
		want    string
		removed []string
		err     string
	}{
		{name: "clean", in: tp, want: tp},
		{name: "lower case", in: strings.ToLower(tp), want: tp},
		{
			// The MMC certificate dialog's Details tab copies a leading U+200E with
			// the space-separated pairs.
			name: "pasted from the certificate dialog", in: "\u200e" + spaced, want: tp,
			removed: []string{"1 U+200E LEFT-TO-RIGHT MARK", "19 spaces"},
		},
		{name: "with a line end", in: tp + "\r\n", want: tp, removed: []string{"1 carriage return", "1 line feed"}},
		{
			name: "openssl colons", in: "4E:5F:73:8B:0C:4A:1D:2E:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA", want: tp,
			removed: []string{"19 colons"},
		},
		{name: "hyphens", in: "4E5F738B-0C4A1D2E-3F405162-738495A6-B7C8D9EA", want: tp, removed: []string{"4 hyphens"}},
		{name: "one space", in: "4E5F738B0C4A1D2E3F40 5162738495A6B7C8D9EA", want: tp, removed: []string{"1 space"}},
		{
			name: "other invisible marks", in: "\ufeff\u00a0" + tp[:20] + "\u200b\u200c\u200d\u200f\u202a\u202b\u202c\u202d\u202e" + tp[20:] + "\t",
			want: tp,
			removed: []string{"1 U+FEFF ZERO WIDTH NO-BREAK SPACE", "1 U+00A0 NO-BREAK SPACE", "1 U+200B ZERO WIDTH SPACE",
				"1 U+200C ZERO WIDTH NON-JOINER", "1 U+200D ZERO WIDTH JOINER", "1 U+200F RIGHT-TO-LEFT MARK",
				"1 U+202A LEFT-TO-RIGHT EMBEDDING", "1 U+202B RIGHT-TO-LEFT EMBEDDING", "1 U+202C POP DIRECTIONAL FORMATTING",
				"1 U+202D LEFT-TO-RIGHT OVERRIDE", "1 U+202E RIGHT-TO-LEFT OVERRIDE", "1 tab"},
		},
		{name: "42-digit typo", in: "\u200e" + spaced + " 0f", removed: []string{"1 U+200E LEFT-TO-RIGHT MARK", "20 spaces"}, err: "42 hex digits; a thumbprint has 40"},
		{name: "39 digits", in: tp[:39], err: "39 hex digits; a thumbprint has 40"},
		{name: "one digit", in: "A", err: "1 hex digit; a thumbprint has 40"},
		{name: "SHA-256 pasted", in: strings.Repeat("AB", 32), err: "64 hex digits; a thumbprint has 40"},
		{name: "letter O for zero", in: "4E5F738B0C4A1D2E3F4O5162738495A6B7C8D9EA", err: `contains "O" (letter) where hex is expected`},
		{name: "letter g", in: "g" + tp[1:], err: `contains "g" (letter) where hex is expected`},
		{name: "first bad character is reported", in: "xyz", err: `contains "x" (letter) where hex is expected`},
		{name: "empty", in: "", err: "empty"},
		{name: "blanks only", in: " \u200e ", removed: []string{"2 spaces", "1 U+200E LEFT-TO-RIGHT MARK"}, err: "empty"},
		{name: "em space", in: tp[:20] + "\u2003" + tp[20:], err: "contains U+2003 (space) where hex is expected"},
		{name: "accented letter", in: "\u00e9" + tp[1:], err: `contains "é" (letter U+00E9) where hex is expected`},
		{name: "double quote", in: `"` + tp + `"`, err: `contains '"' (punctuation) where hex is expected`},
		{name: "comma", in: tp[:2] + "," + tp[2:], err: `contains "," (punctuation) where hex is expected`},
		{name: "control character", in: tp + "\x07", err: "contains U+0007 (control character) where hex is expected"},
		{name: "invalid UTF-8", in: tp[:10] + "\xff" + tp[10:], err: "contains the byte 0xFF, which is not text"},
		{name: "U+FFFD itself", in: "\ufffd", err: `contains "�" (symbol U+FFFD) where hex is expected`},
		{name: "fullwidth digit", in: "\uff10" + tp[1:], err: `contains "０" (digit U+FF10) where hex is expected`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CleanThumbprint(tt.in)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				if got.Value != "" {
					t.Errorf("Value = %q on error", got.Value)
				}
			} else if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if got.Value != tt.want {
				t.Errorf("Value = %q, want %q", got.Value, tt.want)
			}
			if !reflect.DeepEqual(got.Removed, tt.removed) {
				t.Errorf("Removed = %q, want %q", got.Removed, tt.removed)
			}
		})
	}
}

func FuzzCleanThumbprint(f *testing.F) {
	f.Add("\u200e4e 5f 73 8b 0c 4a 1d 2e 3f 40 51 62 73 84 95 a6 b7 c8 d9 ea")
	f.Add("4E:5F:73:8B:0C:4A:1D:2E:3F:40:51:62:73:84:95:A6:B7:C8:D9:EA:0F")
	f.Add("4E5F738B0C4A1D2E3F4O5162738495A6B7C8D9EA")
	f.Add("\xff\ufeff")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := CleanThumbprint(s)
		if err != nil {
			if got.Value != "" {
				t.Fatalf("Value %q with error %v", got.Value, err)
			}
			if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 100 {
				t.Fatalf("bad message %q", msg)
			}
			return
		}
		if len(got.Value) != 40 || strings.Trim(got.Value, "0123456789ABCDEF") != "" {
			t.Fatalf("Value %q", got.Value)
		}
		again, err := CleanThumbprint(got.Value)
		if err != nil || again.Value != got.Value || len(again.Removed) != 0 {
			t.Fatalf("not idempotent: %+v %v", again, err)
		}
	})
}

func BenchmarkCleanThumbprint(b *testing.B) {
	in := "\u200e4e 5f 73 8b 0c 4a 1d 2e 3f 40 51 62 73 84 95 a6 b7 c8 d9 ea"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CleanThumbprint(in); err != nil {
			b.Fatal(err)
		}
	}
}
