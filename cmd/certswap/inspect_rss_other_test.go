//go:build !linux

package main

import "os"

// peakRSS: not measured here (units and availability differ by system).
func peakRSS(ps *os.ProcessState) (int64, bool) { return 0, false }
