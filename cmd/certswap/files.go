package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// writeFileAtomic writes data beside path, flushes it and renames it over path.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	return writeFileAtomicFunc(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFileAtomicFunc writes a file through write, buffered, into a temporary file beside path
// (see createTemp), flushes it and renames it over path; on any failure the temporary file is
// removed and path is untouched.
func writeFileAtomicFunc(path string, mode os.FileMode, write func(io.Writer) error) error {
	tmp, err := createTemp(path)
	if err != nil {
		return unwrapPathError(err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if !flockAvailable {
		// No lock to hold, and Windows refuses to rename an open file.
		if err := tmp.Close(); err != nil {
			return err
		}
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	// The lock is held until after the rename; the data is already synced, so a failing close
	// changes nothing of the file now at path.
	tmp.Close()
	return nil
}

// Temporary files. A run that writes path does so through "." + base(path) + ".certswap-" +
// decimal digits beside it (os.CreateTemp's and os.MkdirTemp's pattern; a folder for
// writeNewDir), and holds an exclusive flock(2) on it from just after creating it until it has
// been renamed over path. A run that is killed leaves its temporary behind, and the kernel drops
// its lock. So the next run writing the same path can tell such a leftover from one another run
// is writing right now, and removes it: only one whose name has exactly that form for that
// path, owned by the user running certswap, of the shape certswap writes, and on which it can
// take the lock itself (see removeStaleTemps). Where flock is not available (other systems,
// some network file systems) nothing is removed.

// tempPattern is os.CreateTemp's pattern for path's temporary files.
func tempPattern(path string) string { return "." + filepath.Base(path) + ".certswap-*" }

// isTempName reports whether name is certswap's temporary-file name for a target named base:
// "." + base + ".certswap-" and the 1 to 10 decimal digits os.CreateTemp puts for "*".
func isTempName(name, base string) bool {
	prefix := "." + base + ".certswap-"
	digits, ok := strings.CutPrefix(name, prefix)
	if !ok || len(digits) == 0 || len(digits) > 10 {
		return false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// createTemp creates the temporary file for writing path, locked (see above), and then removes
// the abandoned temporary files of path that earlier, killed runs left.
func createTemp(path string) (*os.File, error) {
	return newLockedTemp(path, false, os.CreateTemp)
}

// createTempDir is createTemp for a folder: it returns the new folder, opened, holding its lock.
func createTempDir(path string) (*os.File, error) {
	return newLockedTemp(path, true, func(dir, pattern string) (*os.File, error) {
		name, err := os.MkdirTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(name)
		if err != nil {
			os.Remove(name)
			return nil, err
		}
		return f, nil
	})
}

func newLockedTemp(path string, folder bool, create func(dir, pattern string) (*os.File, error)) (*os.File, error) {
	path = filepath.Clean(path)
	for attempt := 0; ; attempt++ {
		tmp, err := create(filepath.Dir(path), tempPattern(path))
		if err != nil {
			return nil, err
		}
		// Between creating it and locking it, another run's clean-up may have taken it for an
		// abandoned one and removed it: then start again with a new one.
		if lockHeld(tmp) || attempt >= 10 {
			removeStaleTemps(path, tmp.Name(), folder)
			return tmp, nil
		}
		tmp.Close()
	}
}

// lockHeld takes the lock on a new temporary file and says whether it now holds it on the file
// its name still refers to. Where locks are not supported it returns true: there is nothing to
// hold, and removeStaleTemps removes nothing.
func lockHeld(f *os.File) bool {
	locked, supported := tryLock(f)
	if !supported {
		return true
	}
	if !locked {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	li, err := os.Lstat(f.Name())
	return err == nil && os.SameFile(fi, li)
}

// removeStaleTemps removes path's temporary files (folders when folder is true) other than keep
// that no running process holds: each is opened, locked without waiting, checked to be still
// what its name refers to and owned by this user — a regular file with one link, or a folder
// holding only regular files, as certswap writes them — and removed while locked. Anything else
// is left alone, and errors are ignored: clean-up never stops a run.
func removeStaleTemps(path, keep string, folder bool) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, ent := range ents {
		name := filepath.Join(dir, ent.Name())
		if !isTempName(ent.Name(), base) || name == keep || ent.IsDir() != folder || !(ent.Type().IsRegular() || ent.IsDir()) {
			continue
		}
		removeIfAbandoned(name, folder)
	}
}

// removeIfAbandoned removes one temporary file or folder when it can prove it abandoned (see
// removeStaleTemps).
func removeIfAbandoned(name string, folder bool) {
	f, err := os.OpenFile(name, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return
	}
	defer f.Close()
	if locked, _ := tryLock(f); !locked {
		return // another run is writing it, or locks do not work here
	}
	fi, err := f.Stat()
	if err != nil || !ownedBySelf(fi) {
		return
	}
	li, err := os.Lstat(name)
	if err != nil || !os.SameFile(fi, li) {
		return
	}
	switch {
	case !folder && fi.Mode().IsRegular() && linkCount(fi) == 1:
		os.Remove(name)
	case folder && fi.IsDir():
		ents, err := f.ReadDir(-1)
		if err != nil {
			return
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				return
			}
		}
		for _, e := range ents {
			os.Remove(filepath.Join(name, e.Name()))
		}
		os.Remove(name)
	}
}

// writeNewDir writes files into a new folder dir (which must not exist or be empty): into a
// temporary folder beside it first (see createTempDir), renamed when complete.
func writeNewDir(dir string, files map[string][]byte, force bool) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fileError(dir, fmt.Errorf("exists and is not a folder"))
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return fileError(dir, unwrapPathError(err))
		}
		if len(ents) > 0 && !force {
			return fileError(dir, fmt.Errorf("folder exists and is not empty (use a new folder)"))
		}
	}
	lock, err := createTempDir(dir)
	if err != nil {
		return fileError(dir, unwrapPathError(err))
	}
	tmp := lock.Name()
	if flockAvailable {
		defer lock.Close() // after the rename: the lock goes with the folder
	} else {
		lock.Close() // no lock to hold, and Windows refuses to rename an open folder
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(tmp, n), files[n], 0o644); err != nil {
			return fileError(dir, err)
		}
	}
	os.Remove(dir) // an empty folder may stand there
	if err := os.Rename(tmp, dir); err != nil {
		return fileError(dir, unwrapPathError(err))
	}
	done = true
	return nil
}
