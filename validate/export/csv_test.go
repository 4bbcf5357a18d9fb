package export

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestCSVFixtures(t *testing.T) {
	rc := readRawCert(t)
	type want struct {
		value, lossy string
		line         int
	}
	ps51 := []map[string]want{{
		"AuthMechanism":      {"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "", 3},
		"Banner":             {"220 mail.contoso.com\r\nAuthorised use only", "", 3},
		"Bindings":           {"Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPBinding]", "type name", 4},
		"RemoteIPRanges":     {"{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|0.0.0.0-255.255.255.255}", "", 4},
		"TlsCertificateName": {godaddyTLS, "", 4},
		"Comment":            {`say "hello"`, "", 4},
		"Enabled":            {"True", "", 4},
		"Identity":           {`EX01\Default Frontend EX01`, "", 4},
	}, {
		"Banner":             {"", "", 5},
		"Bindings":           {"System.Object[]", "type name", 5},
		"RemoteIPRanges":     {"{}", "", 5},
		"TlsCertificateName": {"<null>", "", 5},
		"Comment":            {"<null>", "", 5},
		"Server":             {"EX01", "", 5},
	}}
	ps7 := []map[string]want{{
		"Thumbprint":         {rc.thumbprint, "", 2},
		"Services":           {"IMAP, POP, IIS, SMTP", "", 2},
		"Subject":            {fixtureSubject, "", 2},
		"NotAfter":           {"01.01.2027 00:00:00", "", 2},
		"CertificateDomains": {"{mail.contoso.com|autodiscover.contoso.com}", "", 2},
	}, {
		"Thumbprint":         {"2D10A746D6BB8D795F1679AEBD89D5D2AE583CB7", "", 3},
		"CertificateDomains": {"{}", "", 3},
		"HasPrivateKey":      {"True", "", 3},
	}}
	tests := []struct {
		file  string
		kind  Kind
		lines []int
		want  []map[string]want
	}{
		{"receive-connector-ps51.csv", KindReceiveConnector, []int{3, 5}, ps51},
		{"receive-connector-ps51-utf16.csv", KindReceiveConnector, []int{3, 5}, ps51},
		{"exchange-certificate-ps7.csv", KindExchangeCertificate, []int{2, 3}, ps7},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("../../testdata/exports/csv", tt.file)
			objs, warns, err := parseCSV(path, decodedFixture(t, path))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 || len(objs) != len(tt.want) {
				t.Fatalf("%d objects, warnings %v", len(objs), warns)
			}
			for i, o := range objs {
				if o.Kind != tt.kind || o.Line != tt.lines[i] || o.File != path {
					t.Errorf("object %d kind %s line %d", i, o.Kind, o.Line)
				}
				for name, w := range tt.want[i] {
					p := mustProp(t, o, name)
					if vtext(p) != w.value || p.Line != w.line {
						t.Errorf("object %d %s = %q line %d, want %q line %d", i, name, vtext(p), p.Line, w.value, w.line)
					}
					if (w.lossy == "") != (p.Lossy == "") || !strings.Contains(p.Lossy, w.lossy) {
						t.Errorf("object %d %s lossy %q", i, name, p.Lossy)
					}
					if p.Lossy != "" && !hasWarning(o, name) {
						t.Errorf("object %d %s lossy without a warning", i, name)
					}
				}
			}
		})
	}
}

