package export

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"
)

// le and be encode s as UTF-16 without a BOM, with the standard library's utf16 package.
func le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func be(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// sample is a small Format-List export with a non-ASCII value.
const sample = "\r\n\r\nName       : Zürich Frontend\r\nIdentity   : EX01\\Zürich Frontend\r\nEnabled    : True\r\n\r\n\r\n\r\n"

func TestEncodings(t *testing.T) {
	cp1252 := []byte(strings.ReplaceAll(sample, "ü", "\xfc")) // ü is 0xFC in Windows-1252
	cases := []struct {
		name string
		in   []byte
		enc  string
	}{
		{"utf16le-bom", cat([]byte{0xFF, 0xFE}, le(sample)), EncUTF16LEBOM},
		{"utf16be-bom", cat([]byte{0xFE, 0xFF}, be(sample)), EncUTF16BEBOM},
		{"utf16le-nobom", le(sample), EncUTF16LE},
		{"utf16be-nobom", be(sample), EncUTF16BE},
		{"utf8-bom", cat([]byte{0xEF, 0xBB, 0xBF}, []byte(sample)), EncUTF8BOM},
		{"utf8", []byte(sample), EncUTF8},
		{"utf8-lf", []byte(strings.ReplaceAll(sample, "\r\n", "\n")), EncUTF8},
		{"utf8-no-final-newline", []byte(strings.TrimRight(sample, "\r\n")), EncUTF8},
		{"windows-1252", cp1252, EncWindows1252},
		// Hiragana code units are two printable ASCII bytes each (U+3041..U+307E).
		{"utf16le-hiragana", cat([]byte{0xFF, 0xFE}, le(strings.ReplaceAll(sample, "Zürich", "ぁあぃいぅうぇえぉおかがきぎくぐけげこご"))), EncUTF16LEBOM},
		{"utf16le-no-final-newline", cat([]byte{0xFF, 0xFE}, le(strings.TrimRight(sample, "\r\n"))), EncUTF16LEBOM},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read("x.txt", bytes.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != c.enc {
				t.Errorf("encoding %q, want %q", f.Encoding, c.enc)
			}
			if len(f.Objects) != 1 {
				t.Fatalf("%d objects", len(f.Objects))
			}
			o := f.Objects[0]
			city := "Zürich"
			if c.name == "utf16le-hiragana" {
				city = "ぁあぃいぅうぇえぉおかがきぎくぐけげこご"
			}
			if got := o.Text("Name"); got != city+" Frontend" {
				t.Errorf("Name = %q", got)
			}
			if got := o.Text("Identity"); got != `EX01\`+city+" Frontend" {
				t.Errorf("Identity = %q", got)
			}
			if p, _ := o.Get("Enabled"); p == nil || p.Line != 5 && !strings.Contains(c.name, "no-final") || p.Value.Text != "True" {
				t.Errorf("Enabled = %+v", p)
			}
		})
	}
}

// TestEncodingRefused covers the files that must be refused: cmd exits 2 on them.
func TestEncodingRefused(t *testing.T) {
	utf16Text := cat([]byte{0xFF, 0xFE}, le(sample))
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"odd-length-utf16", append(append([]byte{}, utf16Text...), 'x'), "odd length"},
		{"unpaired-high-surrogate", cat([]byte{0xFF, 0xFE}, le("Name : a"), []byte{0x00, 0xD8}, le("b\r\n")), "unpaired"},
		{"unpaired-low-surrogate", cat([]byte{0xFF, 0xFE}, le("Name : a"), []byte{0x00, 0xDC}, le("b\r\n")), "unpaired"},
		{"utf8-appended-to-utf16", cat(utf16Text, []byte("Name       : appended with >> from PowerShell 7\r\n")), "part-way"},
		{"utf16-appended-to-utf8", cat([]byte(sample), le("Name : appended\r\n")), "part-way"},
		{"utf16-appended-to-long-utf8", cat([]byte(strings.Repeat(sample, 200)), le("Name : appended\r\n")), "NUL"},
		{"nul-in-8bit", []byte("Name : a\x00b\r\n"), "NUL"},
		{"1252-then-utf8", []byte("Name : Z\xfcrich\r\nCity : Zürich\r\n"), "part-way"},
		{"utf8-then-1252", []byte("Name : Zürich\r\nCity : Z\xfcrich\r\n"), "part-way"},
		{"binary", []byte{0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0xB8, 0, 0, 0, 0, 0, 0, 0}, "encoding cannot be told"},
		{"empty", nil, "format cannot be told"},
		{"tiny-binary", []byte("garbage\x00\x01"), "encoding cannot be told"},
		{"nul-named-by-line", []byte(strings.Repeat("Name : a\r\n", 3000) + "Site : x\x00y\r\n"), "line 3001: NUL byte in 8-bit text"},
		{"surrogate-named-by-line", cat([]byte{0xFF, 0xFE}, le("Name : a\r\nSite : b"), []byte{0x00, 0xDC}, le("\r\n")), "line 2: unpaired"},
		{"prose", []byte("hello world\nthis is not an export\n"), "format cannot be told"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read("x.txt", bytes.NewReader(c.in))
			if err == nil {
				t.Fatalf("read %d objects, want an error with %q", len(f.Objects), c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if strings.HasPrefix(err.Error(), "x.txt") {
				t.Errorf("Read must not name the file: %q", err)
			}
		})
	}
}

// TestEncodingChangeOrder checks that a part-way change of encoding is told in file order: a
// UTF-8 file onto which more UTF-16 text than it holds was appended is sniffed as UTF-16, and
// its 8-bit start must not be reported as "8-bit text inside UTF-16 text" (issue 7). The line is
// the one the appended text starts on; sample has eight line ends.
func TestEncodingChangeOrder(t *testing.T) {
	utf16Body := le(strings.Repeat(sample, 30))
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"even-prefix", cat([]byte("Name       : a short UTF-8 file\r\n"), utf16Body), "line 2: encoding changes part-way: UTF-16 text after 8-bit text"},
		{"odd-prefix", cat([]byte("Name       : a short UTF-8 file.\r\n"), utf16Body), "line 2: encoding changes part-way: UTF-16 text after 8-bit text"},
		{"two-lines-then-bom", cat([]byte("\r\n\r\nName : a\r\nCity : Zurich and Geneva\r\n"), []byte{0xFF, 0xFE}, utf16Body), "line 5: encoding changes part-way: UTF-16 text after 8-bit text"},
		{"short-utf16-tail", cat([]byte(sample+sample), le("Name : appended\r\n")), "line 17: encoding changes part-way: UTF-16 text after 8-bit text"},
		// The other way round stays as it was.
		{"utf8-after-utf16", cat(le(strings.Repeat(sample, 3)), []byte("Name       : appended with >> from PowerShell 7\r\n")), "line 25: encoding changes part-way: 8-bit text inside UTF-16 text"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Read("x.txt", bytes.NewReader(c.in))
			if err == nil {
				t.Fatalf("read %d objects (%s), want an error", len(f.Objects), f.Encoding)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
		})
	}
}
