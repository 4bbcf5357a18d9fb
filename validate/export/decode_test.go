package export

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"
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

// TestUTF16Decoder reads text with ASCII runs, BMP characters and surrogate pairs, encoded by
// the standard library's unicode/utf16, through the UTF-16 reader in both byte orders, with and
// without a BOM, from sources that return one byte or half the request at a time and into
// buffers of every small size: it must give back the text exactly.
func TestUTF16Decoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"Name       : ", "Zürich", "\r\n", "ぁあぃ", "𝄞", "😀x", "\ufeff", "EX01\\Default Frontend", "€‘’", " ", strings.Repeat("a", 40)}
	var sb strings.Builder
	for sb.Len() < 20000 {
		sb.WriteString(pieces[rng.IntN(len(pieces))])
	}
	// BOM-less detection needs the pattern of NULs: start with ASCII lines.
	text := strings.Repeat("Identity   : EX01\\Client Frontend EX01\r\n", 20) + sb.String()
	encs := []struct {
		name string
		data []byte
		enc  string
	}{
		{"le-bom", cat([]byte{0xFF, 0xFE}, le(text)), EncUTF16LEBOM},
		{"be-bom", cat([]byte{0xFE, 0xFF}, be(text)), EncUTF16BEBOM},
		{"le", le(text), EncUTF16LE},
		{"be", be(text), EncUTF16BE},
	}
	sources := []struct {
		name string
		wrap func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"one-byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
	}
	for _, e := range encs {
		for _, src := range sources {
			for _, size := range []int{1, 2, 3, 5, 4096} {
				tr, err := newTextReader(src.wrap(bytes.NewReader(e.data)))
				if err != nil {
					t.Fatalf("%s/%s: %v", e.name, src.name, err)
				}
				var out []byte
				buf := make([]byte, size)
				for {
					n, err := tr.Read(buf)
					out = append(out, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s/%s/%d: %v", e.name, src.name, size, err)
					}
				}
				if string(out) != text {
					t.Errorf("%s/%s/%d: text differs (%d bytes, want %d)", e.name, src.name, size, len(out), len(text))
				}
				if tr.Encoding() != e.enc {
					t.Errorf("%s: encoding %q, want %q", e.name, tr.Encoding(), e.enc)
				}
			}
		}
	}
}

// TestUTF16RefusedWherever puts each refused UTF-16 unit at every offset of a chunk boundary
// (the reader gets one byte at a time or half of what it asks) and checks the error and its line.
func TestUTF16RefusedWherever(t *testing.T) {
	head := le("Name : a\r\nSite : b")
	cases := []struct {
		name string
		in   []byte
		want string
	}{
		{"low-alone", cat([]byte{0xFF, 0xFE}, head, []byte{0x00, 0xDC}, le("\r\n")), "line 2: unpaired UTF-16 surrogate"},
		{"high-then-ascii", cat([]byte{0xFF, 0xFE}, head, []byte{0x00, 0xD8}, le("x\r\n")), "line 2: unpaired UTF-16 surrogate"},
		{"high-high", cat([]byte{0xFF, 0xFE}, head, []byte{0x00, 0xD8, 0x00, 0xD8}, le("\r\n")), "line 2: unpaired UTF-16 surrogate"},
		{"high-at-end", cat([]byte{0xFF, 0xFE}, head, le("\r\n"), []byte{0x00, 0xD8}), "line 3: unpaired UTF-16 surrogate at the end"},
		{"odd", cat([]byte{0xFF, 0xFE}, head, le("\r\n"), []byte{'x'}), "line 3: UTF-16 text of odd length"},
		{"odd-be", cat([]byte{0xFE, 0xFF}, be("Name : a\r\nSite : b\r\n"), []byte{'x'}), "line 3: UTF-16 text of odd length"},
		{"8bit-inside", cat([]byte{0xFF, 0xFE}, head, le("\r\n"), []byte("City       : appended with >> here\r\n")), "line 3: encoding changes part-way: 8-bit text inside UTF-16 text"},
	}
	for _, c := range cases {
		for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader} {
			_, err := Read("x.txt", wrap(bytes.NewReader(c.in)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.want)
			}
		}
	}
}

