package cert

import (
	"bytes"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// nameVector is one row of testdata/names/vectors.json: a DER Name and the string a
// documented source (dotnet/runtime, Wine and mono tests that run against Windows)
// expects. Order "reversed" is X509Certificate2.Subject/Issuer and
// X500DistinguishedName.Name; "forward" is Decode(None)/Format(false) and
// CertNameToStr without CERT_NAME_STR_REVERSE_FLAG; "both" means the two agree.
type nameVector struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Order  string `json:"order"`
	DER    string `json:"der"`
	Want   string `json:"want"`
	Rule   string `json:"rule"`
	Note   string `json:"note"`
}

var namesDir = filepath.Join("..", "..", "testdata", "names")

func loadNameVectors(tb testing.TB) []nameVector {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(namesDir, "vectors.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var vs []nameVector
	if err := json.Unmarshal(data, &vs); err != nil {
		tb.Fatal(err)
	}
	if len(vs) == 0 {
		tb.Fatal("no vectors")
	}
	return vs
}

func mustHex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		tb.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestWindowsNameVectors(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range loadNameVectors(t) {
		t.Run(v.ID, func(t *testing.T) {
			if seen[v.ID] {
				t.Fatalf("duplicate id %s", v.ID)
			}
			seen[v.ID] = true
			if v.Source == "" || v.Rule == "" {
				t.Fatalf("vector %s has no source or rule", v.ID)
			}
			der := mustHex(t, v.DER)
			switch v.Order {
			case "reversed", "both":
				if got := WindowsName(der); got != v.Want {
					t.Errorf("WindowsName:\n got %q\nwant %q\nsource: %s", got, v.Want, v.Source)
				}
			}
			switch v.Order {
			case "forward", "both":
				if got, _ := formatName(der, false); got != v.Want {
					t.Errorf("forward order:\n got %q\nwant %q\nsource: %s", got, v.Want, v.Source)
				}
			case "reversed":
			default:
				t.Fatalf("bad order %q", v.Order)
			}
		})
	}
}

// TestVectorsMadeByScript checks that the DER of the vectors built by mkder.sh (an
// encoder independent of certswap) is what the script prints.
func TestVectorsMadeByScript(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, "mkder.sh")
	cmd.Dir = namesDir
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("mkder.sh: %v", err)
	}
	byID := map[string]string{}
	for _, v := range loadNameVectors(t) {
		byID[v.ID] = v.DER
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 10 {
		t.Fatalf("mkder.sh printed %d lines", len(lines))
	}
	for _, line := range lines {
		id, der, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		if byID[id] != der {
			t.Errorf("%s: vectors.json has %s, mkder.sh prints %s", id, byID[id], der)
		}
	}
}

