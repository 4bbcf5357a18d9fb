package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// SignFunc signs one runbook: it gets the file name and its bytes and returns the signed bytes.
type SignFunc func(name string, data []byte) ([]byte, error)

// failAt is the failure-injection hook for tests: Write calls it before each step it takes, with
// the step's name ("build", "write NAME", "sign NAME", "sums", "journal", "swap", "rename-old",
// "rename-new", "remove-old", "done"); an error it returns is taken as that step failing. When the
// error is errCrash, Write returns at once without cleaning up, as if the process had died there.
var failAt = func(step string) error { return nil }

// exchangeDirs is the atomic folder exchange (a variable so that tests can take the two-rename
// path used where there is none).
var exchangeDirs = exchange

// errCrash makes Write stop as a crash would (tests only).
var errCrash = errors.New("simulated crash")

// Names of the work files beside the output folder DIR (".DIR.certswap-new" and so on).
func workNames(dir string) (newDir, oldDir, journal string) {
	parent, base := filepath.Split(filepath.Clean(dir))
	p := func(suffix string) string { return filepath.Join(parent, "."+base+".certswap-"+suffix) }
	return p("new"), p("old"), p("swap")
}

// Write builds the output folder DIR from files: in a new folder beside DIR (directories 0755,
// files 0644), it writes every file, signs every *.ps1 there when sign is not nil, writes
// SHA256SUMS last (listing every other file), and then moves the folder into place. DIR must not
// exist or must be empty; with force an existing DIR is replaced whole: on Linux with one atomic
// renameat2(RENAME_EXCHANGE), elsewhere with two renames, and the old content is then removed. A
// half-done swap left by a crash is finished or undone when Write next runs for the same DIR.
func Write(dir string, files []OutputFile, force bool, sign SignFunc) (err error) {
	if dir == "" {
		return errors.New("no output folder given")
	}
	dir = filepath.Clean(dir)
	if err := checkNames(files); err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if err := recoverSwap(dir); err != nil {
		return fmt.Errorf("%s: finishing an earlier interrupted run: %w", dir, err)
	}
	exists, empty, err := dirState(dir)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if exists && !empty && !force {
		return fmt.Errorf("%s: exists and is not empty (use --force to replace it)", dir)
	}
	newDir, oldDir, journal := workNames(dir)
	crashed := false
	defer func() {
		if err != nil && !crashed {
			os.RemoveAll(newDir)
			err = fmt.Errorf("%s: %w", dir, err)
		}
	}()
	step := func(name string) error {
		e := failAt(name)
		if errors.Is(e, errCrash) {
			crashed = true
		}
		return e
	}
	if e := step("build"); e != nil {
		return e
	}
	if err := os.Mkdir(newDir, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(newDir, 0o755); err != nil { // whatever the umask
		return err
	}
	var written []OutputFile
	for _, f := range files {
		data := f.Data
		if sign != nil && strings.HasSuffix(strings.ToLower(f.Name), ".ps1") {
			if e := step("sign " + f.Name); e != nil {
				return e
			}
			signed, err := sign(f.Name, data)
			if err != nil {
				return fmt.Errorf("%s: sign: %w", f.Name, err)
			}
			data = signed
		}
		if e := step("write " + f.Name); e != nil {
			return e
		}
		if err := writeFile(newDir, f.Name, data); err != nil {
			return err
		}
		written = append(written, OutputFile{Name: f.Name, Data: data})
	}
	if e := step("sums"); e != nil {
		return e
	}
	sums := Sums(written)
	if err := writeFile(newDir, SumsName, sums); err != nil {
		return err
	}
	if err := syncDir(newDir); err != nil {
		return err
	}
	if !exists || empty {
		if e := step("rename-new"); e != nil {
			return e
		}
		if exists {
			if err := os.Remove(dir); err != nil {
				return err
			}
		}
		if err := os.Rename(newDir, dir); err != nil {
			return err
		}
		return syncDir(filepath.Dir(dir))
	}
	// Replace a folder that has content: journal first, so that a crash can be finished or undone.
	if e := step("journal"); e != nil {
		return e
	}
	sum := sha256.Sum256(sums)
	if err := writeJournal(journal, hex.EncodeToString(sum[:])); err != nil {
		return err
	}
	if err := swapInto(dir, newDir, oldDir, step); err != nil {
		if crashed {
			return err
		}
		// Undo what the swap did, if anything: recoverSwap knows how.
		if rerr := recoverSwap(dir); rerr != nil {
			return fmt.Errorf("%w (and undoing it failed: %v)", err, rerr)
		}
		return err
	}
	// The new folder is in place: what remains is removing the old content and the journal,
	// which recoverSwap does (and the next run does again if this fails).
	finish := func() error {
		if err := recoverSwap(dir); err != nil {
			return fmt.Errorf("the new folder is in place, but the old content could not be removed: %w", err)
		}
		return nil
	}
	if e := step("remove-old"); e != nil {
		if crashed {
			return e
		}
		return finish()
	}
	if err := os.RemoveAll(oldDir); err != nil {
		return finish()
	}
	if e := step("done"); e != nil {
		if crashed {
			return e
		}
		return finish()
	}
	if err := os.Remove(journal); err != nil {
		return finish()
	}
	return syncDir(filepath.Dir(dir))
}

// swapInto puts newDir at dir and the old dir at oldDir.
func swapInto(dir, newDir, oldDir string, step func(string) error) error {
	if e := step("swap"); e != nil {
		return e
	}
	if ok, err := exchangeDirs(newDir, dir); ok || err != nil {
		if err != nil {
			return err
		}
		// newDir now holds the old content.
		if e := step("rename-old"); e != nil {
			return e
		}
		return os.Rename(newDir, oldDir)
	}
	// No atomic exchange here: two renames.
	if e := step("rename-old"); e != nil {
		return e
	}
	if err := os.Rename(dir, oldDir); err != nil {
		return err
	}
	if e := step("rename-new"); e != nil {
		return e
	}
	return os.Rename(newDir, dir)
}

// recoverSwap finishes or undoes a swap a crash interrupted, and removes work folders left by an
// interrupted build.
func recoverSwap(dir string) error {
	newDir, oldDir, journal := workNames(dir)
	want, err := os.ReadFile(journal)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		// No swap was under way: a build folder or old content left over is garbage.
		if err := os.RemoveAll(newDir); err != nil {
			return err
		}
		return os.RemoveAll(oldDir)
	case err != nil:
		return err
	}
	id := strings.TrimSpace(string(want))
	done := func(d string) bool {
		b, err := os.ReadFile(filepath.Join(d, SumsName))
		if err != nil {
			return false
		}
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:]) == id
	}
	_, dirErr := os.Lstat(dir)
	switch {
	case dirErr == nil && done(dir):
		// The new folder is in place: finish.
	case errors.Is(dirErr, fs.ErrNotExist) && done(newDir):
		// Between the two renames: finish by moving the new folder in.
		if err := os.Rename(newDir, dir); err != nil {
			return err
		}
	case errors.Is(dirErr, fs.ErrNotExist):
		// The new folder is incomplete: undo by moving the old one back.
		if _, err := os.Lstat(oldDir); err == nil {
			if err := os.Rename(oldDir, dir); err != nil {
				return err
			}
		}
	case dirErr != nil:
		return dirErr
	default:
		// DIR still holds the old content: undo. An old folder beside it cannot come from an
		// interrupted swap then; rather than guess, leave both to the admin.
		if _, err := os.Lstat(oldDir); err == nil {
			return fmt.Errorf("both %s and %s exist: keep the one you want as %s, remove the other and %s", dir, oldDir, dir, journal)
		}
	}
	if err := os.RemoveAll(newDir); err != nil {
		return err
	}
	if err := os.RemoveAll(oldDir); err != nil {
		return err
	}
	return os.Remove(journal)
}

