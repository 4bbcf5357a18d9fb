package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"certswap/validate/cert"
	"certswap/validate/export"
	"certswap/validate/report"
)

// appendObjectJSON appends one export object as inspect --json writes it, starting on a line
// indented by prefix: byte for byte what json.Encoder with SetEscapeHTML(false) and
// SetIndent(prefix, "  ") gives for the object with keys kind, identity, server, line,
// properties (in export order; a list as an array, null as null), lines and warnings
// (TestInspectStreamed and FuzzObjectJSON compare the two).
func appendObjectJSON(b []byte, o *export.Object, prefix string) []byte {
	in1, in2, in3 := prefix+"  ", prefix+"    ", prefix+"      "
	b = append(b, "{\n"...)
	b = appendJSONKey(b, in1, "kind")
	b = report.AppendJSONString(b, string(o.Kind))
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "identity")
	b = report.AppendJSONString(b, o.Identity)
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "server")
	b = report.AppendJSONString(b, o.Server)
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "line")
	b = strconv.AppendInt(b, int64(o.Line), 10)
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "properties")
	if len(o.Properties) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, '{')
		for i, p := range o.Properties {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
			b = appendJSONKey(b, in2, p.Name)
			switch {
			case p.Value.Null:
				b = append(b, "null"...)
			case p.Value.IsList && len(p.Value.List) == 0:
				b = append(b, "[]"...)
			case p.Value.IsList:
				b = append(b, '[')
				for j, it := range p.Value.List {
					if j > 0 {
						b = append(b, ',')
					}
					b = append(b, '\n')
					b = append(b, in3...)
					b = report.AppendJSONString(b, it)
				}
				b = append(b, '\n')
				b = append(b, in2...)
				b = append(b, ']')
			default:
				b = report.AppendJSONString(b, p.Value.Text)
			}
		}
		b = append(b, '\n')
		b = append(b, in1...)
		b = append(b, '}')
	}
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "lines")
	if len(o.Properties) == 0 {
		b = append(b, "{}"...)
	} else {
		b = append(b, '{')
		for i, p := range o.Properties {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
			b = appendJSONKey(b, in2, p.Name)
			b = strconv.AppendInt(b, int64(p.Line), 10)
		}
		b = append(b, '\n')
		b = append(b, in1...)
		b = append(b, '}')
	}
	b = append(b, ",\n"...)
	b = appendJSONKey(b, in1, "warnings")
	if len(o.Warnings) == 0 {
		b = append(b, "[]"...)
	} else {
		b = append(b, '[')
		for i, w := range o.Warnings {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
			b = append(b, in2...)
			b = append(b, "{\n"...)
			b = appendJSONKey(b, in3, "property")
			b = report.AppendJSONString(b, w.Property)
			b = append(b, ",\n"...)
			b = appendJSONKey(b, in3, "line")
			b = strconv.AppendInt(b, int64(w.Line), 10)
			b = append(b, ",\n"...)
			b = appendJSONKey(b, in3, "message")
			b = report.AppendJSONString(b, w.Message)
			b = append(b, '\n')
			b = append(b, in2...)
			b = append(b, '}')
		}
		b = append(b, '\n')
		b = append(b, in1...)
		b = append(b, ']')
	}
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, '}')
}

// appendJSONKey appends an indented object key and ": ".
func appendJSONKey(b []byte, indent, key string) []byte {
	b = append(b, indent...)
	b = report.AppendJSONString(b, key)
	return append(b, ": "...)
}

// inspectMemoryBudget is how many bytes of export files inspect reads whole and keeps. An export
// that would pass it is read twice instead: a first pass checks the whole file and counts its
// objects, keeping none; once every input has been read, a second pass prints the objects as
// they come. So inspect runs in bounded memory on an export of any size, and bad input still
// gives one error line and no output. (A variable so that tests can stream every export.)
var inspectMemoryBudget int64 = 64 << 20

// streamBatch is how many objects of a streamed export get their servers together.
const streamBatch = 4096

// inspectInputs is what inspect prints, in command-line order: certificates first, then exports.
type inspectInputs struct {
	certs    []*cert.File
	exports  []*inspectExport
	warnings []string // about input files, "FILE: message"
}

// inspectExport is one export to print: its file-level facts (Name, Format, Encoding, Warnings),
// its number of objects, and a way through its objects, which have their servers when each gets
// them.
type inspectExport struct {
	file  *export.File
	count int
	each  func(fn func(*export.Object) error) error
}