// TestWindows1252 reads every byte from 0x80 to 0xFF as Windows-1252 text. The expected
// characters are those `iconv -f CP1252 -t UTF-32BE` gives for each byte (glibc 2.36); the five
// bytes iconv refuses (0x81, 0x8D, 0x8F, 0x90, 0x9D) are U+FFFD, as golang.org/x/text's charmap
// gave them before the reader had its own table.
func TestWindows1252(t *testing.T) {
	iconv := map[byte]rune{
		0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020, 0x87: 0x2021,
		0x88: 0x2C6, 0x89: 0x2030, 0x8A: 0x160, 0x8B: 0x2039, 0x8C: 0x152, 0x8E: 0x17D,
		0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022, 0x96: 0x2013, 0x97: 0x2014,
		0x98: 0x2DC, 0x99: 0x2122, 0x9A: 0x161, 0x9B: 0x203A, 0x9C: 0x153, 0x9E: 0x17E, 0x9F: 0x178,
	}
	var raw []byte
	var want strings.Builder
	for b := 0x80; b <= 0xFF; b++ {
		raw = append(raw, byte(b))
		r, ok := iconv[byte(b)]
		switch {
		case b >= 0xA0:
			r = rune(b)
		case !ok:
			r = utf8.RuneError
		}
		want.WriteRune(r)
	}
	f, err := Read("x.txt", bytes.NewReader(cat([]byte("Name : "), raw, []byte("\r\n"))))
	if err != nil {
		t.Fatal(err)
	}
	if f.Encoding != EncWindows1252 {
		t.Errorf("encoding %q", f.Encoding)
	}
	if got := f.Objects[0].Text("Name"); got != want.String() {
		t.Errorf("Name = %q\nwant   %q", got, want.String())
	}
}

// TestEightBitDecoder reads UTF-8 and Windows-1252 text from sources that return one byte or
// half the request at a time, into buffers of every small size: multi-byte characters split
// across reads come back whole, and Windows-1252 bytes as their characters (ä is 0xE4, € 0x80).
func TestEightBitDecoder(t *testing.T) {
	utf := strings.Repeat("Name       : Zürich € 𝄞 ぁあ\r\n", 300)
	cp := bytes.Repeat([]byte("Name       : Z\xfcrich \x80 \xe4\r\n"), 300)
	cpWant := strings.Repeat("Name       : Zürich € ä\r\n", 300)
	for _, c := range []struct {
		name, enc, want string
		data            []byte
	}{
		{"utf8", EncUTF8, utf, []byte(utf)},
		{"utf8-bom", EncUTF8BOM, utf, cat([]byte{0xEF, 0xBB, 0xBF}, []byte(utf))},
		{"1252", EncWindows1252, cpWant, cp},
	} {
		for _, wrap := range []func(io.Reader) io.Reader{func(r io.Reader) io.Reader { return r }, iotest.OneByteReader, iotest.HalfReader} {
			for _, size := range []int{1, 2, 3, 5, 63, 64, 4096} {
				tr, err := newTextReader(wrap(bytes.NewReader(c.data)))
				if err != nil {
					t.Fatal(err)
				}
				var out []byte
				buf := make([]byte, size)
				for {
					n, err := tr.Read(buf)
					out = append(out, buf[:n]...)
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatalf("%s/%d: %v", c.name, size, err)
					}
				}
				if string(out) != c.want {
					t.Errorf("%s/%d: text differs (%d bytes, want %d)", c.name, size, len(out), len(c.want))
				}
				if tr.Encoding() != c.enc {
					t.Errorf("%s/%d: encoding %q, want %q", c.name, size, tr.Encoding(), c.enc)
				}
			}
		}
	}
}
