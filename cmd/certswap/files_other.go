//go:build !unix

package main

import "os"

// flockAvailable: no flock here; temporaries are closed before they are renamed, as before.
const flockAvailable = false

// noFollow: no O_NOFOLLOW here (removeIfAbandoned never gets past tryLock anyway).
const noFollow = 0

// tryLock: no flock here, so no temporary file is ever proved abandoned and removed.
func tryLock(f *os.File) (locked, supported bool) { return false, false }

// ownedBySelf: not reached where tryLock never locks.
func ownedBySelf(fi os.FileInfo) bool { return false }

// linkCount: not reached where tryLock never locks.
func linkCount(fi os.FileInfo) uint64 { return 0 }
