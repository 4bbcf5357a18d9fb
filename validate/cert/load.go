package cert

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// MaxFileSize is the largest certificate file Load reads, in bytes (1 MiB).
const MaxFileSize = 1 << 20

// passwordError is a sentinel whose text is fixed and which can wrap go-pkcs12's own error.
type passwordError struct {
	msg     string
	wrapped error
}

func (e *passwordError) Error() string { return e.msg }
func (e *passwordError) Unwrap() error { return e.wrapped }

var (
	// ErrWrongPassword is returned when a PFX does not open with the password given (or with
	// the one the prompt returned). It wraps go-pkcs12's ErrIncorrectPassword.
	ErrWrongPassword error = &passwordError{"wrong password", pkcs12.ErrIncorrectPassword}

	// ErrPasswordRequired is returned when a PFX does not open with the empty password and
	// there was neither a password nor a prompt to ask for one.
	ErrPasswordRequired = errors.New("password required (use --password-file or --password-env)")

	// ErrNoPrivateKey is returned for a PFX that holds certificates but no private key.
	// go-pkcs12 cannot read such a file; a .cer or .p7b export carries the same certificates.
	ErrNoPrivateKey = errors.New("PFX holds no private key; export the certificate as .cer or .p7b instead")

	errNotCertFile = errors.New("not a certificate file (expected PFX, CER or P7B)")
)

// LoadOptions says where the password of a PFX comes from.
type LoadOptions struct {
	// Password, when not nil, is the only password tried.
	Password *string
	// Prompt, when not nil, is asked for a password after the empty password failed.
	Prompt func() (string, error)
}

// Load reads a certificate file whose format it detects from data, never from name: a PFX
// (PKCS#12), a DER certificate, PEM (one or more blocks, with or without a UTF-8 BOM, CRLF or
// LF), bare Base64 of a DER certificate, or a P7B (PKCS#7 certificates-only, DER or PEM).
//
// In a PFX the leaf is the certificate whose public key matches the private key; elsewhere
// the leaves are the certificates that issue no other certificate in the file. The other
// certificates form the chain, the leaf's issuer first.
//
// A PFX is opened with opts.Password when it is set; otherwise with the empty password and
// then, if that fails, with what opts.Prompt returns. Errors name neither the file (name is
// only recorded in File.Name) nor the password.
func Load(name string, data []byte, opts LoadOptions) (*File, error) {
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("file is over the %d-byte (1 MiB) limit for certificate files", MaxFileSize)
	}
	f, err := load(data, opts, 0)
	if err != nil {
		return nil, err
	}
	f.Name = name
	return f, nil
}

// load dispatches on content; depth stops Base64 inside Base64.
func load(data []byte, opts LoadOptions, depth int) (*File, error) {
	if looksDER(data) {
		return loadDER(data, opts)
	}
	text, ok := decodeText(data)
	if !ok {
		return nil, errNotCertFile
	}
	if strings.Contains(text, "-----BEGIN ") {
		return loadPEM(text)
	}
	raw, ok := decodeBareBase64(text)
	if !ok || depth > 0 || !looksDER(raw) {
		return nil, errNotCertFile
	}
	f, err := load(raw, opts, depth+1)
	if err != nil {
		return nil, fmt.Errorf("in Base64: %w", err)
	}
	if f.Format == FormatDER {
		f.Format = FormatBase64
	}
	return f, nil
}

// derKind is what the first bytes of a DER structure say it is.
type derKind int

const (
	kindUnknown derKind = iota
	kindCertificate
	kindPFX
	kindP7B
)

var (
	oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
)

// looksDER reports whether data starts like a binary DER SEQUENCE rather than text.
func looksDER(data []byte) bool {
	if len(data) == 0 || data[0] != 0x30 {
		return false
	}
	if len(data) < 4 {
		return true
	}
	for _, b := range data[:min(len(data), 64)] {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b >= 0x7f {
			return true
		}
	}
	return false
}

// header reads one DER tag and length at data[off:]. It returns the header length and the
// content length; ok is false when the header itself is cut off or malformed, and
// indefinite is true for a BER indefinite length.
func header(data []byte, off int) (hlen, clen int, indefinite, ok bool) {
	if off+2 > len(data) {
		return 0, 0, false, false
	}
	if data[off]&0x1f == 0x1f { // high tag numbers do not occur in the structures read here
		return 0, 0, false, false
	}
	l := int(data[off+1])
	switch {
	case l < 0x80:
		return 2, l, false, true
	case l == 0x80:
		return 2, 0, true, true
	}
	n := l & 0x7f
	if n > 4 || off+2+n > len(data) {
		return 0, 0, false, false
	}
	clen = 0
	for _, b := range data[off+2 : off+2+n] {
		clen = clen<<8 | int(b)
	}
	return 2 + n, clen, false, true
}

