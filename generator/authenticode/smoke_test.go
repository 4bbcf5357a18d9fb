package authenticode

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestSmoke(t *testing.T) {
	for _, alg := range []string{"rsa", "ec"} {
		key, chain := loadPFX(t, "codesign-"+alg+".pfx")
		for _, s := range []string{"ascii", "utf8bom", "utf16le"} {
			out, err := Sign(s+".ps1", readFixture(t, s+".ps1"), key, chain, SignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(t.TempDir(), s+".ps1")
			os.WriteFile(p, out, 0o644)
			o, err := exec.Command("osslsigncode", "verify", "-CAfile", filepath.Join(testdataDir, "root-"+alg+".pem"), "-in", p).CombinedOutput()
			t.Logf("%s %s: %v\n%s", alg, s, err, o[len(o)-100:])
			r := Verify(s+".ps1", out, VerifyOptions{Roots: chain[len(chain)-1:], At: testAt})
			t.Logf("%+v", r)
			r = Verify(s+".ps1", readFixture(t, s+".ossl-"+alg+".ps1"), VerifyOptions{Roots: chain[len(chain)-1:], At: testAt})
			t.Logf("ossl: %+v", r)
		}
	}
}
