package validate

import (
	"fmt"
	"testing"
)

// BenchmarkRunPerObject runs the checks over N objects (half receive connectors, half WAP
// applications, benchInput) for N = 1k, 10k, 100k and reports the time per object, which must stay
// flat as N grows (issue 8: no quadratic step; matching goes through maps). ns/object is wall
// time; cpu-ns/object is CPU time (user + system, GC included), steadier on a shared machine.
func BenchmarkRunPerObject(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			in := benchInput(n)
			b.ReportAllocs()
			b.ResetTimer()
			cpu, runs := benchCPU(), 0
			for b.Loop() {
				cp := *in
				rep, err := Run(&cp)
				if err != nil {
					b.Fatal(err)
				}
				if len(rep.Findings) == 0 {
					b.Fatal("no findings")
				}
				runs++
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(runs*n), "ns/object")
			if c := benchCPU() - cpu; c > 0 {
				b.ReportMetric(float64(c.Nanoseconds())/float64(runs*n), "cpu-ns/object")
			}
		})
	}
}
