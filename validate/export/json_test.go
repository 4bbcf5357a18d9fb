package export

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// jsonWant is what one property of a JSON fixture must read as.
type jsonWant struct {
	value string // vtext form
	lossy string // a fragment of Lossy; "" when the value must be exact
}

func TestJSONFixtures(t *testing.T) {
	rc := readRawCert(t)
	ps51 := []map[string]jsonWant{{
		"AuthMechanism": {"31", "enum written as its number"},
		"Banner":        {"", ""},
		// Bindings items are objects (depth 2): kept as compact JSON, marked.
		"Bindings":              {`{{"Address":"::","AddressFamily":23,"Port":25}|{"Address":"0.0.0.0","AddressFamily":2,"Port":25}}`, "as its properties"},
		"DefaultDomain":         {"<null>", ""},
		"Fqdn":                  {`{"Domain":"mail.contoso.com","IsIdnDomain":false}`, "as its properties"},
		"TlsCertificateName":    {godaddyTLS, ""},
		"Enabled":               {"True", ""},
		"RequireTLS":            {"False", ""},
		"RemoteIPRanges":        {"{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|0.0.0.0-255.255.255.255}", ""},
		"TlsDomainCapabilities": {"{}", ""},
		"Server":                {`{"Rdn":"CN=EX01","Parent":"Servers","Depth":9,"DistinguishedName":"CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,DC=contoso,DC=com","Name":"EX01"}`, "as its properties"},
		"TransportRole":         {"16384", "enum written as its number"},
		// \/Date(1736937000000)\/: `date -u -d @1736937000` prints Wed Jan 15 10:30:00 UTC 2025.
		"WhenChangedUTC": {"2025-01-15T10:30:00Z", ""},
		"Name":           {"Default Frontend EX01", ""},
	}, {
		"Bindings":       {"{[::]:587|0.0.0.0:587}", ""},
		"Fqdn":           {"mail.contoso.com", ""},
		"Enabled":        {"False", ""},
		"RemoteIPRanges": {"@{LowerBound=::; UpperBound=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff}", "truncated by ConvertTo-Json -Depth"},
		// \/Date(-62135596800000)\/ is DateTime.MinValue: 0001-01-01T00:00:00Z.
		"WhenChangedUTC": {"0001-01-01T00:00:00Z", ""},
		"Identity":       {`EX01\Client Frontend EX01`, ""},
		"Banner":         {"<null>", ""},
	}}
	ps7 := []map[string]jsonWant{{
		"Thumbprint":         {rc.thumbprint, ""},
		"Services":           {"IMAP, POP, IIS, SMTP", ""},
		"Status":             {"Valid", ""},
		"HasPrivateKey":      {"True", ""},
		"Subject":            {fixtureSubject, ""},
		"Issuer":             {fixtureIssuer, ""},
		"NotAfter":           {"2027-01-01T00:00:00+01:00", ""},
		"CertificateDomains": {"{mail.contoso.com|autodiscover.contoso.com}", ""},
		"PublicKeySize":      {"2048", ""},
		"Extensions":         {"System.Security.Cryptography.X509Certificates.X509ExtensionCollection", "truncated"},
	}}
	depth1 := []map[string]jsonWant{{
		"SmartHosts":         {"System.Object[]", "truncated"},
		"TlsCertificateName": {godaddyTLS, ""},
		"AddressSpaces":      {"Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.AddressSpace, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]", "truncated"},
		"Fqdn":               {"mail.contoso.com", ""},
	}}
	tests := []struct {
		file    string
		kinds   []Kind
		ids     []string
		servers []string
		want    []map[string]jsonWant
		lines   map[string]int // property → line, in the first object
	}{
		{"receive-connector-ps51.json", []Kind{KindReceiveConnector, KindReceiveConnector}, []string{"Default Frontend EX01", `EX01\Client Frontend EX01`}, []string{"EX01", "EX01"}, ps51, map[string]int{"AuthMechanism": 3, "Bindings": 5, "TlsCertificateName": 22}},
		{"receive-connector-ps51-utf8.json", []Kind{KindReceiveConnector, KindReceiveConnector}, []string{"Default Frontend EX01", `EX01\Client Frontend EX01`}, []string{"EX01", "EX01"}, ps51, map[string]int{"AuthMechanism": 3, "WhenChangedUTC": 44}},
		{"exchange-certificate-ps7.json", []Kind{KindExchangeCertificate}, []string{rc.thumbprint}, []string{""}, ps7, map[string]int{"Thumbprint": 2, "CertificateDomains": 11, "PSComputerName": 17}},
		{"exchange-certificate-ps7-utf16.json", []Kind{KindExchangeCertificate}, []string{rc.thumbprint}, []string{""}, ps7, nil},
		{"send-connector-ps51-depth1.json", []Kind{KindSendConnector}, []string{"Outbound to Office 365"}, []string{""}, depth1, map[string]int{"Identity": 11}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("../../testdata/exports/json", tt.file)
			objs, warns, err := parseJSON(path, decodedFixture(t, path))
			if err != nil {
				t.Fatal(err)
			}
			if len(warns) != 0 {
				t.Errorf("warnings %v", warns)
			}
			if len(objs) != len(tt.kinds) {
				t.Fatalf("%d objects, want %d", len(objs), len(tt.kinds))
			}
			for i, o := range objs {
				if o.Kind != tt.kinds[i] || o.File != path {
					t.Errorf("object %d kind %s file %q", i, o.Kind, o.File)
				}
				if o.Identity != tt.ids[i] || o.Server != tt.servers[i] {
					t.Errorf("object %d identity %q server %q, want %q %q", i, o.Identity, o.Server, tt.ids[i], tt.servers[i])
				}
				for name, w := range tt.want[i] {
					p := mustProp(t, o, name)
					if vtext(p) != w.value {
						t.Errorf("object %d %s = %q, want %q", i, name, vtext(p), w.value)
					}
					if (w.lossy == "") != (p.Lossy == "") || !strings.Contains(p.Lossy, w.lossy) {
						t.Errorf("object %d %s lossy %q, want %q", i, name, p.Lossy, w.lossy)
					}
					if p.Lossy != "" && !hasWarning(o, name) {
						t.Errorf("object %d %s is lossy without a warning", i, name)
					}
				}
			}
			for name, line := range tt.lines {
				if p := mustProp(t, objs[0], name); p.Line != line {
					t.Errorf("%s line %d, want %d", name, p.Line, line)
				}
			}
		})
	}
}

