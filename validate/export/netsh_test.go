package export

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestNetshFixtures(t *testing.T) {
	rc := readRawCert(t)
	hash := strings.ToLower(rc.thumbprint) // netsh prints the hash in lower case
	type binding struct {
		identity string
		line     int
		props    map[string]string
	}
	adfsApp := "{5d89a20c-beab-4389-9447-324788eb944a}"
	// adfs-node.txt: blank line, header, dashes, blank line, then bindings of 30 lines + 1 blank.
	adfs := []binding{
		{"adfs.contoso.com:443", 5, map[string]string{"Hostname:port": "adfs.contoso.com:443", "Certificate Hash": hash, "Application ID": adfsApp, "Certificate Store Name": "MY", "Ctl Store Name": "AdfsTrustedDevices", "Ctl Identifier": "(null)", "Negotiate Client Certificate": "Disabled"}},
		{"localhost:443", 36, map[string]string{"Ctl Store Name": "AdfsTrustedDevices"}},
		{"certauth.adfs.contoso.com:443", 67, map[string]string{"Negotiate Client Certificate": "Enabled"}},
		{"adfs.contoso.com:49443", 98, map[string]string{"Ctl Store Name": "(null)", "Negotiate Client Certificate": "Enabled"}},
		{"EnterpriseRegistration.contoso.com:443", 129, nil},
		{"0.0.0.0:443", 160, map[string]string{"IP:port": "0.0.0.0:443", "Certificate Hash": hash,
			"Extended Properties[0].PropertyId": "0", "Extended Properties[0].Receive Window": "1048576",
			"Extended Properties[1].PropertyId": "1", "Extended Properties[1].Max Settings Per Frame": "2796202",
			"Extended Properties[1].Max Settings Per Minute":         "4294967295",
			"Verify Revocation Using Cached Client Certificate Only": "Disabled"}},
	}
	wap := []binding{
		{"[::]:443", 5, map[string]string{"IP:port": "[::]:443", "Certificate Hash": hash, "Application ID": "{f955c070-e044-456c-ac00-e9e4275b3f04}"}},
		{"443", 19, map[string]string{"Central Certificate Store": "443", "Certificate Hash": "(null)"}},
	}
	tests := []struct {
		file string
		want []binding
	}{
		{"adfs-node.txt", adfs},
		{"wap-node-2012r2.txt", wap},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("../../testdata/exports/netsh", tt.file)
			objs, warns, err := parseNetsh(path, decodedFixture(t, path), 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 || len(objs) != len(tt.want) {
				t.Fatalf("%d objects, warnings %v", len(objs), warns)
			}
			for i, w := range tt.want {
				o := objs[i]
				if o.Kind != KindNetshSslBinding || o.Identity != w.identity || o.Line != w.line || o.File != path {
					t.Errorf("binding %d: kind %s identity %q line %d, want %q line %d", i, o.Kind, o.Identity, o.Line, w.identity, w.line)
				}
				if len(o.Warnings) != 0 {
					t.Errorf("binding %d warnings %v", i, o.Warnings)
				}
				for name, v := range w.props {
					if p := mustProp(t, o, name); vtext(p) != v || p.Lossy != "" {
						t.Errorf("binding %d %s = %q, want %q", i, name, vtext(p), v)
					}
				}
				for j, p := range o.Properties {
					if p.Line != o.Line+j+extHeaders(o, j) {
						t.Errorf("binding %d %s line %d", i, p.Name, p.Line)
						break
					}
				}
			}
		})
	}
}

// extHeaders counts the "Extended Properties:" lines before property j of a binding.
func extHeaders(o *Object, j int) int {
	n, last := 0, ""
	for _, p := range o.Properties[:j+1] {
		if k, _, ok := strings.Cut(p.Name, "]."); ok && k != last {
			n++
			last = k
		}
	}
	return n
}

