package main

import (
	"bytes"
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The passwords of the fixtures (testdata/certs/README.md, testdata/signing/README.md).
const (
	certPassword = "Contoso-Test-1!"
	signPassword = "certswap-test"
	// wrongPassword is given where a password is wrong: it must not come back either.
	wrongPassword = "Wr0ng-S3cret-Pa55"
)

// secretCommand is one command line that takes passwords. In args, "{pw}" stands for the password
// flags of --cert (and of every PFX of inspect and sign), "{old}" for --old's and "{sign}" for
// --sign-cert's; each is filled with a file or an environment variable source.
type secretCommand struct {
	name string
	args []string
	// out is the folder the command writes (checked for modes and secrets), "" for none.
	out string
}

func secretCommands(t *testing.T) []secretCommand {
	r := repoRoot(t)
	certs := filepath.Join(r, "testdata", "certs")
	codesign := filepath.Join(r, "testdata", "signing", "codesign-rsa.pfx")
	export := filepath.Join(r, "testdata", "exports", "exchange-field-story", "Get-ReceiveConnector.txt")
	newPFX, oldPFX := filepath.Join(certs, "new-mail.pfx"), filepath.Join(certs, "old-mail.pfx")
	return []secretCommand{
		{name: "inspect", args: []string{"inspect", "--json", "{pw}", newPFX, oldPFX}},
		{name: "validate", args: []string{"validate", "--format", "json", "--cert", newPFX, "{pw}", "--old", oldPFX, "{old}", export}},
		{name: "validate-text", args: []string{"validate", "--cert", newPFX, "{pw}", "--old", oldPFX, "{old}", "-o", "report.txt", export}},
		{name: "generate", args: []string{"generate", "--cert", newPFX, "{pw}", "--old", oldPFX, "{old}", "--sign-cert", codesign, "{sign}", "--out", "out", export}, out: "out"},
		{name: "sign", args: []string{"sign", "--cert", codesign, "{pw}", "script.ps1"}},
		{name: "sign-out", args: []string{"sign", "--cert", codesign, "{pw}", "--out", "signed", "script.ps1"}, out: "signed"},
		{name: "demo", args: []string{"demo", "--sign-cert", codesign, "{sign}", "--out", "demo"}, out: "demo"},
	}
}

// passwordOf says which password a placeholder stands for in a command.
func passwordOf(cmd, placeholder string) string {
	if placeholder == "{sign}" || (placeholder == "{pw}" && strings.HasPrefix(cmd, "sign")) {
		return signPassword
	}
	return certPassword
}

// TestSecrets runs every command that takes a password with each source (a password file ending
// in LF, one ending in CRLF, an environment variable) and with a wrong password: the password
// appears in no stdout, stderr, error message or written file, in UTF-8 or UTF-16; a run with the
// right password succeeds (the line end is not part of the password); a private key and the PFX
// bytes are written nowhere; written folders are 0755 and their files 0644.
func TestSecrets(t *testing.T) {
	r := repoRoot(t)
	script, err := os.ReadFile(filepath.Join(r, "testdata", "signing", "ascii.ps1"))
	if err != nil {
		t.Fatal(err)
	}
	var pfxes [][]byte
	for _, p := range []string{"certs/new-mail.pfx", "certs/old-mail.pfx", "signing/codesign-rsa.pfx"} {
		b, err := os.ReadFile(filepath.Join(r, "testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		pfxes = append(pfxes, b)
	}
	for _, c := range secretCommands(t) {
		for _, source := range []string{"file-lf", "file-crlf", "env", "wrong-file", "wrong-env"} {
			t.Run(c.name+"/"+source, func(t *testing.T) {
				dir := t.TempDir()
				t.Chdir(dir)
				t.Setenv("TMPDIR", dir)
				if err := os.WriteFile("script.ps1", script, 0o644); err != nil {
					t.Fatal(err)
				}
				env := map[string]string{}
				inputs := map[string]bool{"script.ps1": true}
				var args []string
				for _, a := range c.args {
					var prefix string
					switch a {
					case "{pw}":
					case "{old}":
						prefix = "old-"
					case "{sign}":
						prefix = "sign-"
					default:
						args = append(args, a)
						continue
					}
					pw := passwordOf(c.name, a)
					if strings.HasPrefix(source, "wrong") {
						pw = wrongPassword
					}
					name := strings.Trim(a, "{}") + ".pw"
					switch source {
					case "file-lf", "wrong-file":
						writePasswordFile(t, name, pw+"\n", 0o600)
						args = append(args, "--"+prefix+"password-file", name)
					case "file-crlf":
						writePasswordFile(t, name, pw+"\r\n", 0o600)
						args = append(args, "--"+prefix+"password-file", name)
					default:
						v := "CERTSWAP_PW_" + strings.ToUpper(strings.Trim(a, "{}"))
						env[v] = pw
						args = append(args, "--"+prefix+"password-env", v)
					}
					inputs[name] = true
				}
				code, stdout, stderr := runCLI(t, env, args...)
				wrong := strings.HasPrefix(source, "wrong")
				switch {
				case wrong && (code != 2 || !strings.Contains(stderr, "wrong password")):
					t.Errorf("wrong password: exit %d, %q; want 2 and \"wrong password\"", code, clip(stderr))
				case !wrong && code == 2:
					t.Errorf("exit 2 with the right password: %q", clip(stderr))
				}
				if wrong && stdout != "" {
					t.Errorf("exit 2 with stdout %q", clip(stdout))
				}
				if strings.Contains(stderr, "password file is readable") {
					t.Errorf("a warning about a 0600 password file: %q", clip(stderr))
				}
				for _, s := range []string{certPassword, signPassword, wrongPassword} {
					for _, enc := range encodings(s) {
						if bytes.Contains([]byte(stdout), enc) || bytes.Contains([]byte(stderr), enc) {
							t.Errorf("the password %q appears in the output", s)
						}
					}
				}
				for _, bad := range []string{"panic", "goroutine "} {
					if strings.Contains(stdout+stderr, bad) {
						t.Errorf("output holds %q", bad)
					}
				}
				checkWritten(t, dir, inputs, pfxes)
				if c.out != "" && !wrong {
					checkModes(t, c.out)
				}
			})
		}
	}
}

func writePasswordFile(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil { // whatever the umask
		t.Fatal(err)
	}
}

// encodings are the forms a password could be written in: UTF-8, UTF-16 LE and BE, Base64.
func encodings(s string) [][]byte {
	le, be := []byte{}, []byte{}
	for _, r := range s { // the fixture passwords are ASCII
		le = append(le, byte(r), 0)
		be = append(be, 0, byte(r))
	}
	return [][]byte{[]byte(s), le, be, []byte(base64.StdEncoding.EncodeToString([]byte(s)))}
}

// checkWritten reads every file in dir except the inputs: no password, no private key, no piece of
// a PFX.
func checkWritten(t *testing.T, dir string, inputs map[string]bool, pfxes [][]byte) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if inputs[rel] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range []string{certPassword, signPassword, wrongPassword} {
			for _, enc := range encodings(s) {
				if bytes.Contains(b, enc) {
					t.Errorf("%s holds the password %q", rel, s)
				}
			}
		}
		if bytes.Contains(b, []byte("PRIVATE KEY")) {
			t.Errorf("%s holds a private key", rel)
		}
		for _, pfx := range pfxes {
			for off := 0; off+32 <= len(pfx); off += 97 {
				if bytes.Contains(b, pfx[off:off+32]) {
					t.Errorf("%s holds bytes %d..%d of a PFX", rel, off, off+32)
					break
				}
			}
			if bytes.Contains(b, []byte(base64.StdEncoding.EncodeToString(pfx[:48]))) {
				t.Errorf("%s holds a PFX in Base64", rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkModes: a written folder is 0755, its sub-folders 0755, its files 0644 (nothing executable).
func checkModes(t *testing.T, out string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o644)
		if d.IsDir() {
			want = 0o755 | fs.ModeDir
		} else {
			n++
		}
		if info.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Errorf("%s: no file written", out)
	}
}

// TestPasswordFileWarning: a password file others can read gets exactly one "certswap: warning:"
// line, whatever number of PFX files it serves; one only its owner can read gets none. A second
// trailing line end is part of the password (only one is dropped).
func TestPasswordFileWarning(t *testing.T) {
	r := repoRoot(t)
	certs := filepath.Join(r, "testdata", "certs")
	cases := []struct {
		name    string
		mode    os.FileMode
		content string
		args    []string
		code    int
		warns   int
		bug     string
	}{
		{"one PFX, 0644", 0o644, certPassword + "\n", []string{"inspect", filepath.Join(certs, "new-mail.pfx")}, 0, 1, ""},
		{"one PFX, 0600", 0o600, certPassword + "\n", []string{"inspect", filepath.Join(certs, "new-mail.pfx")}, 0, 0, ""},
		{"two PFX, 0644", 0o644, certPassword + "\r\n", []string{"inspect", filepath.Join(certs, "new-mail.pfx"), filepath.Join(certs, "old-mail.pfx")}, 0, 1, ""},
		{"0640 (group)", 0o640, certPassword, []string{"inspect", filepath.Join(certs, "new-mail.pfx")}, 0, 0, ""},
		{"two line ends", 0o600, certPassword + "\n\n", []string{"inspect", filepath.Join(certs, "new-mail.pfx")}, 2, 0, ""},
		{"CR only", 0o600, certPassword + "\r", []string{"inspect", filepath.Join(certs, "new-mail.pfx")}, 2, 0, ""},
		{"--password-file and --old-password-file, 0644", 0o644, certPassword + "\n", []string{"validate", "--cert", filepath.Join(certs, "new-mail.pfx"), "--old", filepath.Join(certs, "old-mail.pfx"), "--old-password-file", "{pw}", filepath.Join(r, "testdata", "exports", "exchange-field-story", "Get-ReceiveConnector.txt")}, 0, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.bug != "" {
				t.Skip("known bug: " + c.bug)
			}
			pwFile := filepath.Join(t.TempDir(), "pw")
			writePasswordFile(t, pwFile, c.content, c.mode)
			args := []string{c.args[0], "--password-file", pwFile}
			for _, a := range c.args[1:] {
				args = append(args, strings.ReplaceAll(a, "{pw}", pwFile))
			}
			code, stdout, stderr := runCLI(t, nil, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, clip(stderr))
			}
			if n := strings.Count(stderr, "certswap: warning: "); n != c.warns {
				t.Errorf("%d warning lines, want %d: %q", n, c.warns, stderr)
			}
			if c.warns == 1 && !strings.Contains(stderr, "certswap: warning: "+pwFile+": ") {
				t.Errorf("the warning does not name the file: %q", stderr)
			}
			if strings.Contains(stdout+stderr, certPassword) {
				t.Errorf("the password appears in the output")
			}
		})
	}
}
