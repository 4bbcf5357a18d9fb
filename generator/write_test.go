package generator

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"certswap/generator/authenticode"
	"certswap/validate/cert"
)

func readDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.IsDir() {
			if fi.Mode().Perm() != 0o755 {
				t.Errorf("%s: mode %v, want 0755", p, fi.Mode().Perm())
			}
			return nil
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", p, fi.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sha256sumCheck runs the independent checker: sha256sum -c SHA256SUMS in dir.
func sha256sumCheck(t testing.TB, dir string) {
	t.Helper()
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum not installed")
	}
	cmd := exec.Command("sha256sum", "-c", "--strict", SumsName)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
}

func sampleFiles(t testing.TB) []OutputFile {
	_, files := render(t, exchangeStory())
	return files
}

// TestWriteNew: a new folder gets every file, SHA256SUMS last listing every other file (with
// .gitattributes), and sha256sum -c verifies it.
func TestWriteNew(t *testing.T) {
	files := sampleFiles(t)
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, files, false, nil); err != nil {
		t.Fatal(err)
	}
	got := readDir(t, dir)
	if len(got) != len(files)+1 {
		t.Errorf("%d files written, want %d", len(got), len(files)+1)
	}
	sums := string(got[SumsName])
	for _, f := range files {
		if !bytes.Equal(got[f.Name], f.Data) {
			t.Errorf("%s differs", f.Name)
		}
		if !strings.Contains(sums, "  "+f.Name+"\n") {
			t.Errorf("SHA256SUMS does not list %s", f.Name)
		}
	}
	if strings.Contains(sums, "./") || strings.Contains(sums, SumsName) {
		t.Errorf("SHA256SUMS lists ./ paths or itself:\n%s", sums)
	}
	sha256sumCheck(t, dir)
	ents, _ := os.ReadDir(filepath.Dir(dir))
	if len(ents) != 1 {
		t.Errorf("work files left beside the folder: %v", ents)
	}
}

// TestWriteSigned: runbooks are signed inside the temporary folder, before SHA256SUMS.
func TestWriteSigned(t *testing.T) {
	files := sampleFiles(t)
	dir := filepath.Join(t.TempDir(), "out")
	var signed []string
	sign := func(name string, data []byte) ([]byte, error) {
		signed = append(signed, name)
		return append(append([]byte{}, data...), "# SIG # Begin signature block\r\n# test\r\n# SIG # End signature block\r\n"...), nil
	}
	if err := Write(dir, files, false, sign); err != nil {
		t.Fatal(err)
	}
	if strings.Join(signed, " ") != "exchange-EX01-rollback.ps1 exchange-EX01.ps1 exchange-EX02-rollback.ps1 exchange-EX02.ps1" {
		t.Errorf("signed %v", signed)
	}
	got := readDir(t, dir)
	if !bytes.HasSuffix(got["exchange-EX01.ps1"], []byte("# SIG # End signature block\r\n")) {
		t.Error("runbook written unsigned")
	}
	sha256sumCheck(t, dir)

	// A signing failure writes nothing.
	dir2 := filepath.Join(t.TempDir(), "out")
	err := Write(dir2, files, false, func(string, []byte) ([]byte, error) { return nil, errors.New("key cannot sign") })
	if err == nil || !strings.Contains(err.Error(), "key cannot sign") || !strings.Contains(err.Error(), dir2) {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir2); !os.IsNotExist(err) {
		t.Error("folder exists after a failed signing")
	}
	if ents, _ := os.ReadDir(filepath.Dir(dir2)); len(ents) != 0 {
		t.Errorf("work files left: %v", ents)
	}
}

// TestWriteExisting: an empty folder is used, a folder with content is refused without force and
// replaced whole with it.
func TestWriteExisting(t *testing.T) {
	files := sampleFiles(t)
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, files, false, nil); err != nil {
		t.Fatalf("empty folder: %v", err)
	}
	err := Write(dir, files[:1], false, nil)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("non-empty folder without force: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "stale.txt"), []byte("x"), 0o644)
	if err := Write(dir, files[:2], true, nil); err != nil {
		t.Fatalf("force: %v", err)
	}
	got := readDir(t, dir)
	if len(got) != 3 || got["stale.txt"] != nil {
		t.Errorf("force did not replace the folder whole: %d files", len(got))
	}
	sha256sumCheck(t, dir)
	if ents, _ := os.ReadDir(filepath.Dir(dir)); len(ents) != 1 {
		t.Errorf("work files left: %v", ents)
	}
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if err := Write(f, files, true, nil); err == nil {
		t.Error("a file as the output folder is accepted")
	}
}

