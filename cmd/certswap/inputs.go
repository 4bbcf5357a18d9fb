package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// inputs is everything read from the files and folders named on a command line.
type inputs struct {
	certs    []*cert.File
	exports  []*export.File
	warnings []string // about input files, "FILE: message"
	// keep, when set, is handed every export object as it is read, before the next one is read
	// (validate.Slim: a fleet-scale validate keeps only the properties its checks read).
	keep func(*export.Object)
}

// inputFile is one file to read, and whether the user named it (a file found inside a folder whose
// kind cannot be told is skipped with a warning; a named one is refused).
type inputFile struct {
	path  string
	named bool
}

// expand turns the arguments into files: folders are walked in lexical order.
func expand(args []string) ([]inputFile, error) {
	var out []inputFile
	for _, a := range args {
		if a == "-" {
			out = append(out, inputFile{path: "-", named: true})
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, fileError(a, unwrapPathError(err))
		}
		if !st.IsDir() {
			out = append(out, inputFile{path: a, named: true})
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fileError(p, unwrapPathError(err))
			}
			if d.Type().IsRegular() && d.Name() != "certswap-collect.json" {
				out = append(out, inputFile{path: p})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readInputs reads certificates and exports, telling them apart by content. pw serves every PFX.
func readInputs(e *env, args []string, pw *passwordSource) (*inputs, error) {
	return readInputsKeep(e, args, pw, nil)
}

// readInputsKeep is readInputs that hands every export object to keep (when not nil) as soon as
// it is read; exports are streamed, so an object's text is dropped once keep has had it.
func readInputsKeep(e *env, args []string, pw *passwordSource, keep func(*export.Object)) (*inputs, error) {
	files, err := expand(args)
	if err != nil {
		return nil, err
	}
	in := &inputs{keep: keep}
	for _, f := range files {
		if err := in.read(e, f, pw); err != nil {
			return nil, err
		}
	}
	export.AssignServers(in.exports)
	return in, nil
}

func (in *inputs) read(e *env, f inputFile, pw *passwordSource) error {
	head, err := readHead(e, f.path, cert.MaxFileSize+1)
	if err != nil {
		return fileError(f.path, err)
	}
	if len(head) > cert.MaxFileSize && cert.Sniff(head[:cert.MaxFileSize]) {
		// A certificate file over the limit is refused, not read as an export.
		return fileError(f.path, fmt.Errorf("larger than %d KiB, the limit for certificate files", cert.MaxFileSize/1024))
	}
	if len(head) <= cert.MaxFileSize && cert.Sniff(head) {
		opts, err := pw.loadOptions(e, f.path)
		if err != nil {
			return err
		}
		cf, err := cert.Load(f.path, head, opts)
		if err != nil {
			return fileError(f.path, err)
		}
		in.certs = append(in.certs, cf)
		return nil
	}
	var objs []*export.Object
	add := func(o *export.Object) error {
		if in.keep != nil {
			in.keep(o)
		}
		objs = append(objs, o)
		return nil
	}
	var xf *export.File
	if f.path == "-" {
		xf, err = export.Stream("-", io.MultiReader(bytes.NewReader(head), e.stdin), add)
	} else {
		xf, err = export.StreamFile(f.path, add)
	}
	if err != nil {
		if !f.named && errors.Is(err, export.ErrUnknownFormat) {
			in.warnings = append(in.warnings, fmt.Sprintf("%s: skipped: neither a certificate nor an export certswap can read", f.path))
			return nil
		}
		return fileError(f.path, err)
	}
	xf.Objects = objs
	in.exports = append(in.exports, xf)
	return nil
}

// readHead reads at most n bytes of a file (or stdin for "-").
func readHead(e *env, path string, n int) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, unwrapPathError(err)
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return b, nil
}

// readCertFile reads one certificate file named by a flag (--cert, --old, --sign-cert).
func readCertFile(e *env, path string, pw *passwordSource) (*cert.File, error) {
	b, err := readHead(e, path, cert.MaxFileSize+1)
	if err != nil {
		return nil, fileError(path, err)
	}
	if len(b) > cert.MaxFileSize {
		return nil, fileError(path, fmt.Errorf("larger than %d KiB, the limit for certificate files", cert.MaxFileSize/1024))
	}
	opts, err := pw.loadOptions(e, path)
	if err != nil {
		return nil, err
	}
	cf, err := cert.Load(path, b, opts)
	if err != nil {
		return nil, fileError(path, err)
	}
	return cf, nil
}

// unwrapPathError drops the *fs.PathError wrapper, whose text repeats the path.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, fs.ErrNotExist):
			return errors.New("no such file or directory")
		case errors.Is(pe.Err, fs.ErrPermission):
			return errors.New("permission denied")
		}
		return pe.Err
	}
	return err
}
