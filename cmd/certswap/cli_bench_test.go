package main

import (
	"bytes"
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