func hasWarning(o *Object, property string) bool {
	for _, w := range o.Warnings {
		if w.Property == property {
			return true
		}
	}
	return false
}

func TestJSONShapes(t *testing.T) {
	tests := []struct {
		name, doc string
		objects   int
		warnings  int
	}{
		{"one object", `{"Name":"a"}`, 1, 0},
		{"array", `[{"Name":"a"},{"Name":"b"}]`, 2, 0},
		{"concatenated", "{\"Name\":\"a\"}\r\n{\"Name\":\"b\"}\r\n", 2, 0},
		{"null item", `[{"Name":"a"},null]`, 1, 1},
		{"empty object", `[{},{"Name":"a"}]`, 1, 1},
		{"bom", "\uFEFF{\"Name\":\"a\"}", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, warns, err := parseJSON("x.json", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if len(objs) != tt.objects || len(warns) != tt.warnings {
				t.Errorf("%d objects %v", len(objs), warns)
			}
		})
	}
}

func TestJSONValues(t *testing.T) {
	tests := []struct {
		raw, want, lossy string
	}{
		{`"\/Date(1326441600000)\/"`, "2012-01-13T08:00:00Z", ""}, // DOCS 5.1 ConvertTo-Json example value; date -u -d @1326441600
		{`"\/Date(1326441600123)\/"`, "2012-01-13T08:00:00.123Z", ""},
		{`"\/Date(1326441600000+0100)\/"`, "2012-01-13T08:00:00Z", ""},
		{`{"value":"\/Date(1326441600000)\/","DisplayHint":2,"DateTime":"Friday, January 13, 2012 9:00:00 AM"}`, "2012-01-13T08:00:00Z", ""},
		{`"/Date(x)/"`, "/Date(x)/", ""},
		{`"System.Object[]"`, "System.Object[]", "truncated"},
		{`"System.Collections.Hashtable"`, "System.Collections.Hashtable", "truncated"},
		{`"@{a=1}"`, "@{a=1}", "truncated"},
		{`"Microsoft Exchange"`, "Microsoft Exchange", ""},
		{`"System"`, "System", ""},
		{`1.5e3`, "1.5e3", ""},
		{`[1,true,null,"x",[1,2]]`, "{1|True||x|[1,2]}", "as its properties"},
		{`{"CertificateSubject":"CN=a","CertificateIssuer":"CN=b"}`, "<I>CN=b<S>CN=a", ""},
		{`{ "a" : [ 1 , 2 ] }`, `{"a":[1,2]}`, "as its properties"},
		{`"caf\u00e9 \ud83d\ude00"`, "café \U0001F600", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			objs, _, err := parseJSON("x.json", []byte(`{"P": `+tt.raw+`}`))
			if err != nil {
				t.Fatal(err)
			}
			p := mustProp(t, objs[0], "P")
			if vtext(p) != tt.want || (tt.lossy == "") != (p.Lossy == "") || !strings.Contains(p.Lossy, tt.lossy) {
				t.Errorf("got %q lossy %q, want %q lossy %q", vtext(p), p.Lossy, tt.want, tt.lossy)
			}
		})
	}
	// Enum properties written as numbers are marked; other numbers are exact.
	objs, _, err := parseJSON("x.json", []byte(`{"Services": 27, "Port": 25}`))
	if err != nil {
		t.Fatal(err)
	}
	if mustProp(t, objs[0], "Services").Lossy == "" || mustProp(t, objs[0], "Port").Lossy != "" {
		t.Error("enum marking")
	}
}

