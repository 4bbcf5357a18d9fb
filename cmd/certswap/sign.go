package main

import (
	"crypto"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"certswap/generator/authenticode"
)

var signFlags struct {
	cert, out, hash, timestampURL string
	minDays                       int
	pw                            passwordSource
}

var signCommand = &command{
	name:  "sign",
	usage: "sign --cert CODESIGN.pfx [--out DIR] FILE...",
	short: "Authenticode-sign PowerShell files",
	long: `Signs PowerShell files (.ps1, .psm1, .psd1, .ps1xml) with an Authenticode signature exactly as
Set-AuthenticodeSignature writes it, so they run under ExecutionPolicy AllSigned. Files are signed in
place (written beside, flushed, renamed), or copied into --out DIR. An existing signature is replaced.
The signing certificate needs the codeSigning EKU, its private key, and at least --min-days of validity.

Every file is signed in memory before any is written: a file that cannot be signed leaves all of them
as they were. In place, each file is then replaced atomically on its own, not the set: a run killed
part-way leaves some files signed and the others untouched, each one whole (run it again). --out DIR
appears complete or not at all. A temporary file a killed run left beside a file is removed by the
next run that writes that file.

No timestamp server is reachable on an air-gapped network: the signature stops validating when the
signing certificate expires. --timestamp-url is reserved for a future release and is refused today.`,
	flags: func(fs *pflag.FlagSet) {
		signFlags = struct {
			cert, out, hash, timestampURL string
			minDays                       int
			pw                            passwordSource
		}{}
		fs.StringVar(&signFlags.cert, "cert", "", "the code-signing certificate with its key (PFX)")
		addPasswordFlags(fs, &signFlags.pw, "", "--cert")
		fs.StringVar(&signFlags.out, "out", "", "write signed copies into this folder instead of signing in place")
		fs.StringVar(&signFlags.hash, "hash", "sha256", "digest algorithm: sha1, sha256, sha384 or sha512")
		fs.IntVar(&signFlags.minDays, "min-days", 30, "refuse a signing certificate that expires within this many days")
		fs.StringVar(&signFlags.timestampURL, "timestamp-url", "", "RFC 3161 timestamp server (not implemented; refused)")
	},
	run: runSign,
}

// maxScriptSize is the largest PowerShell file sign and verify read (they read a file whole).
const maxScriptSize = 64 << 20

// signer is a loaded code-signing identity.
type signer struct {
	key   crypto.Signer
	chain []*x509.Certificate
	name  string
}

// loadSigner reads a code-signing PFX and checks the certificate before any file is touched.
func loadSigner(e *env, path string, pw *passwordSource, minDays int) (*signer, error) {
	cf, err := readCertFile(e, path, pw)
	if err != nil {
		return nil, err
	}
	if len(cf.Leaves) != 1 {
		return nil, fileError(path, fmt.Errorf("holds %d end-entity certificates; a signing PFX holds one with its key", len(cf.Leaves)))
	}
	leaf := cf.Leaves[0]
	if leaf.X509 == nil {
		return nil, fileError(path, fmt.Errorf("the signing certificate cannot be used: %v", leaf.ParseError))
	}
	key, _ := cf.Key.(crypto.Signer)
	if err := authenticode.CheckSigner(leaf.X509, key != nil, e.now(), minDays); err != nil {
		return nil, fileError(path, err)
	}
	// As Set-AuthenticodeSignature's default (-IncludeChain NotRoot): the signer and its
	// intermediates; the root is what the servers trust, not part of the signature.
	chain := []*x509.Certificate{leaf.X509}
	for _, c := range cf.Chain {
		if c.X509 != nil && !c.SelfSigned {
			chain = append(chain, c.X509)
		}
	}
	return &signer{key: key, chain: chain, name: path}, nil
}

// signFunc signs one file with this identity, for generator.Write.
func (s *signer) signFunc(h crypto.Hash) func(name string, data []byte) ([]byte, error) {
	return func(name string, data []byte) ([]byte, error) {
		return authenticode.Sign(name, data, s.key, s.chain, authenticode.SignOptions{Hash: h})
	}
}

// readScript reads a PowerShell file to sign or verify: a regular file of at most maxScriptSize.
func readScript(p string) ([]byte, os.FileInfo, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, nil, fileError(p, unwrapPathError(err))
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fileError(p, fmt.Errorf("not a regular file"))
	}
	if st.Size() > maxScriptSize {
		return nil, nil, fileError(p, fmt.Errorf("larger than %d MiB, the limit for scripts", maxScriptSize>>20))
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, nil, fileError(p, unwrapPathError(err))
	}
	return data, st, nil
}

func hashByName(s string) (crypto.Hash, error) {
	switch strings.ToLower(s) {
	case "sha1":
		return crypto.SHA1, nil
	case "sha256", "":
		return crypto.SHA256, nil
	case "sha384":
		return crypto.SHA384, nil
	case "sha512":
		return crypto.SHA512, nil
	}
	return 0, usageErrorf("--hash %q: use sha1, sha256, sha384 or sha512", s)
}

func runSign(e *env, args []string) error {
	f := signFlags
	if f.timestampURL != "" {
		return usageErrorf("--timestamp-url is not implemented: certswap signs offline without a timestamp, so the signature stops validating when the signing certificate expires")
	}
	if f.cert == "" {
		return usageErrorf("sign: --cert CODESIGN.pfx is required")
	}
	if len(args) == 0 {
		return usageErrorf("sign: no FILE given")
	}
	h, err := hashByName(f.hash)
	if err != nil {
		return err
	}
	s, err := loadSigner(e, f.cert, &f.pw, f.minDays)
	if err != nil {
		return err
	}
	// Sign every file in memory first: a bad file leaves every file untouched.
	type signed struct {
		path string
		data []byte
		mode os.FileMode
	}
	var out []signed
	for _, p := range args {
		data, st, err := readScript(p)
		if err != nil {
			return err
		}
		sig, err := authenticode.Sign(p, data, s.key, s.chain, authenticode.SignOptions{Hash: h})
		if err != nil {
			return fileError(p, err)
		}
		out = append(out, signed{p, sig, st.Mode().Perm()})
	}
	if f.out != "" {
		files := map[string][]byte{}
		for _, o := range out {
			name := filepath.Base(o.path)
			if _, dup := files[name]; dup {
				return usageErrorf("sign: two files named %s for --out %s", name, f.out)
			}
			files[name] = o.data
		}
		if err := writeNewDir(f.out, files, false); err != nil {
			return err
		}
	} else {
		for _, o := range out {
			if err := writeFileAtomic(o.path, o.data, o.mode); err != nil {
				return fileError(o.path, err)
			}
		}
	}
	fmt.Fprintf(e.stderr, "certswap: signed %d file(s) with %s; without a timestamp the signature stops validating on %s, when the certificate expires\n",
		len(out), s.chain[0].Subject.CommonName, s.chain[0].NotAfter.UTC().Format("2006-01-02"))
	return nil
}
