package validate

import (
	"fmt"
	"testing"

	"certswap/validate/export"
)

// benchInput has n objects: n/2 receive connectors spread over n/100+1 servers (a third on the
// old string, a third on the new one, a third on an unrelated certificate) with each server's
// certificate export, and n/2 WAP applications (half on the old thumbprint).
func benchInput(n int) *Input {
	in := adfsBase()
	in.New.Subject, in.New.Issuer = mailSubject, sectigoIssuer
	in.New.DNSNames = append(in.New.DNSNames, "mail.contoso.com")
	servers := n/100 + 1
	rc := &export.File{Name: "Get-ReceiveConnector.txt"}
	certs := &export.File{Name: "Get-ExchangeCertificate.txt"}
	for s := 0; s < servers; s++ {
		name := fmt.Sprintf("EX%03d", s)
		o := exchangeCert(name, tpOld, mailSubject, comodoIssuer, "IMAP, POP, IIS, SMTP", "False", s*10+1)
		o.File = certs.Name
		certs.Objects = append(certs.Objects, o)
	}
	for i := 0; i < n/2; i++ {
		server := fmt.Sprintf("EX%03d", i%servers)
		v := []string{oldName, newName, "<I>CN=Contoso Issuing CA, DC=contoso, DC=com<S>CN=relay.contoso.com"}[i%3]
		o := receiveConnector(server, fmt.Sprintf("Connector %d", i), i*10+1, v, "mail.contoso.com")
		o.File = rc.Name
		rc.Objects = append(rc.Objects, o)
	}
	apps := &export.File{Name: "Get-WebApplicationProxyApplication.txt"}
	for i := 0; i < n/2; i++ {
		tp := tpOld
		if i%2 == 1 {
			tp = tpOther
		}
		apps.Objects = append(apps.Objects, wapApp(fmt.Sprintf("App %d", i), fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
			fmt.Sprintf("https://app%d.contoso.com/", i%50), tp, i*6+1))
	}
	in.Exports = []*export.File{rc, certs, apps}
	return in
}

func BenchmarkRun(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			in := benchInput(n)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cp := *in
				if _, err := Run(&cp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
