package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Atomicity (issue 7): sign and generate, failing or killed at any point, leave each file (sign)
// or the output folder (generate) either as it was or complete in its new state. The failure
// injection at every write step of generate's folder is in generator/atomic_test.go (the hook is
// private to generator); here the real binary is killed with SIGKILL at random moments.

// TestSignAllOrNothing: one file sign refuses leaves every other file of the same call untouched,
// in place and with --out.
func TestSignAllOrNothing(t *testing.T) {
	r := repoRoot(t)
	codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
	good, err := os.ReadFile(filepath.Join(r, "testdata", "signing", "ascii.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	bad, err := os.ReadFile(filepath.Join(r, "testdata", "bad", "sig", "utf16be.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{"", "signed"} {
		t.Run("out="+out, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for _, f := range []string{"a.ps1", "c.ps1"} {
				writeFile(t, f, good)
			}
			writeFile(t, "b.ps1", bad)
			before := snapshot(t, dir)
			args := []string{"sign", "--cert", codesign, "--password-env", "PW"}
			if out != "" {
				args = append(args, "--out", out)
			}
			code, _, stderr := runCLI(t, map[string]string{"PW": signPassword}, append(args, "a.ps1", "b.ps1", "c.ps1")...)
			if code != 2 || !strings.HasPrefix(stderr, "certswap: b.ps1: ") {
				t.Fatalf("exit %d, %q; want 2 naming b.ps1", code, stderr)
			}
			if after := snapshot(t, dir); after != before {
				t.Errorf("files changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// buildCertswap builds the command once per test binary run, for the tests that kill it.
func buildCertswap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "certswap")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = filepath.Join(repoRoot(t), "cmd", "certswap")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot build certswap: %v\n%s", err, out)
	}
	return bin
}

// killAt runs bin with args in dir and sends SIGKILL after d (or lets it finish first). It says
// whether the process was killed.
func killAt(t *testing.T, bin, dir string, env []string, d time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return false
	case <-time.After(d):
		cmd.Process.Kill()
		err := <-done
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return true
		}
		_ = err
		return false
	}
}

// TestSignKilled signs 100 files in place and kills certswap at random moments: every file is
// then either its old bytes or a complete, Valid signed file. Temporary files beside them are
// counted (a killed process cannot remove them) but are not the files' state; the next run that
// signs the same files removes them.
func TestSignKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildCertswap(t)
	r := repoRoot(t)
	codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
	root := filepath.Join(r, "testdata", "signing", "root-rsa.pem")
	script, err := os.ReadFile(filepath.Join(r, "testdata", "signing", "ascii.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("s%03d.ps1", i)
	}
	env := []string{"PW=" + signPassword}
	args := append([]string{"sign", "--cert", codesign, "--password-env", "PW"}, names...)
	setup := func() string {
		dir := t.TempDir()
		for _, f := range names {
			writeFile(t, filepath.Join(dir, f), script)
		}
		return dir
	}
	// One full run gives the time scale.
	dir := setup()
	start := time.Now()
	if killAt(t, bin, dir, env, time.Minute, args...) {
		t.Fatal("a full run was killed")
	}
	full := time.Since(start)
	rng := rand.New(rand.NewPCG(7, 7))
	killed, mixed, leftovers := 0, 0, 0
	for round := 0; round < 25; round++ {
		dir := setup()
		d := time.Duration(rng.Int64N(int64(full) + 1))
		if killAt(t, bin, dir, env, d, args...) {
			killed++
		}
		old, signed, left := 0, 0, 0
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), ".") {
				left++
			}
		}
		leftovers += left
		for _, f := range names {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatalf("round %d (killed after %v): %s: %v", round, d, f, err)
			}
			if bytes.Equal(b, script) {
				old++
				continue
			}
			code, stdout, _ := runCLI(t, nil, "verify", "--trust", root, filepath.Join(dir, f))
			if code != 0 {
				t.Errorf("round %d (killed after %v): %s is neither the old file nor Valid: %s", round, d, f, clip(stdout))
				continue
			}
			signed++
		}
		if old > 0 && signed > 0 {
			mixed++
		}
		if left == 0 {
			continue
		}
		// The next run over the same files removes what the killed one left.
		if killAt(t, bin, dir, env, time.Minute, args...) {
			t.Fatal("a run after the kill was killed")
		}
		for _, n := range listDir(t, dir) {
			if strings.HasPrefix(n, ".") {
				t.Errorf("round %d: %s is still there after the next run", round, n)
			}
		}
	}
	t.Logf("%d of 25 runs killed (full run %v); %d left some files signed and some not (each file whole); %d temporary files left beside the files by killed runs, all removed by the next run", killed, full, mixed, leftovers)
}

