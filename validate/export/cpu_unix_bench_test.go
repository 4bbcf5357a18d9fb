//go:build unix

package export

import (
	"syscall"
	"time"
)

// benchCPU returns the CPU time (user + system, all threads) this process has used, so a
// benchmark can report throughput per CPU second as well as per wall second: on a machine shared
// with other jobs the wall clock measures the queue, not the code.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
