//go:build !linux

package main

import "os/exec"

// runPeakRSS runs cmd; its peak RSS is not measured here (no /proc/PID/status).
func runPeakRSS(cmd *exec.Cmd) (int64, bool, error) { return 0, false, cmd.Run() }
