package export

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// benchFixture returns a fixture's text as UTF-8, whatever encoding it was saved in.
func benchFixture(b *testing.B, rel string) string {
	data, err := os.ReadFile(filepath.Join("../../testdata/exports", rel))
	if err != nil {
		b.Fatal(err)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
		}
		return string(utf16.Decode(u))
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	}
	return string(data)
}

// benchUTF16 is text as Windows PowerShell 5.1 writes it: UTF-16 LE with a BOM.
func benchUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	out := make([]byte, 2, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out
}

// repeatTo writes head, then body until about n bytes, then tail.
func repeatTo(head, body, tail string, n int) string {
	var sb strings.Builder
	sb.WriteString(head)
	for sb.Len() < n {
		sb.WriteString(body)
	}
	sb.WriteString(tail)
	return sb.String()
}

var (
	benchRefID = regexp.MustCompile(`(<(?:Obj|Ref)\b[^>]*\bRefId=")(\d+)(")`)
	benchTN    = regexp.MustCompile(`(?s)<TN RefId="(\d+)">.*?</TN>`)
)

// benchCLIXML repeats every object of a CLIXML fixture as Export-Clixml would number them:
// later copies refer to the type names by TNRef and carry RefIds after the earlier ones.
func benchCLIXML(b *testing.B, rel string, n int) string {
	text := benchFixture(b, rel)
	start := strings.Index(text, "<Obj ")
	end := strings.LastIndex(text, "</Objs>")
	if start < 0 || end < 0 {
		b.Fatalf("%s: no objects", rel)
	}
	body := text[start:end]
	refs := 0
	for _, m := range benchRefID.FindAllStringSubmatch(body, -1) {
		k, _ := strconv.Atoi(m[2])
		refs = max(refs, k+1)
	}
	later := benchTN.ReplaceAllString(body, `<TNRef RefId="$1" />`)
	var sb strings.Builder
	sb.WriteString(text[:start])
	for i := 0; sb.Len() < n; i++ {
		o := body
		if i > 0 {
			o = later
		}
		sb.WriteString(benchRefID.ReplaceAllStringFunc(o, func(m string) string {
			p := benchRefID.FindStringSubmatch(m)
			k, _ := strconv.Atoi(p[2])
			return p[1] + strconv.Itoa(i*refs+k) + p[3]
		}))
	}
	sb.WriteString(text[end:])
	return sb.String()
}

// benchInputs builds about size bytes of each export format from the committed fixtures.
func benchInputs(b *testing.B, size int) []struct{ format, text string } {
	list := strings.Trim(benchFixture(b, "list/get-receiveconnector.utf8.crlf.txt"), "\r\n") + "\r\n\r\n"

	table := benchFixture(b, "table/get-receiveconnector.utf8.lf.txt")
	dash := strings.Index(table, "\n--")
	rows := dash + 1 + strings.Index(table[dash+1:], "\n") + 1
	tableBody := strings.TrimRight(table[rows:], "\n") + "\n"

	js := strings.TrimSpace(benchFixture(b, "json/receive-connector-ps51.json"))
	jsBody := strings.TrimSpace(js[1 : len(js)-1])

	csv := benchFixture(b, "csv/receive-connector-ps51.csv")
	hdr := strings.Index(csv, "\n") + 1
	hdr += strings.Index(csv[hdr:], "\n") + 1
	csvBody := csv[hdr:]
	if !strings.HasSuffix(csvBody, "\n") {
		csvBody += "\r\n"
	}

	netsh := benchFixture(b, "netsh/adfs-node.txt")
	at := strings.Index(netsh, "    Hostname:port")

	return []struct{ format, text string }{
		{FormatList, repeatTo("\r\n\r\n", list, "\r\n", size)},
		{FormatTable, repeatTo(table[:rows], tableBody, "\n\n", size)},
		{FormatClixml, benchCLIXML(b, "clixml/receive-connector.xml", size)},
		{FormatJSON, "[" + strings.TrimSuffix(repeatTo("", jsBody+",\r\n", "", size), ",\r\n") + "]"},
		{FormatCSV, repeatTo(csv[:hdr], csvBody, "", size)},
		{FormatNetsh, repeatTo(netsh[:at], netsh[at:], "", size)},
	}
}

