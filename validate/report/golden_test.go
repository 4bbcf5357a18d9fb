package report

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"certswap/validate"
	"certswap/validate/cert"
	"certswap/validate/export"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/checks/golden")

const (
	tpNewADFS = "5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7081"
	tpOther   = "1111222233334444555566667777888899990000"
)

func obj(kind export.Kind, server, file string, line int, kv ...string) *export.Object {
	o := &export.Object{Kind: kind, Server: server, File: file, Line: line}
	for i := 0; i+1 < len(kv); i += 2 {
		o.Properties = append(o.Properties, prop(kv[i], kv[i+1], line+i/2))
	}
	o.Identity = kv[1]
	return o
}

// adfsStoryReport runs validate on DESIGN.md's AD FS/WAP story: Service-Communications already on
// the new certificate, HTTP.sys bindings still on the old one, three published applications (one the
// federation rule) on the old thumbprint and one on an unrelated certificate.
func adfsStoryReport(t *testing.T) *validate.Report {
	t.Helper()
	app := func(name, id, url, tp string, line int) *export.Object {
		return obj(export.KindWapApplication, "", "Get-WebApplicationProxyApplication.xml", line,
			"Name", name, "ID", id, "ExternalUrl", url, "ExternalCertificateThumbprint", tp)
	}
	ssl := func(host, port string, line int) *export.Object {
		return obj(export.KindAdfsSslCertificate, "ADFS01", "ADFS01/Get-AdfsSslCertificate.xml", line, "HostName", host, "PortNumber", port, "CertificateHash", tpOld)
	}
	in := &validate.Input{
		New: &cert.Certificate{Thumbprint: tpNewADFS, Subject: "CN=sts.contoso.com", Issuer: sectigo,
			NotBefore: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2027, 11, 30, 0, 0, 0, 0, time.UTC),
			DNSNames:     []string{"sts.contoso.com", "enterpriseregistration.contoso.com", "owa.contoso.com", "apps.contoso.com"},
			KeyAlgorithm: "RSA", KeySize: 2048, SignatureAlgorithm: "SHA256-RSA", HasPrivateKey: true},
		NewFile: "sts.pfx", NewChain: []*cert.Certificate{{Subject: sectigo}}, At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		Exports: []*export.File{
			{Name: "ADFS01/Get-AdfsProperties.xml", Objects: []*export.Object{obj(export.KindAdfsProperties, "ADFS01", "ADFS01/Get-AdfsProperties.xml", 5, "HostName", "sts.contoso.com", "TlsClientPort", "49443")}},
			{Name: "ADFS01/Get-AdfsCertificate.xml", Objects: []*export.Object{obj(export.KindAdfsCertificate, "ADFS01", "ADFS01/Get-AdfsCertificate.xml", 5, "CertificateType", "Service-Communications", "Thumbprint", tpNewADFS)}},
			{Name: "ADFS01/Get-AdfsSslCertificate.xml", Objects: []*export.Object{ssl("sts.contoso.com", "443", 5), ssl("localhost", "443", 13), ssl("sts.contoso.com", "49443", 21)}},
			{Name: "Get-WebApplicationProxyApplication.xml", Objects: []*export.Object{
				app("Outlook Web App", "1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "https://owa.contoso.com/owa/", tpOld, 5),
				app("ADFS", "6c0d2a4e-8f1b-4c3d-a5e6-f7a8b9c0d1e2", "https://sts.contoso.com/adfs/", tpOld, 20),
				app("Intranet", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b", "https://apps.contoso.com/", tpOld, 35),
				app("Partner portal", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "https://partner.fabrikam.com/", tpOther, 50),
			}},
		},
	}
	r, err := validate.Run(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestADFSStoryFormats(t *testing.T) {
	r := adfsStoryReport(t)
	var b bytes.Buffer
	WriteText(&b, r, false)
	out := b.String()
	for _, id := range []string{"1b2c5f3e-6f7a-4b8c-9d0e-1f2a3b4c5d6e", "6c0d2a4e-8f1b-4c3d-a5e6-f7a8b9c0d1e2", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"} {
		if !strings.Contains(out, "    fix: Set-WebApplicationProxyApplication -ID '"+id+"' -ExternalCertificateThumbprint '"+tpNewADFS+"'\n") {
			t.Errorf("no fix for application %s", id)
		}
	}
	if strings.Contains(out, "Partner portal") || strings.Contains(out, "0a1b2c3d-4e5f") {
		t.Error("the unrelated application was not left alone")
	}
	if strings.Count(out, "    fix: Set-AdfsSslCertificate -Thumbprint '"+tpNewADFS+"'\n") < 3 {
		t.Errorf("bindings not fixed:\n%s", out)
	}
	b.Reset()
	WriteJUnit(&b, r, validate.SeverityWarning)
	var doc junitDoc
	if err := xml.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// 3 bindings + 3 applications are warnings; the Service-Communications mismatch is a notice.
	if doc.Failures != 6 {
		t.Errorf("%d failures, want 6", doc.Failures)
	}
	b.Reset()
	WriteSARIF(&b, r)
	inst, _ := jsonschemaUnmarshal(b.Bytes())
	if err := sarifSchema(t).Validate(inst); err != nil {
		t.Errorf("SARIF: %v", err)
	}
}

// TestGolden compares every format of both field stories with testdata/checks/golden. The files
// fix the layout; the values in them are asserted from independent sources by the tests above and
// by package validate's story tests. Refresh with: go test ./validate/report -run TestGolden -update
func TestGolden(t *testing.T) {
	stories := map[string]*validate.Report{"exchange-story": storyReport(t, oldName), "adfs-wap-story": adfsStoryReport(t)}
	for name, r := range stories {
		for _, f := range []struct{ ext, format string }{{"txt", "text"}, {"json", "json"}, {"sarif", "sarif"}, {"junit.xml", "junit"}} {
			var b bytes.Buffer
			if err := Write(&b, r, f.format); err != nil {
				t.Fatal(err)
			}
			// Run twice: the output is deterministic.
			var again bytes.Buffer
			Write(&again, r, f.format)
			if !bytes.Equal(b.Bytes(), again.Bytes()) {
				t.Errorf("%s %s: two writes differ", name, f.format)
			}
			path := filepath.Join("..", "..", "testdata", "checks", "golden", name+"."+f.ext)
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file at line %d (review, then -update)", path, firstDiff(b.String(), string(want)))
			}
		}
	}
}

func firstDiff(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return i + 1
		}
	}
	return len(al) + 1
}
