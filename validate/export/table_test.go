package export

import (
	"bufio"
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestFormatTableCases(t *testing.T) {
	type cell struct{ value, lossy string }
	cases := []struct {
		name string
		in   string
		cols []string
		rows [][]cell
		kind Kind
	}{
		{
			// The shape of the Get-AdfsSslCertificate example (adfsssl-1): a right-aligned number
			// column and a host name cut to its column.
			name: "adfs ssl table, right-aligned port, cut host name",
			in: "\nHostName                         PortNumber CertificateHash\n" +
				"--------                         ---------- ---------------\n" +
				"sts.contoso100.com                      443 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\n" +
				"localhost                               443 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\n" +
				"sts.contoso100.com                    49443 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\n" +
				"EnterpriseRegistration.contos...        443 4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\n\n\n",
			cols: []string{"HostName", "PortNumber", "CertificateHash"},
			rows: [][]cell{
				{{"sts.contoso100.com", ""}, {"443", ""}, {"4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}},
				{{"localhost", ""}, {"443", ""}, {"4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}},
				{{"sts.contoso100.com", ""}, {"49443", ""}, {"4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}},
				{{"EnterpriseRegistration.contos...", LossyTruncatedCell}, {"443", ""}, {"4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D", ""}},
			},
			kind: KindAdfsSslCertificate,
		},
		{
			// Get-ExchangeCertificate's default view: the Services letter code ends in dots without
			// being cut; the last column is cut at the table width ("…" in PowerShell 7).
			name: "exchange certificate table, services code, last column cut",
			in: "\nThumbprint                                Services   Subject\n" +
				"----------                                --------   -------\n" +
				"3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908  IP.WS..    CN=mail.contoso.com, OU=Domain Contr…\n" +
				"0F9E8D7C6B5A49382716051F2E3D4C5B6A798897  .......    CN=WMSvc-SHA2-EX01\n",
			cols: []string{"Thumbprint", "Services", "Subject"},
			rows: [][]cell{
				{{"3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908", ""}, {"IP.WS..", ""}, {"CN=mail.contoso.com, OU=Domain Contr…", LossyTruncatedCell}},
				{{"0F9E8D7C6B5A49382716051F2E3D4C5B6A798897", ""}, {".......", ""}, {"CN=WMSvc-SHA2-EX01", ""}},
			},
			kind: KindExchangeCertificate,
		},
		{
			name: "receive connector table with a collection and an empty cell",
			in: "Identity                           Bindings                  Enabled\n" +
				"--------                           --------                  -------\n" +
				"EX01\\Default Frontend EX01         {[::]:25, 0.0.0.0:25}     True\n" +
				"EX01\\Client Frontend EX01          {}\n" +
				"EX02\\Default EX02                  {a:2, b:2, c:2, d:2...}   True\n",
			cols: []string{"Identity", "Bindings", "Enabled"},
			rows: [][]cell{
				{{`EX01\Default Frontend EX01`, ""}, {"{[::]:25, 0.0.0.0:25}", ""}, {"True", ""}},
				{{`EX01\Client Frontend EX01`, ""}, {"{}", ""}, {"", ""}},
				{{`EX02\Default EX02`, ""}, {"{a:2, b:2, c:2, d:2...}", LossyTruncatedCollection}, {"True", ""}},
			},
			kind: KindReceiveConnector,
		},
		{
			// exchcert-4: the underline is gone and the thumbprint masked; the columns still
			// line up with the header words.
			name: "table without its underline, aligned (exchcert-4)",
			in: "Thumbprint                                Services   Subject\n" +
				"BBA9F942****************************612E  IP.WS..    CN=mail.contoso.com, O=Contoso, L=NY, S...\n" +
				"0F9E8D7C6B5A49382716051F2E3D4C5B6A798897  .......    CN=WMSvc-SHA2-EX01\n",
			cols: []string{"Thumbprint", "Services", "Subject"},
			rows: [][]cell{
				{{"BBA9F942****************************612E", LossyMasked}, {"IP.WS..", ""}, {"CN=mail.contoso.com, O=Contoso, L=NY, S...", LossyTruncatedCell}},
				{{"0F9E8D7C6B5A49382716051F2E3D4C5B6A798897", ""}, {".......", ""}, {"CN=WMSvc-SHA2-EX01", ""}},
			},
			kind: KindExchangeCertificate,
		},
		{
			// rc-3: underline gone and padding collapsed: cells by words, collections whole.
			name: "table without underline or padding (rc-3)",
			in: "Identity Bindings Enabled\n" +
				"EX01\\Default {[::]:25, 0.0.0.0:25} True\n" +
				"EX01\\Client {[::]:587, 0.0.0.0:587} True\n",
			cols: []string{"Identity", "Bindings", "Enabled"},
			rows: [][]cell{
				{{`EX01\Default`, ""}, {"{[::]:25, 0.0.0.0:25}", ""}, {"True", ""}},
				{{`EX01\Client`, ""}, {"{[::]:587, 0.0.0.0:587}", ""}, {"True", ""}},
			},
			kind: KindReceiveConnector,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := readString(t, c.in)
			if f.Format != FormatTable {
				t.Errorf("format %q", f.Format)
			}
			if len(f.Objects) != len(c.rows) {
				t.Fatalf("%d rows, want %d", len(f.Objects), len(c.rows))
			}
			for i, row := range c.rows {
				o := f.Objects[i]
				if o.Kind != c.kind {
					t.Errorf("row %d kind %q", i, o.Kind)
				}
				for j, want := range row {
					p := o.Properties[j]
					if p.Name != c.cols[j] || p.Value.Text != want.value || p.Lossy != want.lossy {
						t.Errorf("row %d col %d = %q %q %q, want %q %q %q", i, j, p.Name, p.Value.Text, p.Lossy, c.cols[j], want.value, want.lossy)
					}
				}
			}
		})
	}
}

// FuzzFormatTable feeds tables straight to the line reader: no panic, and every row has one
// property per column.
func FuzzFormatTable(f *testing.F) {
	seedFiles(f, "table/*.utf8.lf.txt")
	f.Add([]byte("A B\n- -\n1 2\n"))
	f.Add([]byte("Name        Port\n----        ----\nx…           443\n"))
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