func TestWriteNames(t *testing.T) {
	for _, n := range []string{"", "../x", "/abs", "a/../b", "a\\b", "x\ny", SumsName, "./a"} {
		if err := Write(filepath.Join(t.TempDir(), "o"), []OutputFile{{Name: n}}, false, nil); err == nil {
			t.Errorf("name %q accepted", n)
		}
	}
}

// TestWriteFailures injects a failure at every step of a forced replacement, in two ways: as an
// error (Write cleans up) and as a crash (Write stops dead, the next run recovers). After each,
// the folder holds either the complete old content or the complete new content.
func TestWriteFailures(t *testing.T) {
	t.Run("exchange", func(t *testing.T) {
		if missed := testWriteFailures(t); len(missed) > 0 && strings.Join(missed, ",") != "rename-new,rename-new" {
			t.Errorf("steps never reached: %v", missed)
		}
	})
	t.Run("two-renames", func(t *testing.T) {
		defer func() { exchangeDirs = exchange }()
		exchangeDirs = func(string, string) (bool, error) { return false, nil }
		if missed := testWriteFailures(t); len(missed) > 0 {
			t.Errorf("steps never reached: %v", missed)
		}
	})
}

// testWriteFailures runs the injection at every step and returns the steps Write never reached.
func testWriteFailures(t *testing.T) (missed []string) {
	oldFiles := []OutputFile{{Name: "old.txt", Data: []byte("old\n")}, {Name: "CHANGE.md", Data: []byte("old ticket\n")}}
	newFiles := sampleFiles(t)
	steps := []string{"build", "write CHANGE.md", "write exchange-EX01.ps1", "sign exchange-EX01.ps1", "sums", "journal", "swap", "rename-old", "rename-new", "remove-old", "done"}
	defer func() { failAt = func(string) error { return nil } }()
	for _, crash := range []bool{false, true} {
		for _, step := range steps {
			dir := filepath.Join(t.TempDir(), "out")
			failAt = func(string) error { return nil }
			if err := Write(dir, oldFiles, false, nil); err != nil {
				t.Fatal(err)
			}
			hit := false
			failAt = func(s string) error {
				if s != step {
					return nil
				}
				hit = true
				if crash {
					return errCrash
				}
				return errors.New("injected")
			}
			sign := func(_ string, d []byte) ([]byte, error) { return d, nil }
			werr := Write(dir, newFiles, true, sign)
			failAt = func(string) error { return nil }
			if !hit {
				// Steps of the other path (two renames) are not taken with the exchange.
				missed = append(missed, step)
				continue
			}
			name := step
			if crash {
				name = "crash at " + step
				// The next run finishes or undoes the interrupted swap.
				if err := recoverSwap(dir); err != nil {
					t.Errorf("%s: recover: %v", name, err)
					continue
				}
			}
			got := readDir(t, dir)
			isOld := len(got) == 3 && string(got["old.txt"]) == "old\n"
			isNew := len(got) == len(newFiles)+1 && bytes.Equal(got["CHANGE.md"], fileMap(newFiles)["CHANGE.md"])
			if !isOld && !isNew {
				t.Errorf("%s: folder is neither the old nor the new content (%d files, err %v)", name, len(got), werr)
			}
			if isNew {
				sha256sumCheck(t, dir)
			}
			if ents, _ := os.ReadDir(filepath.Dir(dir)); len(ents) != 1 {
				var n []string
				for _, e := range ents {
					n = append(n, e.Name())
				}
				t.Errorf("%s: work files left: %v", name, n)
			}
			// And a normal run works afterwards.
			if err := Write(dir, newFiles, true, nil); err != nil {
				t.Errorf("%s: next run: %v", name, err)
			}
		}
	}
	return missed
}