// TestGenerateKilled replaces a folder with generate --force and kills certswap at random
// moments: the folder is then the old content or the complete new content (SHA256SUMS holds),
// and the next run finishes or undoes the swap and leaves no work folder beside it.
func TestGenerateKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildCertswap(t)
	r := repoRoot(t)
	certs := filepath.Join(r, "testdata", "certs")
	export := filepath.Join(r, "testdata", "exports", "exchange-field-story", "Get-ReceiveConnector.txt")
	codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
	env := []string{"PW=" + certPassword, "SPW=" + signPassword}
	args := []string{"generate", "--force", "--cert", filepath.Join(certs, "new-mail.pfx"), "--password-env", "PW",
		"--old", filepath.Join(certs, "old-mail.pfx"), "--old-password-env", "PW",
		"--sign-cert", codesign, "--sign-password-env", "SPW", "--out", "out", export}
	setup := func() string {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "out", "old-marker.txt"), []byte("old\n"))
		return dir
	}
	dir := setup()
	start := time.Now()
	if killAt(t, bin, dir, env, time.Minute, args...) {
		t.Fatal("a full run was killed")
	}
	full := time.Since(start)
	if !sumsHold(t, filepath.Join(dir, "out")) {
		t.Fatal("a full run did not write a folder whose SHA256SUMS holds")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	var oldN, newN int
	for round := 0; round < 25; round++ {
		dir := setup()
		d := time.Duration(rng.Int64N(int64(full) + 1))
		killAt(t, bin, dir, env, d, args...)
		out := filepath.Join(dir, "out")
		_, markerErr := os.Stat(filepath.Join(out, "old-marker.txt"))
		isOld := markerErr == nil && len(listDir(t, out)) == 1
		isNew := markerErr != nil && sumsHold(t, out)
		// A crash between the exchange and the removal of the old content leaves the folder
		// complete and the old content beside it: the folder is what counts.
		switch {
		case isOld:
			oldN++
		case isNew:
			newN++
		default:
			t.Errorf("round %d (killed after %v): out is neither the old nor the complete new folder: %v", round, d, listDir(t, out))
		}
		// The next run recovers and leaves nothing beside the folder.
		if killAt(t, bin, dir, env, time.Minute, args...) {
			t.Fatal("a recovery run was killed")
		}
		if !sumsHold(t, out) {
			t.Errorf("round %d: the run after the kill did not leave a complete folder", round)
		}
		if got := listDir(t, dir); len(got) != 1 {
			t.Errorf("round %d: after the next run the parent holds %v", round, got)
		}
	}
	t.Logf("full run %v; after a kill: %d old, %d new", full, oldN, newN)
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		return []string{"(" + err.Error() + ")"}
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// sumsHold checks a folder against its SHA256SUMS (sha256sum format), which must list every other
// file in it.
func sumsHold(t *testing.T, dir string) bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		return false
	}
	listed := map[string]bool{"SHA256SUMS": true}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		sum, name, ok := strings.Cut(l, "  ")
		if !ok {
			return false
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return false
		}
		h := sha256.Sum256(data)
		if hex.EncodeToString(h[:]) != sum {
			return false
		}
		listed[name] = true
	}
	for _, n := range listDir(t, dir) {
		if !listed[n] {
			return false
		}
	}
	return true
}

// TestStaleTempsRemoved: writing a file removes the temporary files of that same file that killed
// runs left (name ".NAME.certswap-DIGITS", a regular file with one link, owned by this user, that
// no process holds locked), and nothing else: not one another run is writing (locked), not the
// temporaries of another file, not names that only look alike, not symbolic links, folders or
// files with a second link.
func TestStaleTempsRemoved(t *testing.T) {
	for _, via := range []string{"writeFileAtomic", "sign"} {
		t.Run(via, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "a.ps1")
			r := repoRoot(t)
			script, err := os.ReadFile(filepath.Join(r, "testdata", "signing", "ascii.ps1"))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, target, script)
			stale := []string{".a.ps1.certswap-1", ".a.ps1.certswap-123456", ".a.ps1.certswap-4294967295"}
			keep := []string{
				".a.ps1.certswap-",            // no digits
				".a.ps1.certswap-12x",         // not only digits
				".a.ps1.certswap-12345678901", // more digits than os.CreateTemp writes
				".a.ps1.certswap-new",         // generate's work-folder names
				"a.ps1.certswap-123",          // no leading dot
				".b.ps1.certswap-123",         // another file's temporary
				".a.ps1.certswap-123.bak",
				"..a.ps1.certswap-123",
				"outside.txt",
			}
			for _, n := range append(append([]string{}, stale...), keep...) {
				writeFile(t, filepath.Join(dir, n), []byte("left by a killed run\n"))
			}
			// A temporary another run is writing right now: it holds the lock.
			busy := filepath.Join(dir, ".a.ps1.certswap-777")
			writeFile(t, busy, []byte("being written\n"))
			bf, err := os.Open(busy)
			if err != nil {
				t.Fatal(err)
			}
			defer bf.Close()
			if locked, supported := tryLock(bf); !supported {
				t.Skip("no flock on this file system")
			} else if !locked {
				t.Fatal("cannot lock a fresh file")
			}
			keep = append(keep, filepath.Base(busy))
			// Look-alikes that are not plain files of their own.
			if err := os.Symlink(filepath.Join(dir, "outside.txt"), filepath.Join(dir, ".a.ps1.certswap-555")); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, ".a.ps1.certswap-556"), 0o755); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, ".a.ps1.certswap-556", "inside"), []byte("x"))
			if err := os.Link(filepath.Join(dir, "outside.txt"), filepath.Join(dir, ".a.ps1.certswap-557")); err != nil {
				t.Fatal(err)
			}
			keep = append(keep, ".a.ps1.certswap-555", ".a.ps1.certswap-556", ".a.ps1.certswap-557")

			switch via {
			case "writeFileAtomic":
				if err := writeFileAtomic(target, []byte("new\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			case "sign":
				codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
				code, _, stderr := runCLI(t, map[string]string{"PW": signPassword}, "sign", "--cert", codesign, "--password-env", "PW", target)
				if code != 0 {
					t.Fatalf("sign: exit %d: %s", code, stderr)
				}
			}
			want := append([]string{"a.ps1"}, keep...)
			sort.Strings(want)
			if got := listDir(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("folder after the run:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, n := range []string{".a.ps1.certswap-556/inside", "outside.txt", filepath.Base(busy)} {
				if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
					t.Errorf("%s: %v", n, err)
				}
			}
		})
	}
}