// readInspectInputs reads every input as readInputs does, except that exports past
// inspectMemoryBudget are only checked and counted here (see inspectMemoryBudget).
func readInspectInputs(e *env, args []string, pw *passwordSource) (*inspectInputs, error) {
	files, err := expand(args)
	if err != nil {
		return nil, err
	}
	in := &inputs{} // what is read whole, by the reader validate and generate use
	var order []*inspectExport
	var streamed []*streamedExport
	var servers *folderServers
	kept := int64(0)
	for _, f := range files {
		if st, ok := streamable(e, f, inspectMemoryBudget-kept); ok {
			if servers == nil {
				servers = newFolderServers(files)
			}
			s, err := firstPass(f, st, servers)
			if err != nil {
				return nil, err
			}
			if s == nil {
				in.warnings = append(in.warnings, fmt.Sprintf("%s: skipped: neither a certificate nor an export certswap can read", f.path))
				continue
			}
			streamed = append(streamed, s)
			order = append(order, &inspectExport{file: s.file, count: s.count, each: s.each})
			continue
		}
		n := len(in.exports)
		if err := in.read(e, f, pw); err != nil {
			return nil, err
		}
		if len(in.exports) > n {
			xf := in.exports[n]
			if f.path != "-" {
				if st, err := os.Stat(f.path); err == nil {
					kept += st.Size()
				}
			}
			order = append(order, &inspectExport{file: xf, count: len(xf.Objects), each: func(fn func(*export.Object) error) error {
				for _, o := range xf.Objects {
					if err := fn(o); err != nil {
						return err
					}
				}
				return nil
			}})
		}
	}
	if servers == nil {
		export.AssignServers(in.exports)
	} else {
		for _, xf := range in.exports {
			for _, o := range xf.Objects {
				servers.observe(o)
			}
		}
		servers.flush()
		export.AssignServers(append(in.exports[:len(in.exports):len(in.exports)], servers.known()))
		for _, s := range streamed {
			s.known = servers.known()
			if err := s.unchanged(); err != nil {
				return nil, err
			}
		}
	}
	return &inspectInputs{certs: in.certs, exports: order, warnings: in.warnings}, nil
}

// streamable says whether f is an export to stream: a regular file larger than room that is not
// a certificate file (those are at most 1 MiB and read whole, or refused, by inputs.read).
func streamable(e *env, f inputFile, room int64) (os.FileInfo, bool) {
	if f.path == "-" {
		return nil, false
	}
	st, err := os.Stat(f.path)
	if err != nil || !st.Mode().IsRegular() || st.Size() <= room {
		return nil, false
	}
	head, err := readHead(e, f.path, cert.MaxFileSize)
	if err != nil || cert.Sniff(head) {
		return nil, false
	}
	return st, true
}

// streamedExport is an export read in two passes.
type streamedExport struct {
	path  string
	st    os.FileInfo  // the file as the first pass found it
	file  *export.File // from the first pass: no Objects
	count int
	known *export.File // the servers objects name, for AssignServers on one batch
}

// firstPass reads a streamed export through, checking it and counting its objects, and tells
// servers which folders its objects name. It returns nil, nil for a file found in a folder whose
// kind cannot be told (skipped with a warning, as readInputs does).
func firstPass(f inputFile, st os.FileInfo, servers *folderServers) (*streamedExport, error) {
	s := &streamedExport{path: f.path, st: st}
	xf, err := export.StreamFile(f.path, func(o *export.Object) error {
		s.count++
		servers.observe(o)
		return nil
	})
	if err != nil {
		if !f.named && errors.Is(err, export.ErrUnknownFormat) {
			return nil, nil
		}
		return nil, fileError(f.path, err)
	}
	s.file = xf
	return s, nil
}

// errChanged is a streamed export that changed between the two passes.
var errChanged = errors.New("changed while certswap was reading it; run again")

// unchanged checks that the file is still the one the first pass read.
func (s *streamedExport) unchanged() error {
	st, err := os.Stat(s.path)
	if err != nil {
		return fileError(s.path, unwrapPathError(err))
	}
	if !os.SameFile(st, s.st) || st.Size() != s.st.Size() || !st.ModTime().Equal(s.st.ModTime()) {
		return fileError(s.path, errChanged)
	}
	return nil
}