func TestNetshLayout(t *testing.T) {
	// Older Windows padded labels less and printed nothing after an empty value; a section in
	// the middle of a file starts at firstLine.
	doc := "SSL Certificate bindings:\r\n-------------------------\r\n\r\n" +
		"    IP:port                 : 0.0.0.0:443\r\n" +
		"    Certificate Hash        : 00112233445566778899aabbccddeeff00112233\r\n" +
		"    Usage Check    : Enabled\r\n" +
		"    Ctl Identifier          :\r\n" +
		"    Hostname:port                : sts.contoso.com:443\r\n" +
		"    Certificate Hash             : 4195ee03\r\n"
	objs, _, err := parseNetsh("x.txt", []byte(doc), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Line != 13 || objs[1].Line != 17 || objs[1].Identity != "sts.contoso.com:443" {
		t.Fatalf("%d objects", len(objs))
	}
	if p := mustProp(t, objs[0], "Ctl Identifier"); p.Value.Text != "" || p.Line != 16 {
		t.Errorf("Ctl Identifier %q line %d", p.Value.Text, p.Line)
	}
	if p := mustProp(t, objs[0], "Usage Check"); p.Value.Text != "Enabled" {
		t.Errorf("Usage Check %q", p.Value.Text)
	}
	// No binding at all is a warning, not an error.
	objs, warns, err := parseNetsh("x.txt", []byte("\nSSL Certificate bindings:\n-------------------------\n\n"), 1)
	if err != nil || len(objs) != 0 || len(warns) != 1 {
		t.Errorf("empty: %v %d %v", err, len(objs), warns)
	}
}

func TestNetshErrors(t *testing.T) {
	head := "SSL Certificate bindings:\n-------------------------\n\n"
	many := new(strings.Builder)
	many.WriteString(head + "    IP:port : 0.0.0.0:443\n Extended Properties:\n")
	for i := 0; i < MaxProperties; i++ {
		fmt.Fprintf(many, "    P%d : 1\n", i)
	}
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"localized", "SSL-Zertifikatbindungen:\n-------------------------\n", 1, "not the English output"},
		{"unknown label", head + "    IP:port : 0.0.0.0:443\n    Zertifikathash : 00\n", 5, `unknown netsh label "Zertifikathash"`},
		{"localized key", head + "    IP:Port                      : 0.0.0.0:443\n", 4, "before the first binding"},
		{"no colon", head + "    IP:port : 0.0.0.0:443\n    garbage\n", 5, "not a \"Label : value\" line"},
		{"extended outside", head + " Extended Properties:\n", 4, "outside a binding"},
		{"too many", many.String(), MaxProperties + 5, "more than 10000 properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseNetsh("x.txt", []byte(tt.doc), 1)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || !strings.Contains(pe.Err.Error(), tt.msg) {
				t.Errorf("got line %d %q, want line %d containing %q", pe.Line, pe.Err, tt.line, tt.msg)
			}
		})
	}
}

func FuzzNetsh(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/exports/netsh/*.txt")
	for _, p := range paths {
		f.Add(decodedFixture(f, p), 1)
	}
	f.Add([]byte("SSL Certificate bindings:\n    IP:port :\n Extended Properties:\n    a : b\n"), 7)
	f.Fuzz(func(t *testing.T, data []byte, first int) {
		objs, _, err := parseNetsh("fuzz.txt", data, first)
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %v", err)
		}
		for _, o := range objs {
			if len(o.Properties) == 0 || o.Kind != KindNetshSslBinding {
				t.Fatalf("binding without properties or of kind %s", o.Kind)
			}
		}
	})
}

func BenchmarkNetsh(b *testing.B) {
	data := decodedFixture(b, "../../testdata/exports/netsh/adfs-node.txt")
	var sb strings.Builder
	sb.Write(data)
	body := data[strings.Index(string(data), "    Hostname:port"):]
	for i := 0; i < 200; i++ {
		sb.Write(body)
	}
	all := []byte(sb.String())
	b.SetBytes(int64(len(all)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseNetsh("b.txt", all, 1); err != nil {
			b.Fatal(err)
		}
	}
}
