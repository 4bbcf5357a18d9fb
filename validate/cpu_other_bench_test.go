//go:build !unix

package validate

import "time"

// benchCPU is zero where getrusage is missing; benchmarks then skip their CPU-time metrics.
func benchCPU() time.Duration { return 0 }
