package generator

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAtomicEveryStep (issue 7) fails Write at every step it actually takes — the step names are
// recorded from a clean run, so a step added later is covered without editing this test — for an
// output folder that is absent, empty, or full (a forced replacement), in three ways: the step
// returns an error (Write cleans up), the process "dies" there (errCrash; the next run's recovery
// is applied), and the signing function fails. After each, the folder is the old state or the
// complete new state (every file, signed, and SHA256SUMS verified by sha256sum -c), nothing else
// is left beside it, and a following normal run succeeds.
func TestAtomicEveryStep(t *testing.T) {
	newFiles := sampleFiles(t)
	oldFiles := []OutputFile{{Name: "old.txt", Data: []byte("old\n")}, {Name: "sub/old.ps1", Data: []byte("'old'\r\n")}}
	sign := func(_ string, d []byte) ([]byte, error) {
		return append(append([]byte{}, d...), "# SIG # signed by the test\r\n"...), nil
	}
	defer func() { failAt = func(string) error { return nil } }()

	prepare := func(t *testing.T, start string) string {
		failAt = func(string) error { return nil }
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		switch start {
		case "empty":
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
		case "full":
			if err := Write(dir, oldFiles, false, nil); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	isNew := func(t *testing.T, dir string) bool {
		got := readDir(t, dir)
		if len(got) != len(newFiles)+1 {
			return false
		}
		for _, f := range newFiles {
			want := f.Data
			if strings.HasSuffix(f.Name, ".ps1") {
				want, _ = sign(f.Name, f.Data)
			}
			if !bytes.Equal(got[f.Name], want) {
				return false
			}
		}
		sha256sumCheck(t, dir)
		return true
	}
	isOld := func(t *testing.T, dir, start string) bool {
		_, err := os.Lstat(dir)
		switch start {
		case "absent", "empty":
			// An empty folder holds nothing to lose: absent or empty are both the old state.
			if errors.Is(err, os.ErrNotExist) {
				return true
			}
			ents, err := os.ReadDir(dir)
			return err == nil && len(ents) == 0
		}
		got := readDir(t, dir)
		return len(got) == 3 && got[SumsName] != nil && string(got["old.txt"]) == "old\n" && string(got["sub/old.ps1"]) == "'old'\r\n"
	}

	for _, start := range []string{"absent", "empty", "full"} {
		var steps []string
		dir := prepare(t, start)
		failAt = func(s string) error { steps = append(steps, s); return nil }
		if err := Write(dir, newFiles, true, sign); err != nil {
			t.Fatalf("%s: clean run: %v", start, err)
		}
		if !isNew(t, dir) {
			t.Fatalf("%s: a clean run did not write the new folder", start)
		}
		if len(steps) < len(newFiles)+2 {
			t.Fatalf("%s: only %d steps recorded: %v", start, len(steps), steps)
		}
		for _, step := range steps {
			for _, how := range []string{"error", "crash", "sign-error"} {
				if how == "sign-error" && !strings.HasPrefix(step, "sign ") {
					continue
				}
				name := start + "/" + how + " at " + step
				dir := prepare(t, start)
				s := sign
				failAt = func(got string) error {
					if got != step {
						return nil
					}
					switch how {
					case "error":
						return errors.New("injected failure")
					case "crash":
						return errCrash
					}
					return nil
				}
				if how == "sign-error" {
					target := strings.TrimPrefix(step, "sign ")
					s = func(n string, d []byte) ([]byte, error) {
						if n == target {
							return nil, errors.New("the signing key is gone")
						}
						return sign(n, d)
					}
				}
				werr := Write(dir, newFiles, true, s)
				failAt = func(string) error { return nil }
				if how == "crash" {
					if err := recoverSwap(dir); err != nil {
						t.Errorf("%s: recovery: %v", name, err)
						continue
					}
				}
				old, complete := isOld(t, dir, start), false
				if !old {
					complete = isNew(t, dir)
				}
				if !old && !complete {
					t.Errorf("%s: the folder is neither old nor complete (err %v): %d files", name, werr, len(readDir(t, dir)))
				}
				if how != "crash" && werr == nil && step != "done" && step != "remove-old" {
					t.Errorf("%s: Write reported success", name)
				}
				if ents, _ := os.ReadDir(filepath.Dir(dir)); len(ents) > 1 {
					var n []string
					for _, e := range ents {
						n = append(n, e.Name())
					}
					t.Errorf("%s: left beside the folder: %v", name, n)
				}
				if err := Write(dir, newFiles, true, sign); err != nil || !isNew(t, dir) {
					t.Errorf("%s: the next run: %v", name, err)
				}
			}
		}
	}
}