// each is the second pass: it reads the file again and hands fn its objects, with their
// servers, in batches of streamBatch.
func (s *streamedExport) each(fn func(*export.Object) error) error {
	batch := make([]*export.Object, 0, streamBatch)
	n := 0
	flush := func() error {
		export.AssignServers([]*export.File{s.known, {Name: s.path, Objects: batch}})
		for _, o := range batch {
			if err := fn(o); err != nil {
				return err
			}
		}
		clear(batch)
		batch = batch[:0]
		return nil
	}
	_, err := export.StreamFile(s.path, func(o *export.Object) error {
		n++
		if batch = append(batch, o); len(batch) == streamBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fileError(s.path, err)
	}
	if n != s.count {
		return fileError(s.path, errChanged)
	}
	return nil
}

// folderServers finds out, for objects inspect does not keep, what export.AssignServers needs
// from all of them at once: which folders holding inputs are named as servers by some object.
// It asks AssignServers itself, through probes: one empty object in a file of each folder in
// question, given to AssignServers together with the objects; a probe that gets a server shows
// that the objects name its folder. Folders AssignServers gives their server whatever the objects
// say (beside certswap-collect.json) are not probed.
type folderServers struct {
	probes  map[string]string // folder → a file in it, while no object has named the folder
	named   map[string]string // folder → the server label its probe got
	pending []*export.Object  // objects not yet shown to the probes (at most streamBatch)
}

func newFolderServers(files []inputFile) *folderServers {
	fs := &folderServers{probes: map[string]string{}, named: map[string]string{}}
	for _, f := range files {
		if f.path == "-" {
			continue
		}
		if d := filepath.Dir(f.path); fs.probes[d] == "" {
			fs.probes[d] = f.path
		}
	}
	// With no object at all, only collect's layout gives a folder its server.
	pf := fs.probeFiles()
	export.AssignServers(pf)
	for _, p := range pf {
		if p.Objects[0].Server != "" {
			delete(fs.probes, filepath.Dir(p.Name))
		}
	}
	return fs
}

func (fs *folderServers) probeFiles() []*export.File {
	out := make([]*export.File, 0, len(fs.probes)+1)
	for _, p := range fs.probes {
		out = append(out, &export.File{Name: p, Objects: []*export.Object{{}}})
	}
	return out
}

// observe notes the folders o names as servers; objects are shown to the probes streamBatch at
// a time (whatever file they come from), so the cost is the number of folders per batch.
func (fs *folderServers) observe(o *export.Object) {
	if len(fs.probes) == 0 {
		return
	}
	if fs.pending = append(fs.pending, o); len(fs.pending) >= streamBatch {
		fs.flush()
	}
}

// flush shows the pending objects to the probes.
func (fs *folderServers) flush() {
	objs := fs.pending
	defer func() {
		clear(objs)
		fs.pending = objs[:0]
	}()
	if len(fs.probes) == 0 || len(objs) == 0 {
		return
	}
	pf := fs.probeFiles()
	export.AssignServers(append(pf, &export.File{Objects: objs})) // a file without a name gets no servers
	for _, p := range pf {
		if s := p.Objects[0].Server; s != "" {
			d := filepath.Dir(p.Name)
			fs.named[d] = s
			delete(fs.probes, d)
		}
	}
}

// known returns a file without a name whose objects name every server observe found (after
// flush): given to AssignServers with some of the objects, it stands for all the others.
func (fs *folderServers) known() *export.File {
	f := &export.File{}
	for _, s := range fs.named {
		f.Objects = append(f.Objects, &export.Object{Server: s})
	}
	return f
}

// jsonIndenter writes values as encoding/json's Encoder with SetIndent("", "  ") writes them at
// the nesting depth prefix stands for, so that a document written piece by piece is byte for
// byte the one encoding the whole would give.
type jsonIndenter struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONIndenter() *jsonIndenter {
	j := &jsonIndenter{}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetEscapeHTML(false)
	return j
}

func (j *jsonIndenter) write(w io.Writer, v any, prefix string) error {
	j.buf.Reset()
	j.enc.SetIndent(prefix, "  ")
	if err := j.enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
	return err
}

// writeInspectJSON writes inspect's JSON document (the shape in DESIGN.md) one export object at
// a time, byte for byte what json.Encoder with SetIndent("", "  ") gives for inspectJSON.
func writeInspectJSON(w *bufio.Writer, in *inspectInputs) error {
	j := newJSONIndenter()
	certs := []certJSON{}
	for _, cf := range in.certs {
		certs = append(certs, certificatesJSON(cf)...)
	}
	w.WriteString("{\n  \"certificates\": ")
	if err := j.write(w, certs, "  "); err != nil {
		return err
	}
	w.WriteString(",\n  \"exports\": [")
	for i, x := range in.exports {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n    {")
		warnings := x.file.Warnings
		if warnings == nil {
			warnings = []export.Warning{}
		}
		for _, kv := range []struct {
			k string
			v any
		}{{"file", x.file.Name}, {"format", x.file.Format}, {"encoding", x.file.Encoding}, {"warnings", warnings}} {
			w.WriteString("\n      \"" + kv.k + "\": ")
			if err := j.write(w, kv.v, "      "); err != nil {
				return err
			}
			w.WriteByte(',')
		}
		w.WriteString("\n      \"objects\": [")
		n := 0
		var buf []byte
		err := x.each(func(o *export.Object) error {
			if n > 0 {
				w.WriteByte(',')
			}
			n++
			w.WriteString("\n        ")
			buf = appendObjectJSON(buf[:0], o, "        ")
			_, err := w.Write(buf)
			return err
		})
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteString("\n      ")
		}
		w.WriteString("]\n    }")
	}
	if len(in.exports) > 0 {
		w.WriteString("\n  ")
	}
	w.WriteByte(']')
	if len(in.warnings) > 0 {
		w.WriteString(",\n  \"warnings\": ")
		if err := j.write(w, in.warnings, "  "); err != nil {
			return err
		}
	}
	_, err := w.WriteString("\n}\n")
	return err
}

func writeExportText(w io.Writer, e *env, x *inspectExport) error {
	xf := x.file
	fmt.Fprintf(w, "%s: export (%s, %s), %d object(s)\n", xf.Name, xf.Format, xf.Encoding, x.count)
	for _, wn := range xf.Warnings {
		fmt.Fprintf(e.stderr, "certswap: warning: %s: line %d: %s\n", xf.Name, wn.Line, wn.Message)
	}
	err := x.each(func(o *export.Object) error {
		writeObjectText(w, e, xf.Name, o)
		return nil
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w)
	return err
}

func writeObjectText(w io.Writer, e *env, name string, o *export.Object) {
	server := o.Server
	if server == "" {
		server = "(unknown server)"
	}
	fmt.Fprintf(w, "  %s %q on %s (line %d)\n", o.Kind, o.Identity, server, o.Line)
	for _, p := range o.Properties {
		if !interesting(o.Kind, p.Name) {
			continue
		}
		v := p.Value.Text
		switch {
		case p.Value.Null:
			v = "<null>"
		case p.Value.IsList:
			v = "{" + strings.Join(p.Value.List, ", ") + "}"
		}
		lossy := ""
		if p.Lossy != "" {
			lossy = "  [not exact: " + p.Lossy + "]"
		}
		fmt.Fprintf(w, "    %-32s %s%s\n", p.Name+":", v, lossy)
	}
	for _, pw := range o.Warnings {
		fmt.Fprintf(e.stderr, "certswap: warning: %s: line %d: %s: %s\n", name, pw.Line, pw.Property, pw.Message)
	}
}

// interestingProps are the properties the checks read, per kind; inspect's text view shows these
// (--json shows every property).
var interestingProps = map[export.Kind][]string{
	export.KindReceiveConnector:    {"Identity", "Name", "Server", "Fqdn", "TlsCertificateName", "Bindings", "AuthMechanism", "RequireTLS", "TlsDomainCapabilities", "TransportRole", "Enabled"},
	export.KindSendConnector:       {"Identity", "Name", "Fqdn", "TlsCertificateName", "RequireTLS", "TlsAuthLevel", "TlsDomain", "CloudServicesMailEnabled", "SmartHosts", "AddressSpaces", "SourceTransportServers", "Enabled"},
	export.KindExchangeCertificate: {"Thumbprint", "Services", "Subject", "Issuer", "NotBefore", "NotAfter", "CertificateDomains", "HasPrivateKey", "Status", "IsSelfSigned"},
	export.KindHybridConfiguration: {"Identity", "TlsCertificateName", "Domains", "Features"},
	export.KindTransportService:    {"Name", "InternalTransportCertificateThumbprint"},
	export.KindAuthConfig:          {"CurrentCertificateThumbprint", "PreviousCertificateThumbprint", "NextCertificateThumbprint"},
	export.KindPopSettings:         {"Server", "ProtocolName", "X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings", "SSLBindings"},
	export.KindImapSettings:        {"Server", "ProtocolName", "X509CertificateName", "ExternalConnectionSettings", "InternalConnectionSettings", "SSLBindings"},
	export.KindEdgeSubscription:    {"Name", "Site", "Domain"},
	export.KindAdfsSslCertificate:  {"HostName", "PortNumber", "CertificateHash"},
	export.KindAdfsCertificate:     {"CertificateType", "IsPrimary", "Thumbprint", "StoreLocation", "StoreName"},
	export.KindAdfsProperties:      {"HostName", "TlsClientPort", "HttpsPort"},
	export.KindWapSslCertificate:   {"HostName", "PortNumber", "CertificateHash"},
	export.KindWapApplication:      {"Name", "ID", "ExternalUrl", "BackendServerUrl", "ExternalCertificateThumbprint", "ExternalPreauthentication", "ADFSRelyingPartyName"},
	export.KindWapConfiguration:    {"ADFSUrl", "ADFSTokenSigningCertificatePublicKey", "ConfigurationVersion"},
	export.KindNetshSslBinding:     {"IP:port", "Hostname:port", "Central Certificate Store", "Certificate Hash", "Application ID", "Certificate Store Name"},
}

func interesting(k export.Kind, name string) bool {
	list, ok := interestingProps[k]
	if !ok {
		return true
	}
	for _, n := range list {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}