// dirState says whether dir exists and whether it is empty. A file that is not a folder is an
// error.
func dirState(dir string) (exists, empty bool, err error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if !fi.IsDir() {
		return true, false, errors.New("exists and is not a folder")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return true, false, err
	}
	return true, len(ents) == 0, nil
}

// checkNames refuses file names that are not clean relative paths with '/', that SHA256SUMS could
// not list without escaping, or that appear twice.
func checkNames(files []OutputFile) error {
	seen := map[string]bool{}
	for _, f := range files {
		n := f.Name
		switch {
		case n == "" || path.Clean(n) != n || path.IsAbs(n) || n == "." || strings.HasPrefix(n, "../") || n == "..":
			return fmt.Errorf("output file name %q is not a clean relative path", n)
		case strings.ContainsAny(n, "\\\n\r\x00"):
			return fmt.Errorf("output file name %q holds a backslash or a control character", n)
		case n == SumsName:
			return fmt.Errorf("output file %s is written by Write itself", SumsName)
		case seen[n]:
			return fmt.Errorf("output file %q given twice", n)
		}
		seen[n] = true
	}
	return nil
}

func writeFile(root, name string, data []byte) error {
	p := filepath.Join(root, filepath.FromSlash(name))
	if d := filepath.Dir(p); d != root {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil { // whatever the umask
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeJournal(p, content string) error {
	if err := writeFile(filepath.Dir(p), filepath.Base(p), []byte(content+"\n")); err != nil {
		return err
	}
	return syncDir(filepath.Dir(p))
}

// syncDir flushes a folder's entries (best effort where the system cannot sync folders).
func syncDir(d string) error {
	f, err := os.Open(d)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil
		}
		return err
	}
	return nil
}
