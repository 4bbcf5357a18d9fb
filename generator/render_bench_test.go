package generator

import (
	"fmt"
	"testing"

	"certswap/validate/export"
)

// fleetStory is the Exchange field story at fleet scale: servers Exchange servers with
// perServer receive connectors each still naming the old certificate, plus the send connector and
// the hybrid configuration.
func fleetStory(servers, perServer int) Input {
	in := exchangeStory()
	in.Changes = in.Changes[:0:0]
	for s := 0; s < servers; s++ {
		srv := fmt.Sprintf("EX%03d", s+1)
		in.Changes = append(in.Changes, Change{Product: "exchange", Server: srv, Kind: export.KindExchangeCertificate,
			Identity: newThumb, Property: "Services", Old: "None", New: "IIS, SMTP", File: "exports/" + srv + "/Get-ExchangeCertificate.xml"})
		for c := 0; c < perServer; c++ {
			id := fmt.Sprintf(`%s\Frontend %03d %s`, srv, c, srv)
			in.Changes = append(in.Changes, Change{Product: "exchange", Server: srv, Kind: export.KindReceiveConnector, Identity: id,
				Property: "TlsCertificateName", Old: oldTLS, New: newTLS, File: "exports/" + srv + "/Get-ReceiveConnector.xml", Line: c*80 + 3})
		}
	}
	ex := exchangeStory()
	in.Changes = append(in.Changes, ex.Changes[3:]...) // send connector, hybrid configuration
	return in
}

// BenchmarkRenderFleet renders every runbook, rollback and the ticket for N Exchange servers with
// ten receive connectors each (the plan built outside the loop; templates parsed on first use).
func BenchmarkRenderFleet(b *testing.B) {
	for _, servers := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("servers=%d", servers), func(b *testing.B) {
			p, err := BuildPlan(fleetStory(servers, 10))
			if err != nil {
				b.Fatal(err)
			}
			files, err := Render(p)
			if err != nil {
				b.Fatal(err)
			}
			size := 0
			for _, f := range files {
				size += len(f.Data)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Render(p); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(files)), "files")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*servers), "ns/server")
		})
	}
}

// BenchmarkRenderStories renders each field story's runbooks once per iteration.
func BenchmarkRenderStories(b *testing.B) {
	for _, s := range []struct {
		name string
		in   func() Input
	}{{"exchange", exchangeStory}, {"adfs-wap", adfsWAPStory}, {"edge", edgeStory}} {
		b.Run(s.name, func(b *testing.B) {
			p, err := BuildPlan(s.in())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Render(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
