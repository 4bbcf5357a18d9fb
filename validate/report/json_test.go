package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"certswap/validate"
)

// stdJSON is the report as encoding/json writes it (the oracle for WriteJSON): the shape
// WriteJSON promises, built the way it was built before it was written by hand — nil lists as
// [], at in UTC, two-space indentation, HTML escaping off, one trailing newline.
func stdJSON(r *validate.Report) ([]byte, error) {
	c := *r
	if c.Notes == nil {
		c.Notes = []validate.Note{}
	}
	if c.Findings == nil {
		c.Findings = []validate.Finding{}
	}
	if c.Certificate.DNSNames == nil {
		c.Certificate.DNSNames = []string{}
	}
	if c.Old.Thumbprints == nil {
		c.Old.Thumbprints = []string{}
	}
	if c.Old.TLSCertificateNames == nil {
		c.Old.TLSCertificateNames = []string{}
	}
	c.At = c.At.UTC()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// hostile are pieces of text a value from an export or a certificate may hold: JSON's own
// specials, every C0 control, DEL and C1 controls, HTML characters (not escaped here), the
// JavaScript line terminators, invalid UTF-8 (stray continuation, truncated sequences, an encoded
// surrogate, an overlong form, 0xFF), U+FFFD itself, PowerShell's quote characters, and text
// beyond the BMP.
var hostile = func() []string {
	out := []string{`"`, `\`, `\"`, `"\`, "<", ">", "&", "<I>", "\u2028", "\u2029", "\u2027", "\u202a",
		"\x7f", "\u0080", "\u009f", "\u00a0", "\xff", "\x80", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xc0\xaf",
		"\xf4\x90\x80\x80", "\ufffd", "'", "\u2018", "\u2019", "\u201c", "`", "$", "é", "日本", "😀", "\U0010FFFF",
		"CN=mail.contoso.com", `EX01\Default Frontend EX01`, " ", "", "/", "\u200e"}
	for c := 0; c < 0x20; c++ {
		out = append(out, string(rune(c)))
	}
	return out
}()

func randString(rng *rand.Rand) string {
	if rng.IntN(8) == 0 {
		return ""
	}
	var b strings.Builder
	for n := rng.IntN(12); n >= 0; n-- {
		if rng.IntN(3) == 0 {
			b.WriteString(hostile[rng.IntN(len(hostile))])
		} else {
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String()
}

func randStrings(rng *rand.Rand) []string {
	switch rng.IntN(4) {
	case 0:
		return nil
	case 1:
		return []string{}
	}
	out := make([]string, rng.IntN(5)+1)
	for i := range out {
		out[i] = randString(rng)
	}
	return out
}

func randTime(rng *rand.Rand) time.Time {
	zones := []*time.Location{time.UTC, time.FixedZone("", 0), time.FixedZone("X", 5*3600+30*60), time.FixedZone("Y", -(11*3600 + 45*60)), time.FixedZone("Z", 23*3600+59*60)}
	t := time.Date(rng.IntN(10000), time.Month(rng.IntN(12)+1), rng.IntN(28)+1, rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)
	switch rng.IntN(4) {
	case 0:
		t = t.Add(time.Duration(rng.IntN(1e9)))
	case 1:
		t = t.Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
	}
	t = t.In(zones[rng.IntN(len(zones))])
	if t.Year() < 0 || t.Year() > 9999 {
		t = t.UTC()
	}
	return t
}

func randInt(rng *rand.Rand) int {
	switch rng.IntN(5) {
	case 0:
		return 0
	case 1:
		return -rng.IntN(1000)
	case 2:
		return math.MaxInt - rng.IntN(3)
	case 3:
		return math.MinInt + rng.IntN(3)
	}
	return rng.IntN(1 << 20)
}

func randReport(rng *rand.Rand) *validate.Report {
	sev := []validate.Severity{validate.SeverityError, validate.SeverityWarning, validate.SeverityNotice, validate.SeverityNone, validate.Severity(randString(rng))}
	r := &validate.Report{
		Stage: validate.Stage(randString(rng)), At: randTime(rng),
		Certificate: validate.CertificateSummary{File: randString(rng), Thumbprint: randString(rng), SHA256: randString(rng),
			Subject: randString(rng), Issuer: randString(rng), TLSCertificateName: randString(rng), SerialNumber: randString(rng),
			NotBefore: randTime(rng), NotAfter: randTime(rng), DNSNames: randStrings(rng), HasPrivateKey: rng.IntN(2) == 0},
		Old:     validate.OldSummary{Source: randString(rng), Thumbprints: randStrings(rng), TLSCertificateNames: randStrings(rng)},
		Summary: validate.Summary{Error: randInt(rng), Warning: randInt(rng), Notice: randInt(rng)},
	}
	if n := rng.IntN(4); n > 0 {
		for i := 0; i < n-1; i++ {
			r.Notes = append(r.Notes, validate.Note{File: randString(rng), Line: randInt(rng), Message: randString(rng), Input: rng.IntN(2) == 0})
		}
		if r.Notes == nil {
			r.Notes = []validate.Note{}
		}
	}
	if n := rng.IntN(6); n > 0 {
		for i := 0; i < n-1; i++ {
			r.Findings = append(r.Findings, validate.Finding{ID: randString(rng), Severity: sev[rng.IntN(len(sev))],
				Product: validate.Product(randString(rng)), Server: randString(rng), Object: randString(rng), File: randString(rng),
				Line: randInt(rng), Message: randString(rng), Fix: randString(rng), Change: &validate.Change{Old: randString(rng)}})
		}
		if r.Findings == nil {
			r.Findings = []validate.Finding{}
		}
	}
	return r
}

func sameAsStd(t *testing.T, name string, r *validate.Report) {
	t.Helper()
	want, werr := stdJSON(r)
	var got bytes.Buffer
	gerr := WriteJSON(&got, r)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: encoding/json error %v, WriteJSON error %v", name, werr, gerr)
	}
	if werr != nil {
		if werr.Error() != gerr.Error() {
			t.Errorf("%s: error %q, encoding/json says %q", name, gerr, werr)
		}
		if got.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", name, got.Len())
		}
		return
	}
	if !bytes.Equal(got.Bytes(), want) {
		i := firstDiff(got.String(), string(want))
		t.Fatalf("%s: WriteJSON differs from encoding/json at byte %d:\n got %q\nwant %q", name, i,
			got.String()[max(0, i-40):min(got.Len(), i+40)], string(want)[max(0, i-40):min(len(want), i+40)])
	}
}

// TestJSONMatchesEncodingJSON compares WriteJSON with encoding/json, byte for byte, on the story
// reports and on 3,000 random reports made of hostile strings, odd times and extreme numbers.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	sameAsStd(t, "empty", &validate.Report{})
	sameAsStd(t, "exchange story", storyReport(t, oldName))
	sameAsStd(t, "adfs story", adfsStoryReport(t))
	var all strings.Builder
	for _, h := range hostile {
		all.WriteString(h)
	}
	sameAsStd(t, "every hostile piece", &validate.Report{Stage: validate.Stage(all.String()),
		Findings: []validate.Finding{{Message: all.String(), Fix: all.String()}}, Notes: []validate.Note{{Message: all.String()}}})
	for b := 0; b < 256; b++ {
		s := string([]byte{'a', byte(b), 'z'})
		sameAsStd(t, fmt.Sprintf("byte %#02x", b), &validate.Report{Findings: []validate.Finding{{Message: s}}})
	}
	rng := rand.New(rand.NewPCG(8, 2026))
	for i := 0; i < 3000; i++ {
		sameAsStd(t, fmt.Sprintf("random report %d", i), randReport(rng))
	}
}

