//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"
)

// flockAvailable: temporaries are locked while written, and stale ones can be proved abandoned.
const flockAvailable = true

// noFollow makes removeIfAbandoned's open refuse a symbolic link.
const noFollow = syscall.O_NOFOLLOW

// tryLock takes an exclusive flock(2) on f without waiting. locked says whether it got it;
// supported is false where the file system has no flock.
func tryLock(f *os.File) (locked, supported bool) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, true
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, true
		}
		return false, false
	}
}

// ownedBySelf reports whether a file belongs to the user running certswap.
func ownedBySelf(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// linkCount returns a file's number of hard links.
func linkCount(fi os.FileInfo) uint64 {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	return uint64(st.Nlink)
}