// classify looks only at the first headers, so it works on a truncated file too.
func classify(data []byte) derKind {
	h, _, _, ok := header(data, 0)
	if !ok || data[0] != 0x30 || h >= len(data) {
		return kindUnknown
	}
	inner := data[h:]
	switch inner[0] {
	case 0x02: // INTEGER: PFX version 3
		ih, il, _, ok := header(inner, 0)
		if ok && il == 1 && ih < len(inner) && inner[ih] == 3 {
			return kindPFX
		}
	case 0x06: // OBJECT IDENTIFIER: a PKCS#7 ContentInfo
		var id asn1.ObjectIdentifier
		s := cryptobyte.String(inner)
		if s.ReadASN1ObjectIdentifier(&id) && id.Equal(oidSignedData) {
			return kindP7B
		}
	case 0x30: // SEQUENCE: a certificate's TBSCertificate
		ih, _, _, ok := header(inner, 0)
		if ok && ih < len(inner) && (inner[ih] == 0xa0 || inner[ih] == 0x02) {
			return kindCertificate
		}
	}
	return kindUnknown
}

// checkDER checks that data is one complete DER element, followed by nothing or by zero
// bytes only (Windows pads the PKCS#7 it exports with zeros, dotnet/runtime#59212). It
// returns the element without the padding.
func checkDER(data []byte) ([]byte, error) {
	h, l, indefinite, ok := header(data, 0)
	switch {
	case indefinite:
		return nil, errors.New("BER indefinite-length encoding is not supported (convert the file to DER)")
	case !ok || h+l > len(data):
		return nil, fmt.Errorf("truncated DER at byte %d", len(data))
	}
	for i, b := range data[h+l:] {
		if b != 0 {
			return nil, fmt.Errorf("unexpected data after the DER structure at byte %d", h+l+i)
		}
	}
	return data[:h+l], nil
}

// errTruncated is berToDER's report of input that ends too soon; normalizeP7B says where.
var errTruncated = errors.New("truncated")

// maxBERDepth bounds the nesting berToDER follows.
const maxBERDepth = 64

// berToDER rewrites BER indefinite lengths as definite ones, leaving everything else as it
// is. Some CAs publish their PKCS#7 chains this way; the certificates inside are DER. It
// returns the element and the number of input bytes it took.
func berToDER(data []byte, depth int) ([]byte, int, error) {
	if depth > maxBERDepth {
		return nil, 0, errors.New("BER nesting too deep")
	}
	h, l, indefinite, ok := header(data, 0)
	if !ok {
		return nil, 0, errTruncated
	}
	if !indefinite {
		if h+l > len(data) {
			return nil, 0, errTruncated
		}
		return data[:h+l], h + l, nil
	}
	if data[0]&0x20 == 0 {
		return nil, 0, errors.New("indefinite length on a primitive BER element")
	}
	var content []byte
	off := h
	for {
		if off+2 <= len(data) && data[off] == 0 && data[off+1] == 0 {
			off += 2
			break
		}
		if off >= len(data) {
			return nil, 0, errTruncated
		}
		el, n, err := berToDER(data[off:], depth+1)
		if err != nil {
			return nil, 0, err
		}
		content = append(content, el...)
		off += n
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.Tag(data[0]), func(b *cryptobyte.Builder) { b.AddBytes(content) })
	out, err := b.Bytes()
	if err != nil {
		return nil, 0, errors.New("BER element too large")
	}
	return out, off, nil
}

// normalizeP7B returns a P7B's DER, converting BER indefinite lengths first.
func normalizeP7B(data []byte) ([]byte, error) {
	if _, _, indefinite, _ := header(data, 0); !indefinite {
		return checkDER(data)
	}
	der, n, err := berToDER(data, 0)
	if errors.Is(err, errTruncated) {
		return nil, fmt.Errorf("truncated DER at byte %d", len(data))
	}
	if err != nil {
		return nil, err
	}
	for i, b := range data[n:] {
		if b != 0 {
			return nil, fmt.Errorf("unexpected data after the DER structure at byte %d", n+i)
		}
	}
	return der, nil
}

