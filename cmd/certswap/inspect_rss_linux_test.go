//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"time"
)

// runPeakRSS runs cmd and returns its peak resident set size in bytes, the largest VmHWM that
// /proc/PID/status showed while it ran (read every 2 ms; VmHWM only grows, so at most the last
// 2 ms of growth can be missed). The rusage of the finished process is no use here: the
// kernel records in it the high-water mark of the memory the child shared with this (test)
// process until exec, so under -race it reports the test process's own peak.
func runPeakRSS(cmd *exec.Cmd) (int64, bool, error) {
	if err := cmd.Start(); err != nil {
		return 0, false, err
	}
	status := "/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status"
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if hwm, ok := vmHWM(status); ok && hwm > peak {
			peak = hwm
		}
		select {
		case err := <-done:
			return peak, peak > 0, err
		case <-tick.C:
		}
	}
}

// vmHWM reads the VmHWM line (peak RSS, in kB) of a /proc/PID/status file.
func vmHWM(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	_, rest, ok := bytes.Cut(b, []byte("\nVmHWM:"))
	if !ok {
		return 0, false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	line = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB")))
	kb, err := strconv.ParseInt(string(line), 10, 64)
	if err != nil {
		return 0, false
	}
	return kb << 10, true
}
