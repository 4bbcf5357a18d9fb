package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// fixtureDir is the top-level testdata folder of the exports.
const fixtureDir = "../../testdata/exports"

// wantFile is a .want.json written by testdata/exports/gen from the source values it put
// into the fixtures (never from certswap's output).
type wantFile struct {
	Format  string `json:"format"`
	Objects []struct {
		Kind       string `json:"kind"`
		Identity   string `json:"identity"`
		Server     string `json:"server"`
		Properties []struct {
			Name           string `json:"name"`
			Value          string `json:"value"`
			Lossy          bool   `json:"lossy"`
			MayBeAmbiguous bool   `json:"mayBeAmbiguous"`
		} `json:"properties"`
	} `json:"objects"`
}

func loadWant(t *testing.T, path string) wantFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w wantFile
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return w
}

// checkWant compares a file read by certswap with the generator's source values.
func checkWant(t *testing.T, f *File, w wantFile) {
	t.Helper()
	if f.Format != w.Format {
		t.Errorf("format = %q, want %q", f.Format, w.Format)
	}
	if len(f.Objects) != len(w.Objects) {
		t.Fatalf("%d objects, want %d", len(f.Objects), len(w.Objects))
	}
	for i, wo := range w.Objects {
		o := f.Objects[i]
		if string(o.Kind) != wo.Kind || o.Identity != wo.Identity || o.Server != wo.Server {
			t.Errorf("object %d: kind/identity/server = %q/%q/%q, want %q/%q/%q", i, o.Kind, o.Identity, o.Server, wo.Kind, wo.Identity, wo.Server)
		}
		if len(o.Properties) != len(wo.Properties) {
			t.Errorf("object %d: %d properties, want %d", i, len(o.Properties), len(wo.Properties))
			continue
		}
		for j, wp := range wo.Properties {
			p := o.Properties[j]
			if p.Name != wp.Name {
				t.Errorf("object %d property %d: name %q, want %q", i, j, p.Name, wp.Name)
				continue
			}
			ambiguous := p.Lossy == LossyAmbiguousWrap
			switch {
			case ambiguous && wp.MayBeAmbiguous:
				// The file cannot say; the reader said so.
			case ambiguous:
				t.Errorf("object %d %s: marked ambiguous, but the file proves %q", i, wp.Name, wp.Value)
			case p.Value.Text != wp.Value:
				t.Errorf("object %d %s:\n got %q\nwant %q", i, wp.Name, p.Value.Text, wp.Value)
			case wp.Lossy != (p.Lossy != ""):
				t.Errorf("object %d %s: lossy %q, want lossy=%v", i, wp.Name, p.Lossy, wp.Lossy)
			}
			if p.Line <= 0 {
				t.Errorf("object %d %s: line %d", i, wp.Name, p.Line)
			}
		}
	}
}

// TestFixtures reads every generated Format-List and Format-Table fixture, in every encoding
// and line end, and compares each value with the source value the generator put in.
func TestFixtures(t *testing.T) {
	cases := []struct {
		glob string
		want func(path string) string
		enc  func(path string) string
	}{
		{"list/*.txt", func(p string) string {
			base := strings.SplitN(filepath.Base(p), ".", 2)[0]
			if strings.Contains(p, ".ps7.") {
				return filepath.Join(filepath.Dir(p), base+".ps7.want.json")
			}
			if strings.Contains(p, ".trimmed.") || strings.Contains(p, ".webcopy.") {
				return filepath.Join(filepath.Dir(p), base+".trimmed.want.json")
			}
			return filepath.Join(filepath.Dir(p), base+".want.json")
		}, encOf},
		{"table/*.txt", func(p string) string {
			base := strings.SplitN(filepath.Base(p), ".", 2)[0]
			return filepath.Join(filepath.Dir(p), base+".want.json")
		}, encOf},
		{"exchange-field-story/*.txt", func(p string) string { return strings.TrimSuffix(p, ".txt") + ".want.json" }, func(string) string { return EncUTF16LEBOM }},
	}
	n := 0
	for _, c := range cases {
		files, _ := filepath.Glob(filepath.Join(fixtureDir, c.glob))
		for _, path := range files {
			n++
			t.Run(strings.TrimPrefix(path, fixtureDir+"/"), func(t *testing.T) {
				f, err := ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := f.Encoding, c.enc(path); got != want {
					t.Errorf("encoding %q, want %q", got, want)
				}
				checkWant(t, f, loadWant(t, c.want(path)))
				if strings.Contains(path, ".webcopy.") {
					var msgs []string
					for _, w := range f.Warnings {
						msgs = append(msgs, w.Message)
					}
					all := strings.Join(msgs, "|")
					if !strings.Contains(all, "every second line is blank") || !strings.Contains(all, "two blanks") {
						t.Errorf("web copy repairs not reported: %q", all)
					}
				}
			})
		}
	}
	if n < 60 {
		t.Fatalf("only %d fixtures found; run go run ./testdata/exports/gen", n)
	}
}