func loadDER(data []byte, opts LoadOptions) (*File, error) {
	kind := classify(data)
	if kind == kindUnknown {
		return nil, errNotCertFile
	}
	var err error
	if kind == kindP7B {
		data, err = normalizeP7B(data)
	} else {
		data, err = checkDER(data)
	}
	if err != nil {
		return nil, err
	}
	switch kind {
	case kindPFX:
		return loadPFX(data, opts)
	case kindP7B:
		certs, err := parseP7B(data)
		if err != nil {
			return nil, err
		}
		return fileOf(FormatP7B, certs), nil
	}
	c, err := Parse(data)
	if err != nil {
		if isCSR(data) {
			return nil, errCSR
		}
		return nil, err
	}
	return fileOf(FormatDER, []*Certificate{c}), nil
}

var errCSR = errors.New("a certificate signing request (CSR), not a certificate")

// isCSR reports whether der is a PKCS#10 CertificationRequest: its info is
// SEQUENCE { INTEGER, Name, SubjectPublicKeyInfo, [0] attributes }.
func isCSR(der []byte) bool {
	s := cryptobyte.String(der)
	var req, info cryptobyte.String
	return s.ReadASN1(&req, cbasn1.SEQUENCE) && req.ReadASN1(&info, cbasn1.SEQUENCE) &&
		info.SkipASN1(cbasn1.INTEGER) && info.SkipASN1(cbasn1.SEQUENCE) && info.SkipASN1(cbasn1.SEQUENCE) &&
		info.PeekASN1Tag(tagExplicit0)
}

// decodeText returns data as text: UTF-8 (a BOM is dropped) or UTF-16 with a BOM.
func decodeText(data []byte) (string, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		data = data[3:]
	case len(data)%2 == 0 && (bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff})):
		var order binary.ByteOrder = binary.LittleEndian
		if data[0] == 0xfe {
			order = binary.BigEndian
		}
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i < len(data); i += 2 {
			u = append(u, order.Uint16(data[i:]))
		}
		s := string(utf16.Decode(u))
		return s, !strings.ContainsRune(s, 0)
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return "", false
	}
	return string(data), true
}

// decodeBareBase64 decodes text that is nothing but Base64 and white space.
func decodeBareBase64(text string) ([]byte, bool) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, text)
	if clean == "" {
		return nil, false
	}
	raw, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(clean); err != nil {
			return nil, false
		}
	}
	return raw, true
}

// PEM labels and what certswap does with them.
var (
	certLabels = map[string]bool{"CERTIFICATE": true, "X509 CERTIFICATE": true, "TRUSTED CERTIFICATE": true}
	p7Labels   = map[string]bool{"PKCS7": true, "PKCS #7 SIGNED DATA": true, "CERTIFICATE CHAIN": true}
	csrLabels  = map[string]bool{"CERTIFICATE REQUEST": true, "NEW CERTIFICATE REQUEST": true}
)

