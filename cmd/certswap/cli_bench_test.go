package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// benchListFile writes about n bytes of Format-List receive connectors (the committed fixture,
// repeated) into a temporary file, UTF-16 LE with BOM as Windows PowerShell 5.1 writes it.
func benchListFile(b *testing.B, n int) string {
	data, err := os.ReadFile("../../testdata/exports/list/get-receiveconnector.utf8.crlf.txt")
	if err != nil {
		b.Fatal(err)
	}
	body := strings.Trim(string(data), "\r\n") + "\r\n\r\n"
	var sb strings.Builder
	sb.WriteString("\r\n\r\n")
	for sb.Len() < n {
		sb.WriteString(body)
	}
	u := utf16.Encode([]rune(sb.String()))
	out := make([]byte, 2, 2+2*len(u))
	out[0], out[1] = 0xFF, 0xFE
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	path := filepath.Join(b.TempDir(), "Get-ReceiveConnector.txt")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkCLIInspectFormatList is `certswap inspect FILE` on a 16 MiB UTF-16 LE Format-List
// export, output discarded: what compare.sh times against grep -c, without process start-up.
func BenchmarkCLIInspectFormatList(b *testing.B) {
	path := benchListFile(b, 8<<20)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		var stderr bytes.Buffer
		if code := run([]string{"inspect", path}, newEnv(strings.NewReader(""), io.Discard, &stderr)); code != 0 {
			b.Fatal(code, stderr.String())
		}
	}
}

// BenchmarkCLIVersion is `certswap version` inside the process (start-up cost is in compare.sh).
func BenchmarkCLIVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if code := run([]string{"version"}, newEnv(strings.NewReader(""), io.Discard, io.Discard)); code != 0 {
			b.Fatal(code)
		}
	}
}

// benchObjects writes n copies of the first object of a Format-List fixture (UTF-8, CRLF), each
// with its own name: old is replaced by the copy's name in every value.
func benchObjects(b *testing.B, dir, fixture, old string, n int) string {
	data, err := os.ReadFile("../../testdata/exports/list/" + fixture)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.TrimLeft(string(data), "\r\n")
	first := text[:strings.Index(text, "\r\n\r\n")+2]
	var sb strings.Builder
	sb.WriteString("\r\n\r\n")
	for i := 0; i < n; i++ {
		sb.WriteString(strings.ReplaceAll(first, old, fmt.Sprintf("%s %06d", old, i)))
		sb.WriteString("\r\n")
	}
	path := filepath.Join(dir, fixture)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkCLIValidate is `certswap validate --format json` of N receive connectors and N WAP
// applications (complete Format-List objects of the committed fixtures), report discarded.
func BenchmarkCLIValidate(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("objects=%d", 2*n), func(b *testing.B) {
			dir := b.TempDir()
			rc := benchObjects(b, dir, "get-receiveconnector.utf8.crlf.txt", "Default Frontend EX01", n)
			wap := benchObjects(b, dir, "get-webapplicationproxyapplication.utf8.crlf.txt", "OWA", n)
			args := []string{"validate", "--cert", "../../testdata/certs/new-mail.pfx", "--password-env", "PW",
				"--old", "../../testdata/certs/old-mail.cer", "--format", "json", "--fail-on", "never", rc, wap}
			e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
			e.lookupEnv = func(k string) (string, bool) {
				if k == "PW" {
					return "Contoso-Test-1!", true
				}
				return "", false
			}
			b.ReportAllocs()
			for b.Loop() {
				var stderr bytes.Buffer
				e.stderr = &stderr
				if code := run(args, e); code != 0 {
					b.Fatal(code, stderr.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/object")
		})
	}
}

// BenchmarkCLIValidateFiles is `certswap validate` of the exports named in CERTSWAP_BENCH_EXPORTS
// (space-separated; testdata/bench/gen.go writes them), report discarded, once per report format
// (json, text, sarif, junit), for profiling the fleet-scale run of compare.sh inside one process.
// Skipped when the variable is unset; CERTSWAP_BENCH_FORMATS (space-separated) picks formats.
func BenchmarkCLIValidateFiles(b *testing.B) {
	files := strings.Fields(os.Getenv("CERTSWAP_BENCH_EXPORTS"))
	if len(files) == 0 {
		b.Skip("CERTSWAP_BENCH_EXPORTS not set")
	}
	formats := strings.Fields(os.Getenv("CERTSWAP_BENCH_FORMATS"))
	if len(formats) == 0 {
		formats = []string{"json", "text", "sarif", "junit"}
	}
	for _, format := range formats {
		b.Run("format="+format, func(b *testing.B) {
			args := append([]string{"validate", "--cert", "../../testdata/certs/new-mail.pfx", "--password-env", "PW",
				"--old", "../../testdata/certs/old-mail.cer", "--format", format, "--fail-on", "never"}, files...)
			e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
			e.lookupEnv = func(k string) (string, bool) {
				if k == "PW" {
					return "Contoso-Test-1!", true
				}
				return "", false
			}
			b.ReportAllocs()
			for b.Loop() {
				var stderr bytes.Buffer
				e.stderr = &stderr
				if code := run(args, e); code != 0 {
					b.Fatal(code, stderr.String())
				}
			}
		})
	}
}