// TestJSONRefusesTimesLikeEncodingJSON: a year RFC 3339 cannot show fails as it does in
// encoding/json, and nothing is written.
func TestJSONRefusesTimesLikeEncodingJSON(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600)),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", -99*3600)),
	} {
		r := storyReport(t, oldName)
		r.Certificate.NotAfter = tm
		sameAsStd(t, "notAfter "+tm.String(), r)
		r = storyReport(t, oldName)
		r.Certificate.NotBefore = tm
		sameAsStd(t, "notBefore "+tm.String(), r)
		r = storyReport(t, oldName)
		r.At = tm
		sameAsStd(t, "at "+tm.String(), r)
	}
}

// chunkWriter records the size of every write.
type chunkWriter struct {
	bytes.Buffer
	writes []int
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, len(p))
	return c.Buffer.Write(p)
}

// TestJSONStreams: a large report goes out in many pieces of bounded size, never whole.
func TestJSONStreams(t *testing.T) {
	r := storyReport(t, oldName)
	f := r.Findings[0]
	for len(r.Findings) < 5000 {
		r.Findings = append(r.Findings, f)
	}
	var w chunkWriter
	if err := WriteJSON(&w, r); err != nil {
		t.Fatal(err)
	}
	want, _ := stdJSON(r)
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatal("streamed report differs from encoding/json")
	}
	if len(w.writes) < w.Len()/(2*jsonChunk) {
		t.Errorf("%d bytes in %d writes", w.Len(), len(w.writes))
	}
	for _, n := range w.writes {
		if n > 2*jsonChunk {
			t.Errorf("a write of %d bytes (chunk %d)", n, jsonChunk)
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	f.n++
	return 0, errors.New("disk full")
}

// TestJSONWriteError: the first write error is returned, and no further write is tried.
func TestJSONWriteError(t *testing.T) {
	r := storyReport(t, oldName)
	for len(r.Findings) < 2000 {
		r.Findings = append(r.Findings, r.Findings[0])
	}
	w := &failWriter{}
	if err := WriteJSON(w, r); err == nil || err.Error() != "disk full" {
		t.Fatalf("error %v", err)
	}
	if w.n != 1 {
		t.Errorf("%d writes after the first failed", w.n-1)
	}
}

// FuzzJSONString compares the string encoder with encoding/json on arbitrary bytes.
func FuzzJSONString(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Add(oldName)
	f.Add(fixDefault)
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(b.String(), "\n")
		if got := string(AppendJSONString(nil, s)); got != want {
			t.Fatalf("%q: got %s, encoding/json %s", s, got, want)
		}
	})
}
