package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// writeFileAtomic writes data beside path, flushes it and renames it over path.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".certswap-*")
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
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// writeNewDir writes files into a new folder dir (which must not exist or be empty): into a
// temporary folder beside it first, renamed when complete.
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
	parent := filepath.Dir(filepath.Clean(dir))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".certswap-*")
	if err != nil {
		return fileError(dir, unwrapPathError(err))
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