// loadPEM reads every certificate and PKCS#7 block of a PEM text; other blocks (private keys
// among them) are skipped without being decoded.
func loadPEM(text string) (*File, error) {
	lines := pemLines(text)
	var certs []*Certificate
	var skipped []string
	sawCert, sawP7 := false, false
	for i := 0; i < len(lines); i++ {
		label, ok := pemBoundary(lines[i].text, "-----BEGIN ")
		if !ok {
			continue
		}
		begin := lines[i].no
		var b64 strings.Builder
		inHeaders := true
		closed := false
		for i++; i < len(lines); i++ {
			l := lines[i].text
			if end, ok := pemBoundary(l, "-----END "); ok {
				if end != label {
					return nil, fmt.Errorf("line %d: PEM block %q begun at line %d ends with %q", lines[i].no, label, begin, end)
				}
				closed = true
				break
			}
			if strings.HasPrefix(l, "-----BEGIN ") {
				return nil, fmt.Errorf("line %d: PEM block %q begun at line %d has no END line", lines[i].no, label, begin)
			}
			if inHeaders && strings.Contains(l, ":") {
				continue // RFC 1421 headers such as Proc-Type
			}
			inHeaders = inHeaders && l == ""
			b64.WriteString(strings.Join(strings.Fields(l), ""))
		}
		if !closed {
			return nil, fmt.Errorf("line %d: PEM block %q has no END line", begin, label)
		}
		isCert, isP7 := certLabels[label], p7Labels[label]
		if !isCert && !isP7 {
			skipped = append(skipped, label)
			continue
		}
		der, err := base64.StdEncoding.DecodeString(b64.String())
		if err != nil {
			return nil, fmt.Errorf("line %d: PEM block %q is not valid Base64", begin, label)
		}
		if isP7 {
			if classify(der) != kindP7B {
				return nil, fmt.Errorf("line %d: PEM block %q is not PKCS#7 SignedData", begin, label)
			}
			if der, err = normalizeP7B(der); err != nil {
				return nil, fmt.Errorf("line %d: %w", begin, err)
			}
			cs, err := parseP7B(der)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", begin, err)
			}
			certs = append(certs, cs...)
			sawP7 = true
			continue
		}
		if label == "TRUSTED CERTIFICATE" {
			// OpenSSL's form: the certificate, then its trust settings.
			if h, l, _, ok := header(der, 0); ok && h+l <= len(der) {
				der = der[:h+l]
			}
		}
		if der, err = checkDER(der); err != nil {
			return nil, fmt.Errorf("line %d: %w", begin, err)
		}
		c, err := Parse(der)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", begin, err)
		}
		certs = append(certs, c)
		sawCert = true
	}
	if len(certs) == 0 {
		for _, l := range skipped {
			if csrLabels[l] {
				return nil, errCSR
			}
		}
		if len(skipped) > 0 {
			return nil, fmt.Errorf("PEM file holds no certificate (only %s)", strings.Join(skipped, ", "))
		}
		return nil, errors.New("PEM file holds no certificate")
	}
	format := FormatPEM
	if sawP7 && !sawCert {
		format = FormatP7B
	}
	return fileOf(format, certs), nil
}

// pemLine is one line of PEM text with its line number in the file.
type pemLine struct {
	text string
	no   int
}

// pemLines splits text into trimmed lines, and also splits a line that holds a BEGIN or
// END boundary together with other text (a certificate pasted as one line).
func pemLines(text string) []pemLine {
	var out []pemLine
	for n, line := range strings.Split(text, "\n") {
		s := strings.TrimSpace(line)
		for s != "" {
			i, plen := boundaryIndex(s)
			if i < 0 {
				out = append(out, pemLine{s, n + 1})
				break
			}
			if i > 0 {
				out = append(out, pemLine{strings.TrimSpace(s[:i]), n + 1})
				s = s[i:]
			}
			k := strings.Index(s[plen:], "-----")
			if k < 0 {
				out = append(out, pemLine{s, n + 1})
				break
			}
			out = append(out, pemLine{s[:plen+k+5], n + 1})
			s = strings.TrimSpace(s[plen+k+5:])
		}
	}
	return out
}

// boundaryIndex finds the first "-----BEGIN " or "-----END " in s, in one pass, and the
// length of that prefix.
func boundaryIndex(s string) (int, int) {
	for off := 0; ; {
		p := strings.Index(s[off:], "-----")
		if p < 0 {
			return -1, 0
		}
		p += off
		switch {
		case strings.HasPrefix(s[p:], "-----BEGIN "):
			return p, len("-----BEGIN ")
		case strings.HasPrefix(s[p:], "-----END "):
			return p, len("-----END ")
		}
		off = p + 1
	}
}

// pemBoundary reads "-----BEGIN LABEL-----" or "-----END LABEL-----".
func pemBoundary(line, prefix string) (string, bool) {
	if !strings.HasPrefix(line, prefix) || !strings.HasSuffix(line, "-----") || len(line) < len(prefix)+5 {
		return "", false
	}
	return line[len(prefix) : len(line)-5], true
}