func TestCSVShapes(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // "Name=value" per property of the first object, vtext form
	}{
		{"unquoted", "a,b\n1,2\n", []string{"a=1", "b=2"}},
		{"no final newline", "\"a\",\"b\"\r\n\"1\",\"2\"", []string{"a=1", "b=2"}},
		{"null and empty", "\"a\",\"b\",\"c\"\n,\"\",\n", []string{"a=<null>", "b=", "c=<null>"}},
		{"tab", "a\tb\n1\t2\n", []string{"a=1", "b=2"}},
		{"semicolon unquoted", "a;b\n1;2\n", []string{"a=1", "b=2"}},
		{"quoted delimiter", "\"a\",\"b\"\n\"1,5\",\"x\"\"y\"\n", []string{"a=1,5", "b=x\"y"}},
		{"blank lines", "\n\n#TYPE T\n\"a\"\n\n\"1\"\n\n", []string{"a=1"}},
		{"single column", "\"a\"\n\"x\"\n", []string{"a=x"}},
		{"joined lists", "\"Bindings\",\"SmartHosts\",\"WIASupportedUserAgents\",\"Name\"\n\"[::]:25 0.0.0.0:25\",\"a.example|b.example\",\"MSIE 6.0 MSIE 7.0\",\"a b\"\n",
			[]string{"Bindings={[::]:25|0.0.0.0:25}", "SmartHosts={a.example|b.example}", "WIASupportedUserAgents=MSIE 6.0 MSIE 7.0", "Name=a b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, _, err := parseCSV("x.csv", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range objs[0].Properties {
				got = append(got, p.Name+"="+vtext(p))
			}
			if strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVJoinedLossy(t *testing.T) {
	objs, _, err := parseCSV("x.csv", []byte("\"WIASupportedUserAgents\",\"Bindings\"\n\"MSIE 6.0 MSIE 7.0\",\"0.0.0.0:25\"\n\"MSIE\",\"\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p := mustProp(t, objs[0], "WIASupportedUserAgents"); p.Lossy == "" || !hasWarning(objs[0], p.Name) {
		t.Error("a blank-joined list whose items hold blanks must be lossy")
	}
	if p := mustProp(t, objs[1], "WIASupportedUserAgents"); p.Lossy != "" || vtext(p) != "MSIE" {
		t.Errorf("one item without a blank is exact: %q %q", vtext(p), p.Lossy)
	}
	if p := mustProp(t, objs[0], "Bindings"); vtext(p) != "{0.0.0.0:25}" || hasWarning(objs[0], "Bindings") {
		t.Errorf("one binding: %q", vtext(p))
	}
}

func TestCSVErrors(t *testing.T) {
	wide := strings.Repeat("a,", MaxProperties) + "a\n"
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"broken quote", "\"a\",\"b\"\n\"1\",\"2\n\"3\",\"4\"\n", 2, "runs on to line 3"},
		{"unterminated quote", "\"a\",\"b\"\n\"1\",\"2\n", 2, "never ends"},
		{"text after quote", "\"a\",\"b\"\n\"1\"x,\"2\"\n", 2, "after the closing double quote"},
		{"bare quote", "a,b\n1,x\"y\n", 2, "not quoted"},
		{"short row", "\"a\",\"b\"\n\"1\"\n", 2, "row has 1 fields, the header has 2"},
		{"long row", "\"a\"\n\"1\",\"2\"\n", 2, "row has 2 fields"},
		{"duplicate header", "\"a\",\"A\"\n\"1\",\"2\"\n", 1, "twice"},
		{"empty header name", "\"a\",\"\"\n\"1\",\"2\"\n", 1, "empty column name"},
		{"header only", "#TYPE T\n\"a\",\"b\"\n", 2, "no objects"},
		{"comment", "# hello\n\"a\"\n\"1\"\n", 1, "#TYPE"},
		{"empty", "", 1, "no header row"},
		{"too wide", wide + wide, 1, "more than 10000 columns"},
		{"long line", "\"a\"\n\"b\"\n\"" + strings.Repeat("é", MaxLineLength) + "\"\n", 3, "line longer than 262144 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseCSV("x.csv", []byte(tt.doc))
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

func FuzzCSV(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/exports/csv/*.csv")
	for _, p := range paths {
		f.Add(decodedFixture(f, p))
	}
	f.Add([]byte("\"a\";\"b\"\n\"x\"\"\";\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := parseCSV("fuzz.csv", data)
		if err == nil && len(objs) == 0 {
			t.Fatal("no error and no objects")
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %v", err)
		}
	})
}

func BenchmarkCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\r\n\"Identity\",\"Bindings\",\"TlsCertificateName\",\"Enabled\"\r\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&sb, "\"EX01\\Connector %d\",\"System.Object[]\",\"<I>CN=CA, O=\"\"Contoso, Ltd\"\"<S>CN=mail.contoso.com\",\"True\"\r\n", i)
	}
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseCSV("b.csv", data); err != nil {
			b.Fatal(err)
		}
	}
}