func TestNamesREADMEListsEveryVector(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(namesDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range loadNameVectors(t) {
		if !bytes.Contains(readme, []byte("`"+v.ID+"`")) {
			t.Errorf("README.md does not mention `%s`", v.ID)
		}
	}
}

// TestPkixNameStringDiffers shows why certswap formats names itself: Go's
// pkix.Name.String() (RFC 2253) gives another string for the same DER.
func TestPkixNameStringDiffers(t *testing.T) {
	ids := map[string]bool{
		"t1_microsoft_com_ev":    true, // order regrouped, ST=, POSTALCODE, hex for unknown OIDs
		"t1_multi_component_rdn": true, // multi-valued RDN split
		"mono_rsa_issuer":        true, // backslash escaping instead of quotes
		"t1_dquote_interior":     true, // \" instead of ""
		"wine_cert_subject_x500": true, // ST=, emailAddress as hex
		"t1_t61_valid_utf8":      true, // T61String read as Latin-1
		"wine_semicolon_cn_bmp":  true, // \; instead of ";"
		"mono_rfc3280_optional":  true, // T, SN, I, G unknown to Go
		"t2_quoted_comma":        true,
	}
	n := 0
	for _, v := range loadNameVectors(t) {
		if !ids[v.ID] || v.Order != "reversed" && v.Order != "both" {
			continue
		}
		var seq pkix.RDNSequence
		if rest, err := asn1.Unmarshal(mustHex(t, v.DER), &seq); err != nil || len(rest) != 0 {
			t.Fatalf("%s: encoding/asn1: %v", v.ID, err)
		}
		var name pkix.Name
		name.FillFromRDNSequence(&seq)
		goStr := name.String()
		if goStr == v.Want {
			t.Errorf("%s: pkix.Name.String() = %q, the Windows string; expected a difference", v.ID, goStr)
		}
		if WindowsName(mustHex(t, v.DER)) != v.Want {
			t.Errorf("%s: WindowsName differs from the Windows string", v.ID)
		}
		t.Logf("%s\n  Windows: %s\n  Go:      %s", v.ID, v.Want, goStr)
		n++
	}
	if n < 6 {
		t.Fatalf("only %d vectors compared", n)
	}
}

// TestWindowsNameInvalidDER: any DER error gives "" (notes §5; T1
// PrintInvalidEncoding). The inputs are hand-made; each breaks one DER rule.
func TestWindowsNameInvalidDER(t *testing.T) {
	tests := []struct{ name, hex string }{
		{"nil", ""},
		{"one byte", "30"},
		{"not a sequence", "310B3009060355040613025553"},
		{"truncated", "300D310B30090603550406130255"},
		{"trailing byte after the name", "300D310B300906035504061302555300"},
		{"indefinite length", "3080310B300906035504061302555300 00"},
		{"non-minimal length", "30810D310B3009060355040613025553"},
		{"RDN not a SET", "300D300B3009060355040613025553"},
		{"empty RDN SET", "30023100"},
		{"attribute without value", "30093107300506035504 06"},
		{"attribute with two values", "3011310F300D0603550406130255531300"},
		{"value with trailing garbage inside the ATV", "300E310C300A06035504061302555300"},
		{"type is not an OID", "300D310B3009020355040613025553"},
		{"empty OID", "300A3108300606001302555300"},
		{"OID with a truncated arc", "300D310B300906035504861302 5553"},
		{"OID with a non-minimal arc", "300E310C300A0604558004061302 5553"},
		{"odd-length BMPString", "300C310A300806035504031E0100"},
		{"UniversalString not a multiple of 4", "300D310B300906035504031C02 0041"},
		{"value length beyond the ATV", "300D310B30090603550406130355 53"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der := mustHex(t, strings.ReplaceAll(tt.hex, " ", ""))
			if got := WindowsName(der); got != "" {
				t.Errorf("WindowsName(%s) = %q, want \"\"", tt.hex, got)
			}
			if got, ok := formatName(der, false); got != "" || ok {
				t.Errorf("formatName(%s) = %q, %v; want \"\", false", tt.hex, got, ok)
			}
		})
	}
}