// parseP7B reads the certificates of a PKCS#7 SignedData (a .p7b file). der is one
// complete DER element.
func parseP7B(der []byte) ([]*Certificate, error) {
	s := cryptobyte.String(der)
	var ci, content, sd cryptobyte.String
	var id asn1.ObjectIdentifier
	if !s.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&id) || !id.Equal(oidSignedData) {
		return nil, errors.New("not PKCS#7 SignedData")
	}
	if !ci.ReadASN1(&content, tagExplicit0) || !content.ReadASN1(&sd, cbasn1.SEQUENCE) {
		return nil, errors.New("damaged P7B: no SignedData content")
	}
	var certSet cryptobyte.String
	var has bool
	if !sd.SkipASN1(cbasn1.INTEGER) || !sd.SkipASN1(cbasn1.SET) || !sd.SkipASN1(cbasn1.SEQUENCE) ||
		!sd.ReadOptionalASN1(&certSet, &has, tagExplicit0) {
		return nil, errors.New("damaged P7B: bad SignedData header")
	}
	var certs []*Certificate
	for n := 1; !certSet.Empty(); n++ {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !certSet.ReadAnyASN1Element(&el, &tag) {
			return nil, errors.New("damaged P7B: bad certificate set")
		}
		if tag != cbasn1.SEQUENCE {
			continue // attribute certificates and other choices
		}
		c, err := Parse(el)
		if err != nil {
			return nil, fmt.Errorf("P7B certificate %d: %w", n, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("P7B holds no certificate")
	}
	return certs, nil
}

// fileOf builds a File from certificates read from a CER, PEM or P7B: the leaves are those
// that issue no other certificate of the file.
func fileOf(format Format, certs []*Certificate) *File {
	certs = dedupe(certs)
	var leaves []*Certificate
	for _, c := range certs {
		issuesOther := false
		for _, o := range certs {
			if o != c && issues(c, o) {
				issuesOther = true
				break
			}
		}
		if !issuesOther {
			leaves = append(leaves, c)
		}
	}
	if len(leaves) == 0 { // every certificate issues another (cross-signed CAs)
		leaves = certs[:1]
	}
	return &File{Format: format, Leaves: leaves, Chain: orderChain(leaves, certs)}
}

func dedupe(certs []*Certificate) []*Certificate {
	seen := map[string]bool{}
	out := certs[:0:0]
	for _, c := range certs {
		if !seen[c.Thumbprint] {
			seen[c.Thumbprint] = true
			out = append(out, c)
		}
	}
	return out
}

// issues reports whether a's subject is the issuer named in b (b not self-issued).
func issues(a, b *Certificate) bool {
	return bytes.Equal(b.RawIssuer, a.RawSubject) && !bytes.Equal(b.RawIssuer, b.RawSubject)
}

// orderChain lists the certificates that are not leaves: from each leaf's issuer upward,
// then any left over in file order.
func orderChain(leaves, certs []*Certificate) []*Certificate {
	used := map[*Certificate]bool{}
	for _, l := range leaves {
		used[l] = true
	}
	var chain []*Certificate
	for _, l := range leaves {
		cur := l
		for !bytes.Equal(cur.RawIssuer, cur.RawSubject) {
			var next *Certificate
			for _, c := range certs {
				if !used[c] && bytes.Equal(c.RawSubject, cur.RawIssuer) {
					next = c
					break
				}
			}
			if next == nil {
				break
			}
			used[next] = true
			chain = append(chain, next)
			cur = next
		}
	}
	for _, c := range certs {
		if !used[c] {
			chain = append(chain, c)
		}
	}
	return chain
}

// maxPFXIterations caps the MAC key-derivation iterations certswap will run for a PFX, so a
// damaged or hostile file cannot keep it busy for minutes. Windows and OpenSSL write 2,000 to
// 10,000; Java writes up to a few hundred thousand. A variable only so that FuzzLoad can
// lower it.
var maxPFXIterations int64 = 1_000_000

// macIterations reads the iteration count of a PFX's MacData without decrypting anything
// (1 when there is no MacData or no count, 0 when it cannot be read).
func macIterations(data []byte) int64 {
	s := cryptobyte.String(data)
	var pfx, mac cryptobyte.String
	var has bool
	if !s.ReadASN1(&pfx, cbasn1.SEQUENCE) || !pfx.SkipASN1(cbasn1.INTEGER) || !pfx.SkipASN1(cbasn1.SEQUENCE) ||
		!pfx.ReadOptionalASN1(&mac, &has, cbasn1.SEQUENCE) {
		return 0
	}
	if !has {
		return 1
	}
	if !mac.SkipASN1(cbasn1.SEQUENCE) || !mac.SkipASN1(cbasn1.OCTET_STRING) {
		return 0
	}
	if mac.Empty() {
		return 1
	}
	var n int64
	if !mac.ReadASN1Integer(&n) {
		return 0
	}
	return n
}

// kdfIterations is the largest iteration count any PBE or PBKDF2 parameter set in a PFX names
// (the encrypted certificate bags and key bags), found without decrypting anything: go-pkcs12
// runs whatever count a file asks for, so a hostile file could keep certswap busy for hours. It
// walks every constructed element and every OCTET STRING that holds DER, at most 32 deep.
func kdfIterations(der []byte, depth int) int64 {
	var most int64
	s := cryptobyte.String(der)
	for depth < 32 && !s.Empty() {
		var elem cryptobyte.String
		var tag cbasn1.Tag
		if !s.ReadAnyASN1(&elem, &tag) {
			break
		}
		if tag == cbasn1.SEQUENCE {
			most = max(most, pbeIterations(elem))
		}
		if tag&0x20 != 0 || tag == cbasn1.OCTET_STRING { // constructed, or DER inside an OCTET STRING
			most = max(most, kdfIterations(elem, depth+1))
		}
	}
	return most
}

// pbeIterations reads the iteration count of an AlgorithmIdentifier for PKCS#12 PBE
// (1.2.840.113549.1.12.1.*: salt, iterations) or PBKDF2 (1.2.840.113549.1.5.12: salt,
// iterationCount, ...); 0 for any other SEQUENCE. A count too big for int64 is reported as the
// largest int64.
func pbeIterations(seq cryptobyte.String) int64 {
	var oid asn1.ObjectIdentifier
	if !seq.ReadASN1ObjectIdentifier(&oid) {
		return 0
	}
	pkcs12PBE := len(oid) == 8 && oid[:7].Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1})
	if !pkcs12PBE && !oid.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}) {
		return 0
	}
	var params, salt cryptobyte.String
	var saltTag cbasn1.Tag
	if !seq.ReadASN1(&params, cbasn1.SEQUENCE) || !params.ReadAnyASN1(&salt, &saltTag) || !params.PeekASN1Tag(cbasn1.INTEGER) {
		return 0
	}
	var n int64
	if !params.ReadASN1Integer(&n) {
		return 1<<63 - 1
	}
	return n
}