// BenchmarkReadFormat measures export.Read, detection and decoding included, for every format
// in UTF-8 and in UTF-16 LE with BOM (as Windows PowerShell 5.1 writes files), in MB/s of the
// bytes on disk. Issue 8's targets: Format-List 200 MB/s (UTF-8) and 100 MB/s (UTF-16 LE).
func BenchmarkReadFormat(b *testing.B) {
	for _, in := range benchInputs(b, 4<<20) {
		for _, enc := range []struct {
			name string
			data []byte
		}{{"UTF-8", []byte(in.text)}, {"UTF-16LE", benchUTF16(in.text)}} {
			b.Run(fmt.Sprintf("%s/%s", in.format, enc.name), func(b *testing.B) {
				f, err := Read("bench", bytes.NewReader(enc.data))
				if err != nil {
					b.Fatal(err)
				}
				if f.Format != in.format || len(f.Objects) == 0 {
					b.Fatalf("read as %s with %d objects", f.Format, len(f.Objects))
				}
				b.SetBytes(int64(len(enc.data)))
				b.ReportAllocs()
				b.ResetTimer()
				cpu, runs := benchCPU(), 0
				for b.Loop() {
					if _, err := Read("bench", bytes.NewReader(enc.data)); err != nil {
						b.Fatal(err)
					}
					runs++
				}
				reportCPUThroughput(b, cpu, runs, len(enc.data))
				b.ReportMetric(float64(len(f.Objects)), "objects")
			})
		}
	}
}

// reportCPUThroughput adds cpuMB/s: megabytes read per CPU second (user + system, every thread,
// GC included) since cpu0. On an idle 2-core machine wall-clock MB/s is at least about this.
func reportCPUThroughput(b *testing.B, cpu0 time.Duration, runs, size int) {
	if cpu := benchCPU() - cpu0; cpu > 0 && runs > 0 {
		b.ReportMetric(float64(runs)*float64(size)/1e6/cpu.Seconds(), "cpuMB/s")
	}
}

// BenchmarkStreamFormatList is Format-List read as certswap reads a 1 GB export: Stream hands each
// object to the callback, which drops it.
func BenchmarkStreamFormatList(b *testing.B) {
	in := benchInputs(b, 16<<20)[0]
	for _, enc := range []struct {
		name string
		data []byte
	}{{"UTF-8", []byte(in.text)}, {"UTF-16LE", benchUTF16(in.text)}} {
		b.Run(enc.name, func(b *testing.B) {
			b.SetBytes(int64(len(enc.data)))
			b.ReportAllocs()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			alloc0 := ms.TotalAlloc
			cpu, runs := benchCPU(), 0
			for b.Loop() {
				objs := 0
				if _, err := Stream("bench", bytes.NewReader(enc.data), func(*Object) error { objs++; return nil }); err != nil || objs == 0 {
					b.Fatal(err, objs)
				}
				runs++
			}
			reportCPUThroughput(b, cpu, runs, len(enc.data))
			runtime.ReadMemStats(&ms)
			if runs > 0 {
				// Bytes allocated per byte read: what sets how often a streaming process collects.
				b.ReportMetric(float64(ms.TotalAlloc-alloc0)/float64(runs)/float64(len(enc.data)), "allocB/B")
			}
		})
	}
}

// BenchmarkDecode measures the text decoders alone (encoding detection, the checks, and the
// conversion to UTF-8) on the Format-List input, in MB/s of the bytes on disk: UTF-8, UTF-16 LE
// and BE with BOM, and Windows-1252.
func BenchmarkDecode(b *testing.B) {
	text := benchInputs(b, 8<<20)[0].text
	utf16be := benchUTF16(text)
	utf16be[0], utf16be[1] = 0xFE, 0xFF
	for i := 2; i+1 < len(utf16be); i += 2 {
		utf16be[i], utf16be[i+1] = utf16be[i+1], utf16be[i]
	}
	cp := []byte(text)
	for i := 0; i < len(cp); i += 97 {
		if cp[i] == 'a' {
			cp[i] = 0xE4 // ä in Windows-1252, not UTF-8
		}
	}
	for _, enc := range []struct {
		name, want string
		data       []byte
	}{
		{"UTF-8", EncUTF8, []byte(text)},
		{"UTF-16LE", EncUTF16LEBOM, benchUTF16(text)},
		{"UTF-16BE", EncUTF16BEBOM, utf16be},
		{"Windows-1252", EncWindows1252, cp},
	} {
		b.Run(enc.name, func(b *testing.B) {
			b.SetBytes(int64(len(enc.data)))
			b.ReportAllocs()
			cpu, runs := benchCPU(), 0
			for b.Loop() {
				tr, err := newTextReader(bytes.NewReader(enc.data))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, tr); err != nil {
					b.Fatal(err)
				}
				if tr.Encoding() != enc.want {
					b.Fatalf("encoding %s, want %s", tr.Encoding(), enc.want)
				}
				runs++
			}
			reportCPUThroughput(b, cpu, runs, len(enc.data))
		})
	}
}