// TestNoSecret: a plan built from a real PFX opened with its password, written and signed: no
// file holds the password, in UTF-8 or UTF-16. The thumbprint in the runbook is openssl's
// (testdata/certs/expected.txt), an independent oracle.
func TestNoSecret(t *testing.T) {
	const password = "Contoso-Test-1!"
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "testdata", "certs", "new-mail.pfx"))
	if err != nil {
		t.Skip("testdata/certs/new-mail.pfx missing: ", err)
	}
	pw := password
	f, err := cert.Load("new-mail.pfx", data, cert.LoadOptions{Password: &pw})
	if err != nil {
		t.Fatalf("cert.Load: %v", err)
	}
	in := exchangeStory()
	in.New = f.Leaves[0]
	in.NewFile = "new-mail.pfx"
	tls := "<I>" + in.New.Issuer + "<S>" + in.New.Subject
	for i := range in.Changes {
		if in.Changes[i].Property == "TlsCertificateName" {
			in.Changes[i].New = tls
		}
	}
	_, files := render(t, in)
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, files, false, func(_ string, d []byte) ([]byte, error) { return d, nil }); err != nil {
		t.Fatal(err)
	}
	utf16 := make([]byte, 0, 2*len(password))
	for _, c := range []byte(password) {
		utf16 = append(utf16, c, 0)
	}
	for name, b := range readDir(t, dir) {
		if bytes.Contains(b, []byte(password)) || bytes.Contains(b, utf16) {
			t.Errorf("%s holds the PFX password", name)
		}
		if bytes.Contains(b, []byte("PRIVATE KEY")) {
			t.Errorf("%s holds a private key", name)
		}
	}
	exp, err := os.ReadFile(filepath.Join(root, "testdata", "certs", "expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := ""
	lines := strings.Split(string(exp), "\n")
	for i, l := range lines {
		if l == "cert new-mail" && i+1 < len(lines) {
			want = strings.TrimPrefix(lines[i+1], "thumbprint ")
		}
	}
	if len(want) != 40 {
		t.Fatalf("no thumbprint for new-mail in expected.txt")
	}
	ex := string(fileMap(files)["exchange-EX01.ps1"])
	if !strings.Contains(ex, "$NewThumbprint = '"+want+"'") {
		t.Errorf("runbook does not carry openssl's thumbprint %s", want)
	}
}

// TestWriteAuthenticode: the output folder signed with a real code-signing certificate
// (testdata/signing, made by openssl): every runbook verifies with osslsigncode, parses with
// ps-parse, and SHA256SUMS covers the signed bytes.
func TestWriteAuthenticode(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, "testdata", "signing", "codesign-rsa.pfx"))
	if err != nil {
		t.Skip("testdata/signing/codesign-rsa.pfx missing: ", err)
	}
	pw := "certswap-test"
	f, err := cert.Load("codesign-rsa.pfx", data, cert.LoadOptions{Password: &pw})
	if err != nil {
		t.Fatalf("cert.Load: %v", err)
	}
	signer, ok := f.Key.(crypto.Signer)
	if !ok {
		t.Fatalf("key %T is not a crypto.Signer", f.Key)
	}
	chain := []*x509.Certificate{f.Leaves[0].X509}
	for _, c := range f.Chain {
		chain = append(chain, c.X509)
	}
	_, files := render(t, hostileStory())
	dir := filepath.Join(t.TempDir(), "out")
	if err := Write(dir, files, false, Signer(signer, chain, authenticode.SignOptions{})); err != nil {
		t.Fatalf("Write: %v", err)
	}
	sha256sumCheck(t, dir)
	var ps []string
	for name := range readDir(t, dir) {
		if strings.HasSuffix(name, ".ps1") {
			ps = append(ps, filepath.Join(dir, name))
		}
	}
	tool := psParse(t)
	if out, err := exec.Command(tool, ps...).CombinedOutput(); err != nil {
		t.Fatalf("ps-parse on signed runbooks: %v\n%s", err, out)
	}
	if _, err := exec.LookPath("osslsigncode"); err != nil {
		if os.Getenv("CERTSWAP_REQUIRE_OSSLSIGNCODE") == "1" {
			t.Fatal("osslsigncode missing")
		}
		t.Skip("!!! osslsigncode missing: signatures NOT verified !!!")
	}
	caFile := filepath.Join(root, "testdata", "signing", "root-rsa.pem")
	for _, p := range ps {
		out, err := exec.Command("osslsigncode", "verify", "-in", p, "-CAfile", caFile).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Signature verification: ok") {
			t.Errorf("osslsigncode verify %s: %v\n%s", filepath.Base(p), err, out)
		}
	}
}