// loadPFX opens a PFX with the password logic of LoadOptions.
func loadPFX(data []byte, opts LoadOptions) (*File, error) {
	if n := macIterations(data); n < 1 {
		return nil, errors.New("damaged PFX: its MAC data cannot be read")
	} else if n > maxPFXIterations {
		return nil, fmt.Errorf("PFX asks for %d MAC iterations; certswap stops at %d", n, maxPFXIterations)
	}
	if n := kdfIterations(data, 0); n > maxPFXIterations {
		return nil, fmt.Errorf("PFX asks for %d key-derivation iterations to decrypt its contents; certswap stops at %d", n, maxPFXIterations)
	}
	if opts.Password != nil {
		return decodePFX(data, *opts.Password)
	}
	f, err := decodePFX(data, "")
	if !errors.Is(err, ErrWrongPassword) {
		return f, err
	}
	if opts.Prompt == nil {
		return nil, ErrPasswordRequired
	}
	pw, err := opts.Prompt()
	if err != nil {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	return decodePFX(data, pw)
}

var errTwoKeys = errors.New("PFX holds two private keys")

// errKeyNoCert is a PFX that holds a private key and no certificate (openssl pkcs12 -export
// -nocerts makes one).
var errKeyNoCert = errors.New("PFX holds a private key but no certificate; export the certificate together with its private key")

// decodePFX reads a PFX through go-pkcs12: ToPEM gives each certificate's DER and the bag
// attributes; when it cannot (bag attributes it does not know, such as Windows' "Local Key
// Set"), DecodeChain gives the certificates and the key.
func decodePFX(data []byte, password string) (*File, error) {
	blocks, err := pkcs12.ToPEM(data, password)
	if err == nil {
		return pfxFromBlocks(blocks)
	}
	if errors.Is(err, pkcs12.ErrIncorrectPassword) {
		return nil, ErrWrongPassword
	}
	var nie pkcs12.NotImplementedError
	if errors.As(err, &nie) && strings.HasSuffix(string(nie), "this file has 1") {
		// One authenticated-safe item: a certificate-only PFX, or certificates and key together.
		_, terr := pkcs12.DecodeTrustStore(data, password)
		if terr == nil || strings.Contains(terr.Error(), "not marked as trusted") {
			return nil, ErrNoPrivateKey
		}
	}
	key, leaf, cas, derr := pkcs12.DecodeChain(data, password)
	if derr != nil {
		return nil, pfxError(derr)
	}
	var certs []*Certificate
	for i, x := range append([]*x509.Certificate{leaf}, cas...) {
		c, err := Parse(x.Raw)
		if err != nil {
			return nil, fmt.Errorf("PFX certificate %d: %w", i+1, err)
		}
		certs = append(certs, c)
	}
	return pfxFile(certs, key, keyBagCSP(data))
}

// pfxError turns a go-pkcs12 error into a fixed text that carries nothing of the file's
// secret parts.
func pfxError(err error) error {
	var nie pkcs12.NotImplementedError
	msg := err.Error()
	switch {
	case errors.Is(err, pkcs12.ErrIncorrectPassword):
		return ErrWrongPassword
	case strings.Contains(msg, "private key missing"):
		return ErrNoPrivateKey
	case strings.Contains(msg, "certificate missing"):
		return errKeyNoCert
	case strings.Contains(msg, "expected exactly one key bag"):
		return errTwoKeys
	case strings.Contains(msg, "no MAC in data"):
		return errors.New("PFX has no integrity MAC, so it opens only with the empty password")
	case strings.Contains(msg, "unknown private key type"):
		return errors.New("PFX private key is of a type certswap cannot read")
	case errors.As(err, &nie):
		return fmt.Errorf("unsupported PFX: %s", strings.TrimPrefix(msg, "pkcs12: "))
	case errors.Is(err, pkcs12.ErrDecryption):
		return errors.New("damaged PFX: a part does not decrypt")
	}
	return errors.New("damaged or unsupported PFX (go-pkcs12 cannot decode it)")
}

// pfxFromBlocks reads ToPEM's output: certificate blocks carry the DER, key blocks PKCS#1 or
// SEC 1 keys; both carry the bag attributes as headers.
func pfxFromBlocks(blocks []*pem.Block) (*File, error) {
	var certs []*Certificate
	var keys []*pem.Block
	for _, b := range blocks {
		switch b.Type {
		case "CERTIFICATE":
			c, err := Parse(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PFX certificate %d: %w", len(certs)+1, err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY":
			keys = append(keys, b)
		}
	}
	switch {
	case len(keys) == 2:
		return nil, errTwoKeys
	case len(keys) > 2:
		return nil, fmt.Errorf("PFX holds %d private keys", len(keys))
	case len(keys) == 0:
		return nil, ErrNoPrivateKey
	}
	var key crypto.PrivateKey
	if k, err := x509.ParsePKCS1PrivateKey(keys[0].Bytes); err == nil {
		key = k
	} else if k, err := x509.ParseECPrivateKey(keys[0].Bytes); err == nil {
		key = k
	} else {
		return nil, errors.New("damaged PFX: its private key cannot be read")
	}
	return pfxFile(certs, key, keys[0].Headers[cspHeader])
}

// cspHeader is the header ToPEM gives the "Microsoft CSP Name" bag attribute.
const cspHeader = "Microsoft CSP Name"

// pfxFile picks the leaf of a PFX (the certificate whose public key is the private key's)
// and orders the rest as its chain.
func pfxFile(certs []*Certificate, key crypto.PrivateKey, provider string) (*File, error) {
	certs = dedupe(certs)
	if len(certs) == 0 {
		return nil, errKeyNoCert
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("PFX private key is of a type certswap cannot read")
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok {
		return nil, errors.New("PFX private key is of a type certswap cannot read")
	}
	var leaf *Certificate
	for _, c := range certs {
		if p := publicKey(c); p != nil && pub.Equal(p) {
			leaf = c
			break
		}
	}
	if leaf == nil {
		return nil, errors.New("PFX private key belongs to none of its certificates")
	}
	leaf.HasPrivateKey = true
	leaf.KeyProvider = provider
	leaves := []*Certificate{leaf}
	return &File{Format: FormatPFX, Leaves: leaves, Chain: orderChain(leaves, certs), Key: key}, nil
}

// publicKey returns the certificate's public key, also when crypto/x509 refused the certificate.
func publicKey(c *Certificate) crypto.PublicKey {
	if c.X509 != nil {
		return c.X509.PublicKey
	}
	t, err := readCertificate(c.Raw)
	if err != nil {
		return nil
	}
	p, err := x509.ParsePKIXPublicKey(t.spki)
	if err != nil {
		return nil
	}
	return p
}

var (
	oidShroudedKeyBag = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 2}
	oidKeyBag         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 1}
	oidMicrosoftCSP   = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 17, 1}
)