// encOf returns the encoding a fixture's name says it is in.
func encOf(path string) string {
	switch {
	case strings.Contains(path, ".utf16le-bom."):
		return EncUTF16LEBOM
	case strings.Contains(path, ".utf8-bom."):
		return EncUTF8BOM
	}
	return EncUTF8
}

// TestWrapMatrix reads the wrapping matrix: one long TlsCertificateName written at
// widths 80, 119 and 200, word-wrapped and hard-split, with and without trailing blanks. Each
// value comes back exactly, or (only where trimming hid a blank at a wrap) is marked ambiguous.
func TestWrapMatrix(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "wrap/*.txt"))
	if len(files) != 12 {
		t.Fatalf("%d wrap fixtures, want 12", len(files))
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, f, loadWant(t, strings.TrimSuffix(path, ".txt")+".want.json"))
		})
	}
}

// seedFiles adds every fixture under testdata/exports to a fuzz corpus.
func seedFiles(f *testing.F, globs ...string) {
	for _, g := range globs {
		files, _ := filepath.Glob(filepath.Join(fixtureDir, g))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err == nil && len(b) < 1<<20 {
				f.Add(b)
			}
		}
	}
}

// FuzzRead: any input gives an error or objects, never a panic; objects always carry
// properties, and a file read without error has a format and an encoding.
func FuzzRead(f *testing.F) {
	seedFiles(f, "list/*.txt", "table/*.txt", "wrap/*.txt", "exchange-field-story/*.txt", "*/*.xml", "*/*.json", "*/*.csv", "*/*.txt")
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		if file.Format == "" || file.Encoding == "" || len(file.Objects) == 0 {
			t.Fatalf("format %q encoding %q objects %d", file.Format, file.Encoding, len(file.Objects))
		}
		for _, o := range file.Objects {
			if o.Kind == "" {
				t.Fatal("object without a kind")
			}
		}
		if err := releasedText(file); err != nil {
			t.Fatal(err)
		}
	})
}

// releasedText returns an error when a text export's object holds invalid UTF-8: the line
// source overwrites the text of released lines with 0xFF bytes, and the decoders hand it only
// valid UTF-8, so such a string points into a line buffer it should have copied.
func releasedText(f *File) error {
	switch f.Format {
	case FormatList, FormatTable, FormatNetsh, FormatMixed:
	default:
		return nil
	}
	for _, w := range f.Warnings {
		if !utf8.ValidString(w.Message) {
			return fmt.Errorf("line %d: warning %q is not UTF-8", w.Line, w.Message)
		}
	}
	for _, o := range f.Objects {
		for _, s := range []string{o.Identity, o.Server, string(o.Kind)} {
			if !utf8.ValidString(s) {
				return fmt.Errorf("line %d: object field %q is not UTF-8", o.Line, s)
			}
		}
		for _, p := range o.Properties {
			if !utf8.ValidString(p.Name) || !utf8.ValidString(p.Value.Text) {
				return fmt.Errorf("line %d: property %q = %q is not UTF-8", p.Line, p.Name, p.Value.Text)
			}
		}
		for _, w := range o.Warnings {
			if !utf8.ValidString(w.Property) || !utf8.ValidString(w.Message) {
				return fmt.Errorf("line %d: warning %q: %q is not UTF-8", w.Line, w.Property, w.Message)
			}
		}
	}
	return nil
}

// TestNoReleasedText reads every text fixture (and the bad-input corpus's readable text files)
// and checks that no object points into a released line buffer.
func TestNoReleasedText(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*/*.txt"))
	bad, _ := filepath.Glob("../../testdata/bad/*/*.txt")
	n := 0
	for _, path := range append(files, bad...) {
		f, err := ReadFile(path)
		if err != nil {
			continue
		}
		n++
		if err := releasedText(f); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
	if n < 60 {
		t.Fatalf("only %d text fixtures read", n)
	}
}
