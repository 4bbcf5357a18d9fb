package export

import "testing"

func TestDetectFormat(t *testing.T) {
	cases := []struct{ in, want string }{
		{"\ufeff<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">", FormatClixml},
		{"{\n    \"Identity\":  \"EX01\\\\Default\"\n}", FormatJSON},
		{"[\n    {\n", FormatJSON},
		{"[]", FormatJSON},
		{"[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl\n", FormatList},
		{"#TYPE Selected.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\n", FormatCSV},
		{"\"Identity\",\"Bindings\"\n", FormatCSV},
		{"\"Identity\";\"Bindings\"\n", FormatCSV},
		{"Identity,Bindings,Enabled\r\n", FormatCSV},
		{"\n\nName     : EX01\n", FormatList},
		{"HostName PortNumber CertificateHash\n-------- ---------- ---------------\n", FormatList},
		{"\nSSL Certificate bindings:\n-------------------------\n", FormatList},
		{"", FormatList},
	}
	for _, c := range cases {
		if got := detectFormat([]byte(c.in)); got != c.want {
			t.Errorf("detectFormat(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLineShapes(t *testing.T) {
	prompts := map[string]bool{
		`[PS] C:\Windows\system32>Get-ReceiveConnector | fl`: true,
		`PS C:\Users\admin> Get-AdfsSslCertificate`:          true,
		`C:\>netsh http show sslcert`:                        true,
		`Name : C:\>x`:                                       false,
		`Identity : EX01\Default`:                            false,
		`PS is a shell`:                                      false,
	}
	for in, want := range prompts {
		if got := isPrompt(in); got != want {
			t.Errorf("isPrompt(%q) = %v", in, got)
		}
	}
	labels := map[string]int{
		"Name     : EX01":      9,
		"Banner   :":           9,
		"Banner   : ":          9,
		"Url : http://x:80/ a": 4,
		" Name : x":            -1,
		"Name: x":              -1,
		"http://x : y":         -1, // "http:" has no blank before its colon: not a label
		"RejectReservedSecondLevelRecipientDomains : False": 42,
	}
	for in, want := range labels {
		col, ok := labelColon(in)
		if !ok {
			col = -1
		}
		if col != want {
			t.Errorf("labelColon(%q) = %d, want %d", in, col, want)
		}
	}
	for in, want := range map[string]bool{"-------- ----------": true, "---": true, "- x": false, " ---": false, "": false} {
		if got := isDashLine(in); got != want {
			t.Errorf("isDashLine(%q) = %v", in, got)
		}
	}
	for in, want := range map[string]int{"abc": 3, "Zürich": 6, "𝄞x": 3, "": 0, "0123456789abcdef": 16} {
		if got := cells(in); got != want {
			t.Errorf("cells(%q) = %d, want %d", in, got, want)
		}
	}
}

// TestStripEscapes removes CSI sequences and two-byte ESC sequences; the character after a lone
// ESC goes with all of its bytes, so the line stays UTF-8.
func TestStripEscapes(t *testing.T) {
	cases := []struct{ in, want string }{
		{"\x1b[32;1mName\x1b[0m : a", "Name : a"},
		{"a\x1b7b", "ab"},
		{"a\x1bäb", "ab"},
		{"a\x1b€b", "ab"},
		{"a\x1b", "a"},
		{"a\x1b[12", "a"},
	}
	for _, c := range cases {
		if got := string(stripEscapes([]byte(c.in))); got != c.want {
			t.Errorf("stripEscapes(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