// TestTempNames: what counts as certswap's temporary-file name for a target.
func TestTempNames(t *testing.T) {
	cases := []struct {
		name, base string
		want       bool
	}{
		{".a.ps1.certswap-0", "a.ps1", true},
		{".a.ps1.certswap-4294967295", "a.ps1", true},
		{".report.json.certswap-17", "report.json", true},
		{".a.ps1.certswap-", "a.ps1", false},
		{".a.ps1.certswap--1", "a.ps1", false},
		{".a.ps1.certswap-1 ", "a.ps1", false},
		{".a.ps1.certswap-１", "a.ps1", false}, // a full-width digit
		{".a.ps1.certswap-12345678901", "a.ps1", false},
		{".a.ps1.certswap-1", "b.ps1", false},
		{".a.ps1.certswap-1", "ps1", false},
		{".x.a.ps1.certswap-1", "a.ps1", false},
		{"a.ps1", "a.ps1", false},
	}
	for _, c := range cases {
		if got := isTempName(c.name, c.base); got != c.want {
			t.Errorf("isTempName(%q, %q) = %v, want %v", c.name, c.base, got, c.want)
		}
	}
}

// TestTempRemovedBetweenCreateAndLock: when another run's clean-up removes a new temporary file
// before its writer has locked it, the writer notices and uses a new one.
func TestTempRemovedBetweenCreateAndLock(t *testing.T) {
	dir := t.TempDir()
	f, err := os.CreateTemp(dir, tempPattern(filepath.Join(dir, "a.ps1")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, supported := tryLock(f); !supported {
		t.Skip("no flock on this file system")
	}
	g, err := os.CreateTemp(dir, tempPattern(filepath.Join(dir, "a.ps1")))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	os.Remove(g.Name())
	if lockHeld(g) {
		t.Error("lockHeld is true for a temporary file whose name is gone")
	}
	if !lockHeld(f) {
		t.Error("lockHeld is false for the file's own lock")
	}
}

// TestStaleTempDirsRemoved: sign --out removes the temporary folders a killed sign --out of the
// same folder left (".DIR.certswap-DIGITS" holding only regular files, owned by this user, not
// locked), and leaves a locked one, one holding a subfolder, a file of that name and another
// folder's alone.
func TestStaleTempDirsRemoved(t *testing.T) {
	r := repoRoot(t)
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "a.ps1", []byte("Write-Host 'a'\r\n"))
	mk := func(name string, files ...string) {
		if err := os.Mkdir(name, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			writeFile(t, filepath.Join(name, f), []byte("x"))
		}
	}
	mk(".signed.certswap-11", "a.ps1", "b.ps1") // stale
	mk(".signed.certswap-12")                   // stale, empty
	mk(".signed.certswap-13", "a.ps1")          // locked below: being written
	mk(".signed.certswap-14")                   // holds a folder: not what certswap writes
	mk(".signed.certswap-14/sub", "x")
	mk(".other.certswap-15", "a.ps1")                // another folder's
	writeFile(t, ".signed.certswap-16", []byte("x")) // a file: sign --out writes a folder
	lf, err := os.Open(".signed.certswap-13")
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	if locked, supported := tryLock(lf); !supported {
		t.Skip("no flock on this file system")
	} else if !locked {
		t.Fatal("cannot lock a fresh folder")
	}
	codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
	code, _, stderr := runCLI(t, map[string]string{"PW": signPassword}, "sign", "--cert", codesign, "--password-env", "PW", "--out", "signed", "a.ps1")
	if code != 0 {
		t.Fatalf("sign: exit %d: %s", code, stderr)
	}
	want := []string{".other.certswap-15", ".signed.certswap-13", ".signed.certswap-14", ".signed.certswap-16", "a.ps1", "signed"}
	if got := listDir(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("folder after sign --out: %v, want %v", got, want)
	}
	if got := listDir(t, "signed"); strings.Join(got, " ") != "a.ps1" {
		t.Errorf("signed/ holds %v", got)
	}
}