// TestWindowsNameDecisions pins the cases no Windows vector settles (notes §3 and
// §10; decisions documented on WindowsName and in testdata/names/README.md), and
// two that come from other independent sources (marked).
func TestWindowsNameDecisions(t *testing.T) {
	tests := []struct{ name, hex, want string }{
		// 128-bit UUID arc: DER made and dotted form printed by
		// `openssl asn1parse -genconf` (X.667's example OID 2.25.3298…918).
		{"big OID arc (openssl)", "301D311B301906146983F09DA7EBCFDEE0C7A1A7B2C0948CC8F9D7760C0178",
			"OID.2.25.329800735698586629295641978511506172918=x"},
		// First arc 1 and 0: X.690 8.19.4 (40*X+Y).
		{"first arc 1 (X.690)", "300A3108300606022B061300", `OID.1.3.6=""`},
		{"UniversalString as UTF-32BE", "3013311130 0F06035504031C08000000410001F600", "CN=A\U0001F600"},
		{"UniversalString beyond Unicode", "300F310D300B06035504031C0400110000", "CN=\uFFFD"},
		{"VisibleString", "300C310A300806035504031A0141", "CN=A"},
		{"GeneralString Latin-1", "300C310A300806035504031B01E9", "CN=\u00e9"},
		{"GraphicString", "300C310A30080603550403190141", "CN=A"},
		{"VideotexString", "300C310A30080603550403150141", "CN=A"},
		{"PrintableString high byte as Latin-1", "300D310B30090603550403130241E9", "CN=A\u00e9"},
		{"IA5String high byte as Latin-1", "300C310A30080603550403160 1FF", "CN=\u00ff"},
		{"value cut at its first NUL", "300E310C300A06035504031303410042", "CN=A"},
		{"trailing NULs dropped", "300E310C300A06035504031303414100", "CN=AA"},
		{"BMPString surrogate pair", "3011310F300D06035504031E06D83DDE000041", "CN=\U0001F600A"},
		{"BMPString unpaired surrogate", "300F310D300B06035504031E04D83D0041", "CN=\uFFFDA"},
		{"UTF8String invalid byte", "300D310B300906035504030C0241FF", "CN=A\uFFFD"},
		{"T61String invalid UTF-8 falls back to Latin-1", "300D310B30090603550403140241FF", "CN=A\u00ff"},
		{"backslash not quoted", "300E310C300A0603550403130341 5C42", `CN=A\B`},
		{"high-tag-number value as #hex", "300D310B300906035504031F1F0100", "CN=#1F1F0100"},
		{"context-specific value as #hex", "300C310A3008060355040380 0141", "CN=#800141"},
		{"constructed OCTET STRING is not unwrapped", "300E310C300A06035504032403040100", "CN=#2403040100"},
		{"UTCTime value as #hex", "3018311630140603550403170D 3236313230313134303030305A", "CN=#170D3236313230313134303030305A"},
		{"only VT and FF quote, not U+00A0", "300D310B300906035504030C02C2A0", "CN=\u00a0"},
		// notes §3: Windows does not validate string contents (dotnet/runtime#88037).
		{"PrintableString with characters it does not allow", "300F310D300B06035504031304 402A5F26", "CN=@*_&"},
		{"NumericString with letters", "300E310C300A060355040312035553 41", "CN=USA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WindowsName(mustHex(t, strings.ReplaceAll(tt.hex, " ", "")))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWindowsNameQuotingCharacters checks every ASCII character against notes §4:
// only , + = " LF < > # ; anywhere, and space, tab, LF, VT, FF, CR at either end,
// make Windows quote a value.
func TestWindowsNameQuotingCharacters(t *testing.T) {
	quoteAnywhere := ",+=\"\n<>#;"
	quoteAtEnds := " \t\n\v\f\r"
	for c := 1; c < 0x80; c++ {
		ch := string(rune(c))
		for _, tc := range []struct {
			where string
			value string
			quote bool
		}{
			{"middle", "a" + ch + "b", strings.Contains(quoteAnywhere, ch)},
			{"start", ch + "b", strings.Contains(quoteAnywhere+quoteAtEnds, ch)},
			{"end", "a" + ch, strings.Contains(quoteAnywhere+quoteAtEnds, ch)},
		} {
			der := utf8Name(tc.value)
			want := "CN=" + tc.value
			if tc.quote {
				want = `CN="` + strings.ReplaceAll(tc.value, `"`, `""`) + `"`
			}
			if got := WindowsName(der); got != want {
				t.Errorf("%U at %s: got %q, want %q", c, tc.where, got, want)
			}
		}
	}
}

// utf8Name is a one-attribute CN Name with a UTF8String value (short values only).
func utf8Name(v string) []byte {
	atv := append([]byte{0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, byte(len(v))}, v...)
	atv = append([]byte{0x30, byte(len(atv))}, atv...)
	set := append([]byte{0x31, byte(len(atv))}, atv...)
	return append([]byte{0x30, byte(len(set))}, set...)
}

func TestAttributeKeys(t *testing.T) {
	// notes §2 table: the keys Windows prints (OidLookup.cs, Wine oid.c, DOC).
	tests := map[string]string{
		"2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.5": "SERIALNUMBER", "2.5.4.6": "C",
		"2.5.4.7": "L", "2.5.4.8": "S", "2.5.4.9": "STREET", "2.5.4.10": "O",
		"2.5.4.11": "OU", "2.5.4.12": "T", "2.5.4.13": "Description", "2.5.4.17": "PostalCode",
		"2.5.4.18": "POBox", "2.5.4.20": "Phone", "2.5.4.24": "X21Address", "2.5.4.42": "G",
		"2.5.4.43": "I", "2.5.4.46": "dnQualifier", "0.9.2342.19200300.100.1.25": "DC",
		"1.2.840.113549.1.9.1": "E", "2.23.133.2.1": "TPMManufacturer",
		"2.23.133.2.2": "TPMModel", "2.23.133.2.3": "TPMVersion",
		"2.5.4.15": "OID.2.5.4.15", "2.5.4.97": "OID.2.5.4.97",
		"1.3.6.1.4.1.311.60.2.1.3":  "OID.1.3.6.1.4.1.311.60.2.1.3",
		"0.9.2342.19200300.100.1.1": "OID.0.9.2342.19200300.100.1.1",
		"1.2.840.113549.1.9.2":      "OID.1.2.840.113549.1.9.2",
	}
	for oid, want := range tests {
		if got := attributeKey(oid); got != want {
			t.Errorf("attributeKey(%s) = %q, want %q", oid, got, want)
		}
	}
}

func FuzzWindowsName(f *testing.F) {
	for _, v := range loadNameVectors(f) {
		f.Add(mustHex(f, v.DER))
	}
	f.Add([]byte{})
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		got := WindowsName(der)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 %q", got)
		}
		fwd, ok := formatName(der, false)
		if !ok && (got != "" || fwd != "") {
			t.Fatalf("invalid DER but output %q / %q", got, fwd)
		}
		if len(fwd) != len(got) {
			t.Fatalf("forward and reversed differ in length: %q / %q", fwd, got)
		}
	})
}

func BenchmarkWindowsName(b *testing.B) {
	var der []byte
	for _, v := range loadNameVectors(b) {
		if v.ID == "t1_microsoft_com_ev" {
			der = mustHex(b, v.DER)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = WindowsName(der)
	}
}
