package export

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func readString(t *testing.T, s string) *File {
	t.Helper()
	f, err := Read("t.txt", strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFormatListCases(t *testing.T) {
	type prop struct{ name, value, lossy string }
	cases := []struct {
		name     string
		in       string
		format   string
		objects  [][]prop
		kinds    []Kind
		warnings []string // substrings of file warnings, in order
		propWarn []string // substrings of property warnings of the first object
	}{
		{
			name: "prompt line and colour escapes",
			in: "[PS] C:\\Windows\\system32>Get-ExchangeCertificate | fl\n\n" +
				"\x1b[32;1mThumbprint\x1b[0m : 3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908\n" +
				"\x1b[32;1mServices  \x1b[0m : IMAP, POP, IIS, SMTP\n\n",
			format:  FormatList,
			objects: [][]prop{{{"Thumbprint", "3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908", ""}, {"Services", "IMAP, POP, IIS, SMTP", ""}}},
			kinds:   []Kind{KindExchangeCertificate},
		},
		{
			name: "collections: empty, cut in 5.1 and in 7",
			in: "\nHostName               : sts.contoso.com\nIdentifier             : http://sts.contoso.com/adfs/services/trust\n" +
				"AcceptableIdentifiers  : {}\n" +
				"WIASupportedUserAgents : {MSIE 6.0, MSIE 7.0, MSIE 8.0, MSIE 9.0...}\n" +
				"AuthenticationContext  : {a, b, c, d…}\n\n",
			format: FormatList,
			objects: [][]prop{{{"HostName", "sts.contoso.com", ""}, {"Identifier", "http://sts.contoso.com/adfs/services/trust", ""},
				{"AcceptableIdentifiers", "{}", ""},
				{"WIASupportedUserAgents", "{MSIE 6.0, MSIE 7.0, MSIE 8.0, MSIE 9.0...}", LossyTruncatedCollection},
				{"AuthenticationContext", "{a, b, c, d…}", LossyTruncatedCollection}}},
			kinds:    []Kind{KindAdfsProperties},
			propWarn: []string{"truncated collection", "truncated collection"},
		},
		{
			name: "two sections of different widths",
			in: "\n\nName     : EDGE01\nSite     : contoso.com/Configuration/Sites/Default-First-Site-Name\nDomain   : contoso.com\n\n\n\n" +
				"PS C:\\> Get-TransportService | fl\n\n" +
				"Name                                   : EX01\nInternalTransportCertificateThumbprint : A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D\n\n",
			format: FormatList,
			objects: [][]prop{
				{{"Name", "EDGE01", ""}, {"Site", "contoso.com/Configuration/Sites/Default-First-Site-Name", ""}, {"Domain", "contoso.com", ""}},
				{{"Name", "EX01", ""}, {"InternalTransportCertificateThumbprint", "A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D", ""}},
			},
			kinds: []Kind{KindEdgeSubscription, KindTransportService},
		},
		{
			name: "list and table sections make a Mixed file",
			in: "\nName   : EDGE01\nSite   : Default-First-Site-Name\nDomain : contoso.com\n\n" +
				"\nHostName        PortNumber CertificateHash\n--------        ---------- ---------------\nsts.contoso.com        443 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\n\n",
			format: FormatMixed,
			objects: [][]prop{
				{{"Name", "EDGE01", ""}, {"Site", "Default-First-Site-Name", ""}, {"Domain", "contoso.com", ""}},
				{{"HostName", "sts.contoso.com", ""}, {"PortNumber", "443", ""}, {"CertificateHash", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}},
			},
			kinds: []Kind{KindEdgeSubscription, KindAdfsSslCertificate},
		},
		{
			name:     "a line that cannot be placed is skipped with a warning",
			in:       "some words an admin typed\n\nName   : EX01\nDomain : contoso.com\nSite   : x\n",
			format:   FormatList,
			objects:  [][]prop{{{"Name", "EX01", ""}, {"Domain", "contoso.com", ""}, {"Site", "x", ""}}},
			kinds:    []Kind{KindEdgeSubscription},
			warnings: []string{`line 1: line skipped: it is neither a property, a table nor a continuation: "some words an admin typed"`},
		},
		{
			name: "continuation that lost its indent (adfsprops-1)",
			in: "HostName                   : sts.contoso.com\nArtifactDbConnection       : Data Source=np:\\\\.\\pipe\\microsoft##wid\\tsql\\query;Initial Catalog=AdfsArtifactStore;Integrated Security=True\n" +
				"AddProxyAuthorizationRules : exists([Type == \"x\"])\n" +
				"=> issue(Type = \"x\");\nHttpsPort                  : 443\n",
			format: FormatList,
			objects: [][]prop{{{"HostName", "sts.contoso.com", ""},
				{"ArtifactDbConnection", `Data Source=np:\\.\pipe\microsoft##wid\tsql\query;Initial Catalog=AdfsArtifactStore;Integrated Security=True`, ""},
				{"AddProxyAuthorizationRules", "exists([Type == \"x\"])\n=> issue(Type = \"x\");", ""}, {"HttpsPort", "443", ""}}},
			kinds:    []Kind{KindAdfsProperties},
			propWarn: []string{"line 4: continuation line without its indent of 29 blanks"},
		},
		{
			name: "web copy with a blank line after every line and Markdown breaks",
			in: "Name   : EDGE01  \n\nSite   : Default-First-Site-Name  \n\nDomain : contoso.com  \n\n\n\n" +
				"Name   : EDGE02  \n\nSite   : Default-First-Site-Name  \n\nDomain : contoso.com  \n\n",
			format: FormatList,
			objects: [][]prop{
				{{"Name", "EDGE01", ""}, {"Site", "Default-First-Site-Name", ""}, {"Domain", "contoso.com", ""}},
				{{"Name", "EDGE02", ""}, {"Site", "Default-First-Site-Name", ""}, {"Domain", "contoso.com", ""}},
			},
			kinds:    []Kind{KindEdgeSubscription, KindEdgeSubscription},
			warnings: []string{"every second line is blank", "two blanks"},
		},
		{
			name:     "lines wrapped in backticks (adfscert-1)",
			in:       "`CertificateType : Token-Signing`\n`IsPrimary       : True`\n`Thumbprint      : 5A4AE6D2F2164DDCAB1C156828F2594845533213`\n",
			format:   FormatList,
			objects:  [][]prop{{{"CertificateType", "Token-Signing", ""}, {"IsPrimary", "True", ""}, {"Thumbprint", "5A4AE6D2F2164DDCAB1C156828F2594845533213", ""}}},
			kinds:    []Kind{KindAdfsCertificate},
			warnings: []string{"backticks"},
		},
		{
			name:     "masked thumbprint (exchcert-4)",
			in:       "Thumbprint : BBA9F942****************************612E\nServices   : IIS, SMTP\n",
			format:   FormatList,
			objects:  [][]prop{{{"Thumbprint", "BBA9F942****************************612E", LossyMasked}, {"Services", "IIS, SMTP", ""}}},
			kinds:    []Kind{KindExchangeCertificate},
			propWarn: []string{"masked"},
		},
		{
			name: "a multi-line value ending in a line break as the last property",
			in: "\n\nThumbprint  : 5A4AE6D2F2164DDCAB1C156828F2594845533213\nCertificate : [Subject]\n                CN=x\n              \n\n" +
				"Thumbprint  : 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\nCertificate : [Subject]\n                CN=y\n              \n\n\n\n",
			format: FormatList,
			objects: [][]prop{
				{{"Thumbprint", "5A4AE6D2F2164DDCAB1C156828F2594845533213", ""}, {"Certificate", "[Subject]\n  CN=x\n", ""}},
				{{"Thumbprint", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}, {"Certificate", "[Subject]\n  CN=y\n", ""}},
			},
			kinds: []Kind{KindUnknown, KindUnknown},
		},
		{
			// A 5.1 file (its empty values keep their blank): the first line of the rule ends in
			// a blank, and the next line's first word would have fitted after it.
			name: "multi-line value whose line ends in a blank",
			in: "HostName                   : sts.contoso.com\nBanner                     : \n" +
				"ArtifactDbConnection       : Data Source=np:\\\\.\\pipe\\microsoft##wid\\tsql\\query;Initial Catalog=AdfsArtifactStore;Integrated \n" +
				"                             Security=True\n" +
				"AddProxyAuthorizationRules : @RuleName = \"x\" \n" +
				"                             => issue(Type = \"x\");\n",
			format: FormatList,
			objects: [][]prop{{{"HostName", "sts.contoso.com", ""}, {"Banner", "", ""},
				{"ArtifactDbConnection", `Data Source=np:\\.\pipe\microsoft##wid\tsql\query;Initial Catalog=AdfsArtifactStore;Integrated Security=True`, ""},
				{"AddProxyAuthorizationRules", "@RuleName = \"x\" \n=> issue(Type = \"x\");", ""}}},
			kinds: []Kind{KindUnknown},
		},
		{
			// CSS-Exchange #919, Q&A 150649: the page ate <I> and <S> as HTML tags.
			name:     "TlsCertificateName without its tags",
			in:       "Identity           : EX01\\Default Frontend EX01\nTlsCertificateName : CN=R3, O=Let's Encrypt, C=USCN=mail.contoso.com\nBindings           : {[::]:25}\n",
			format:   FormatList,
			objects:  [][]prop{{{"Identity", `EX01\Default Frontend EX01`, ""}, {"TlsCertificateName", "CN=R3, O=Let's Encrypt, C=USCN=mail.contoso.com", LossyTagsStripped}, {"Bindings", "{[::]:25}", ""}}},
			kinds:    []Kind{KindReceiveConnector},
			propWarn: []string{"<I> and <S> tags are missing"},
		},
		{
			// hybrid-2: the page turned the URL into a link and joined a wrapped line back
			// onto the value with its indent.
			name: "link brackets and a joined continuation (hybrid-2)",
			in: "Name                : Hybrid Configuration\n" +
				"TlsCertificateName  : <I>CN=Go Daddy Secure Certificate Authority - G2, OU=[http://certs.godaddy.com/repository/], O=\"GoDaddy.com, Inc.\"\n" +
				"Domains             : {contoso.com,                      contoso.mail.onmicrosoft.com}\n",
			format: FormatList,
			objects: [][]prop{{{"Name", "Hybrid Configuration", ""},
				{"TlsCertificateName", "<I>CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O=\"GoDaddy.com, Inc.\"", ""},
				{"Domains", "{contoso.com,                      contoso.mail.onmicrosoft.com}", LossyJoinedLine}}},
			kinds:    []Kind{KindUnknown},
			propWarn: []string{"link brackets", "joined back"},
		},
		{
			name:    "empty values with and without their trailing blank",
			in:      "Name    : EX01\nBanner  : \nComment :\nSite    : s\nDomain  : d\n",
			objects: [][]prop{{{"Name", "EX01", ""}, {"Banner", "", ""}, {"Comment", "", ""}, {"Site", "s", ""}, {"Domain", "d", ""}}},
			format:  FormatList,
			kinds:   []Kind{KindEdgeSubscription},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := readString(t, c.in)
			if f.Format != c.format {
				t.Errorf("format %q, want %q", f.Format, c.format)
			}
			if len(f.Objects) != len(c.objects) {
				t.Fatalf("%d objects, want %d: %+v", len(f.Objects), len(c.objects), f.Objects)
			}
			for i, want := range c.objects {
				o := f.Objects[i]
				if o.Kind != c.kinds[i] {
					t.Errorf("object %d kind %q, want %q", i, o.Kind, c.kinds[i])
				}
				if len(o.Properties) != len(want) {
					t.Errorf("object %d: %d properties, want %d", i, len(o.Properties), len(want))
					continue
				}
				for j, w := range want {
					p := o.Properties[j]
					if p.Name != w.name || p.Value.Text != w.value || p.Lossy != w.lossy {
						t.Errorf("object %d property %d = %q %q %q, want %q %q %q", i, j, p.Name, p.Value.Text, p.Lossy, w.name, w.value, w.lossy)
					}
				}
			}
			if len(f.Warnings) != len(c.warnings) {
				t.Errorf("warnings %+v, want %d", f.Warnings, len(c.warnings))
			} else {
				for i, w := range c.warnings {
					got := f.Warnings[i].Message
					if f.Warnings[i].Line > 0 {
						got = "line " + itoa(f.Warnings[i].Line) + ": " + got
					}
					if !strings.Contains(got, w) {
						t.Errorf("warning %d = %q, want %q", i, got, w)
					}
				}
			}
			var pw []PropertyWarning
			if len(f.Objects) > 0 {
				pw = f.Objects[0].Warnings
			}
			if len(pw) != len(c.propWarn) {
				t.Errorf("property warnings %+v, want %d", pw, len(c.propWarn))
			} else {
				for i, w := range c.propWarn {
					if !strings.Contains(pw[i].Message, w) {
						t.Errorf("property warning %d = %q, want %q", i, pw[i].Message, w)
					}
				}
			}
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// TestLimits checks the per-line and per-object limits; both are errors with a line number.
func TestLimits(t *testing.T) {
	long := "Name : " + strings.Repeat("x", MaxLineLength) + "\n"
	_, err := Read("t.txt", strings.NewReader("Site : s\n"+long))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || !strings.Contains(err.Error(), "longer than") {
		t.Errorf("long line: %v", err)
	}
	var b strings.Builder
	for i := 0; i <= MaxProperties; i++ {
		b.WriteString(fmt.Sprintf("P%05d : v\n", i))
	}
	_, err = Read("t.txt", strings.NewReader(b.String()))
	if !errors.As(err, &pe) || pe.Line != MaxProperties+1 || !strings.Contains(err.Error(), "more than 10000 properties") {
		t.Errorf("too many properties: %v", err)
	}
	// A line of exactly the limit is read.
	ok := "Name : " + strings.Repeat("x", MaxLineLength-7) + "\n"
	if _, err := Read("t.txt", strings.NewReader(ok)); err != nil {
		t.Errorf("line at the limit: %v", err)
	}
}

// TestStructuredLimit checks that an Export-Clixml file over 128 MiB is refused before it is
// read (a sparse file: its size comes from Stat).
func TestStructuredLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">`)
	f.WriteString(strings.Repeat("<S>padding so that the first 64 KiB are text</S>\r\n", 2000))
	if err := f.Truncate(MaxStructuredSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = ReadFile(path)
	if err == nil || !strings.Contains(err.Error(), "over the 128 MiB limit") || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("err = %v", err)
	}
}

// TestReadFileNamesFile checks that ReadFile names the file once and Read not at all.
func TestReadFileNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.txt")
	os.WriteFile(path, []byte("Name : a\x00b\n"), 0o644)
	_, err := ReadFile(path)
	if err == nil || strings.Count(err.Error(), path) != 1 {
		t.Errorf("err = %v", err)
	}
	_, err = ReadFile(filepath.Join(t.TempDir(), "missing.txt"))
	if err == nil || strings.Count(err.Error(), "missing.txt") != 1 {
		t.Errorf("err = %v", err)
	}
}

// FuzzFormatList feeds text straight to the line reader: no panic, and every property it
// returns has a name and a line.
func FuzzFormatList(f *testing.F) {
	seedFiles(f, "list/*.utf8.*.txt", "wrap/*.trimmed.txt")
	f.Add([]byte("Name : a\n       b\n\nName : c\n"))
	f.Add([]byte("Certificate : [Subject]\n                CN=x\n\n              [Issuer]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := &File{}
		format, err := readLines("fuzz", bufio.NewReader(bytes.NewReader(data)), file, func(o *Object) error {
			file.Objects = append(file.Objects, o)
			return nil
		})
		if err != nil {
			return
		}
		if file.Format = format; utf8.Valid(data) {
			// Valid UTF-8 in, valid UTF-8 out: anything else points into a released line.
			if err := releasedText(file); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range file.Objects {
			for _, p := range o.Properties {
				if p.Name == "" || p.Line <= 0 {
					t.Fatalf("property %+v", p)
				}
			}
		}
	})
}

// bigList repeats the receive-connector fixture to about n bytes of Format-List text.
func bigList(b *testing.B, n int) string {
	data, err := os.ReadFile(filepath.Join(fixtureDir, "list", "get-receiveconnector.utf8.crlf.txt"))
	if err != nil {
		b.Fatal(err)
	}
	body := strings.Trim(string(data), "\r\n") + "\r\n\r\n"
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(body)
	}
	return sb.String()
}

func benchmarkList(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		_, err := Stream("bench", bytes.NewReader(data), func(*Object) error { n++; return nil })
		if err != nil || n == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFormatList measures Format-List reading as issue 8 reads a large export: streamed,
// objects handed out and dropped (targets: 200 MB/s for UTF-8, 100 MB/s for UTF-16 LE).
func BenchmarkFormatList(b *testing.B) {
	text := bigList(b, 16<<20)
	b.Run("UTF-8", func(b *testing.B) { benchmarkList(b, []byte(text)) })
	b.Run("UTF-16LE", func(b *testing.B) { benchmarkList(b, cat([]byte{0xFF, 0xFE}, le(text))) })
}

// TestMixedWithNetsh: an admin's notes file with a Format-List section and the netsh output
// of the same node; the netsh block keeps its own line numbers.
func TestMixedWithNetsh(t *testing.T) {
	in := "PS C:\\> Get-AdfsSslCertificate | fl\n\n" +
		"HostName        : adfs.contoso.com\nPortNumber      : 443\nCertificateHash : FD1A24FF782150285A9B28EF9662B756C7120649\n\n" +
		"C:\\>netsh http show sslcert\n\nSSL Certificate bindings:\n-------------------------\n\n" +
		"    Hostname:port                : adfs.contoso.com:443\n" +
		"    Certificate Hash             : fd1a24ff782150285a9b28ef9662b756c7120649\n" +
		"    Application ID               : {5d89a20c-beab-4389-9447-324788eb944a}\n" +
		"    Certificate Store Name       : MY\n\n"
	f := readString(t, in)
	if f.Format != FormatMixed || len(f.Objects) != 2 {
		t.Fatalf("format %q, %d objects", f.Format, len(f.Objects))
	}
	if f.Objects[0].Kind != KindAdfsSslCertificate || f.Objects[1].Kind != KindNetshSslBinding {
		t.Errorf("kinds %q %q", f.Objects[0].Kind, f.Objects[1].Kind)
	}
	if p, ok := f.Objects[1].Get("Certificate Hash"); !ok || p.Value.Text != "fd1a24ff782150285a9b28ef9662b756c7120649" || p.Line != 13 {
		t.Errorf("Certificate Hash = %+v", p)
	}
}

// TestStreamBoundedMemory streams 32 MiB of Format-List text made on the fly and checks that the
// heap stays far below the input: objects are handed out, not kept (issue 8).
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 32 MiB")
	}
	data, err := os.ReadFile(filepath.Join(fixtureDir, "list", "get-receiveconnector.utf8.crlf.txt"))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(strings.Trim(string(data), "\r\n") + "\r\n\r\n")
	const total = 32 << 20
	r := &repeatReader{body: body, left: total}
	var peak uint64
	var ms runtime.MemStats
	n := 0
	_, err = Stream("big.txt", r, func(o *Object) error {
		n++
		if n%2000 == 0 {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak {
				peak = ms.HeapAlloc
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5000 || peak > 24<<20 {
		t.Errorf("%d objects, heap peak %d MiB for %d MiB of input", n, peak>>20, total>>20)
	}
}

// repeatReader yields body again and again, left bytes in all.
type repeatReader struct {
	body []byte
	off  int
	left int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.body[r.off:])
		if c > r.left {
			c = r.left
		}
		n += c
		r.left -= c
		r.off = (r.off + c) % len(r.body)
	}
	return n, nil
}

// psWordWrap and psHardSplit lay a value out as Windows PowerShell 5.1's
// GenerateLinesWithWordWrap and GenerateLinesWithoutWordWrap do (notes/powershell-exports.md
// a.3; ASCII only): the test's own rendering of random source values.
func psWordWrap(v string, field int) []string {
	if len(v) <= field {
		return []string{v}
	}
	var words []string
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' {
			words = append(words, v[start:i+1])
			start = i + 1
		}
	}
	words = append(words, v[start:])
	var out []string
	cur := ""
	left := field
	for _, w := range words {
		if len(w) > field {
			for i := 0; i < len(w); i++ {
				if left < 1 {
					out = append(out, cur)
					cur, left = "", field
				}
				cur += w[i : i+1]
				left--
			}
			continue
		}
		if len(w) > left {
			out = append(out, cur)
			cur, left = "", field
		}
		cur += w
		left -= len(w)
	}
	return append(out, cur)
}

func psHardSplit(v string, field int) []string {
	var out []string
	for len(v) > field {
		out = append(out, v[:field])
		v = v[field:]
	}
	return append(out, v)
}

// TestWrapRandom renders random values at random widths in both wrap modes, as written and
// trimmed, and reads them back: a file that kept its trailing blanks gives every value exactly;
// a trimmed one gives it exactly or marks it ambiguous, never a wrong value silently.
func TestWrapRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 17))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789=,./:-\"<>"
	word := func() string {
		n := 1 + rng.IntN(12)
		if rng.IntN(10) == 0 {
			n = 30 + rng.IntN(90)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	exact, ambiguous := 0, 0
	for c := 0; c < 400; c++ {
		var words []string
		for n := 5 + rng.IntN(40); n > 0; n-- {
			words = append(words, word())
		}
		sep := " "
		if rng.IntN(8) == 0 {
			sep = "  "
		}
		value := strings.Join(words, sep)
		width := 60 + rng.IntN(160)
		hard := rng.IntN(3) == 0
		field := width - 21
		var parts []string
		if hard {
			parts = psHardSplit(value, field)
		} else {
			parts = psWordWrap(value, field)
		}
		// A cut without word wrap right before a blank looks like a line break of a value
		// whose next line starts with blanks, in any file.
		cutBeforeBlank := false
		for _, p := range parts[1:] {
			if hard && strings.HasPrefix(p, " ") {
				cutBeforeBlank = true
			}
		}
		lines := []string{"", "", "Name               : EX01", "Banner             : ", "Comment            : " + parts[0]}
		for _, p := range parts[1:] {
			lines = append(lines, strings.Repeat(" ", 21)+p)
		}
		lines = append(lines, "Enabled            : True", "", "", "")
		for _, trim := range []bool{false, true} {
			ls := lines
			if trim {
				ls = make([]string, len(lines))
				for i, l := range lines {
					ls[i] = strings.TrimRight(l, " ")
				}
			}
			f, err := Read("r.txt", strings.NewReader(strings.Join(ls, "\r\n")))
			if err != nil {
				t.Fatal(err)
			}
			p, _ := f.Objects[0].Get("Comment")
			switch {
			case p.Value.Text == value && p.Lossy == "":
				exact++
			case (trim || cutBeforeBlank) && p.Lossy == LossyAmbiguousWrap:
				ambiguous++
			default:
				t.Errorf("case %d (width %d, hard %v, trimmed %v):\n got %q (%s)\nwant %q\nlines %q", c, width, hard, trim, p.Value.Text, p.Lossy, value, ls)
			}
		}
	}
	t.Logf("%d exact, %d marked ambiguous", exact, ambiguous)
}