// keyBagCSP returns the "Microsoft CSP Name" attribute of the first key bag found in the
// PFX's unencrypted parts ("" if none). Windows and OpenSSL keep key bags in a plain data
// safe, with the key itself encrypted inside the bag; this reads only the bag attributes,
// which are not encrypted, and is called only after go-pkcs12 has checked the file's MAC.
func keyBagCSP(data []byte) string {
	s := cryptobyte.String(data)
	var pfx, authSafe, content, octets cryptobyte.String
	var id asn1.ObjectIdentifier
	if !s.ReadASN1(&pfx, cbasn1.SEQUENCE) || !pfx.SkipASN1(cbasn1.INTEGER) ||
		!pfx.ReadASN1(&authSafe, cbasn1.SEQUENCE) || !authSafe.ReadASN1ObjectIdentifier(&id) || !id.Equal(oidData) ||
		!authSafe.ReadASN1(&content, tagExplicit0) || !content.ReadASN1(&octets, cbasn1.OCTET_STRING) {
		return ""
	}
	var infos cryptobyte.String
	if !octets.ReadASN1(&infos, cbasn1.SEQUENCE) {
		return ""
	}
	for !infos.Empty() {
		var ci, c, safe, bags cryptobyte.String
		if !infos.ReadASN1(&ci, cbasn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&id) {
			return ""
		}
		if !id.Equal(oidData) || !ci.ReadASN1(&c, tagExplicit0) || !c.ReadASN1(&safe, cbasn1.OCTET_STRING) ||
			!safe.ReadASN1(&bags, cbasn1.SEQUENCE) {
			continue
		}
		for !bags.Empty() {
			var bag, attrs cryptobyte.String
			var has bool
			if !bags.ReadASN1(&bag, cbasn1.SEQUENCE) || !bag.ReadASN1ObjectIdentifier(&id) ||
				!bag.SkipASN1(tagExplicit0) || !bag.ReadOptionalASN1(&attrs, &has, cbasn1.SET) {
				break
			}
			if !has || !(id.Equal(oidShroudedKeyBag) || id.Equal(oidKeyBag)) {
				continue
			}
			for !attrs.Empty() {
				var attr, values, v cryptobyte.String
				var aid asn1.ObjectIdentifier
				if !attrs.ReadASN1(&attr, cbasn1.SEQUENCE) || !attr.ReadASN1ObjectIdentifier(&aid) ||
					!attr.ReadASN1(&values, cbasn1.SET) {
					break
				}
				if aid.Equal(oidMicrosoftCSP) && values.ReadASN1(&v, cbasn1.Tag(30)) && len(v)%2 == 0 {
					u := make([]uint16, len(v)/2)
					for i := range u {
						u[i] = binary.BigEndian.Uint16(v[2*i:])
					}
					return strings.TrimRight(string(utf16.Decode(u)), "\x00")
				}
			}
		}
	}
	return ""
}