func TestJSONErrors(t *testing.T) {
	many := new(strings.Builder)
	many.WriteString("{")
	for i := 0; i <= MaxProperties; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(many, `"P%d":1`, i)
	}
	many.WriteString("}")
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"deep", `{"a":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "}", 1, "nested deeper than 100"},
		{"deep objects", strings.Repeat("{\"a\":\n", 101) + "1" + strings.Repeat("}", 101), 101, "nested deeper than 100"},
		{"scalar", `"text"`, 1, "not an object"},
		{"scalar item", "[\n{\"a\":1},\n2]", 3, "array item is not an object"},
		{"empty array", `[]`, 1, "no objects"},
		{"empty", ``, 1, "no objects"},
		{"syntax", "{\n\"a\": tru\n}", 2, "invalid character"},
		{"truncated", "{\n\"a\": [1,", 2, "file ends"},
		{"trailing", `{"a":1} x`, 1, "invalid character"},
		{"too many", many.String(), 1, "more than 10000 properties"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := parseJSON("x.json", []byte(tt.doc))
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

func FuzzJSON(f *testing.F) {
	paths, _ := filepath.Glob("../../testdata/exports/json/*.json")
	for _, p := range paths {
		f.Add(decodedFixture(f, p))
	}
	f.Add([]byte(`[{"a":{"b":[1,{"c":null}]}},null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, _, err := parseJSON("fuzz.json", data)
		if err == nil && len(objs) == 0 {
			t.Fatal("no error and no objects")
		}
		var pe *ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error is not a *ParseError: %v", err)
		}
	})
}

func BenchmarkJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := 0; i < 2000; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"Identity":"EX01\\Connector %d","Bindings":["0.0.0.0:25","[::]:25"],"TlsCertificateName":{"CertificateSubject":"CN=mail.contoso.com","CertificateIssuer":"CN=CA"},"Enabled":true,"AuthMechanism":31,"WhenChanged":"\/Date(1326441600000)\/"}`, i)
	}
	sb.WriteString("]")
	data := []byte(sb.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseJSON("b.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSmtpX509IdentifierToString backs the JSON rebuild of TlsCertificateName: in every real
// capture, the ToString of each SmtpX509Identifier is "<I>" + CertificateIssuer + "<S>" +
// CertificateSubject (regexps over the XML text, not the parser).
func TestSmtpX509IdentifierToString(t *testing.T) {
	obj := regexp.MustCompile(`(?s)<Obj N="TlsCertificateName" RefId="\d+">.*?<ToString>(.*?)</ToString>.*?<S N="CertificateSubject">(.*?)</S>\s*<S N="CertificateIssuer">(.*?)</S>`)
	paths, _ := filepath.Glob(filepath.Join(referenceDir, "*.xml"))
	n := 0
	for _, p := range paths {
		for _, m := range obj.FindAllSubmatch(decodedFixture(t, p), -1) {
			n++
			if want := "<I>" + xmlUnescape.Replace(string(m[3])) + "<S>" + xmlUnescape.Replace(string(m[2])); xmlUnescape.Replace(string(m[1])) != want {
				t.Errorf("%s: ToString %q, issuer+subject %q", p, m[1], want)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d SmtpX509Identifier objects found", n)
	}
}