// PEM labels that mark a certificate file for Sniff.
var sniffLabels = []string{
	"-----BEGIN CERTIFICATE-----", "-----BEGIN X509 CERTIFICATE-----", "-----BEGIN TRUSTED CERTIFICATE-----",
	"-----BEGIN PKCS7-----", "-----BEGIN PKCS #7 SIGNED DATA-----", "-----BEGIN CERTIFICATE CHAIN-----",
}

// Sniff reports, from the first bytes only, whether data looks like a certificate file
// Load reads (PFX, DER, PEM, bare Base64 or P7B). It tells certificates from exports by
// content; a file it accepts may still fail to load (truncated, wrong password).
func Sniff(data []byte) bool {
	if looksDER(data) {
		k := classify(data)
		return k != kindUnknown && !(k == kindCertificate && isCSR(data))
	}
	head := data[:min(len(data), 8192)]
	var text string
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		text = string(head[3:])
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		var order binary.ByteOrder = binary.LittleEndian
		if head[0] == 0xfe {
			order = binary.BigEndian
		}
		u := make([]uint16, 0, len(head)/2)
		for i := 2; i+1 < len(head); i += 2 {
			u = append(u, order.Uint16(head[i:]))
		}
		text = string(utf16.Decode(u))
	default:
		text = string(head)
	}
	if strings.ContainsRune(text, 0) {
		return false
	}
	for _, l := range sniffLabels {
		if strings.Contains(text, l) {
			return true
		}
	}
	// Bare Base64: nothing but the Base64 alphabet and white space, decoding to DER.
	var clean strings.Builder
	for _, r := range text {
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '+', r == '/', r == '=':
			clean.WriteRune(r)
		default:
			return false
		}
	}
	c := clean.String()
	c = c[:min(len(c), 64)&^3]
	raw, err := base64.StdEncoding.DecodeString(c)
	return err == nil && looksDER(raw) && classify(raw) != kindUnknown
}
