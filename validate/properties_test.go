package validate

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"certswap/validate/cert"
	"certswap/validate/export"
)

// TestMain records every property a check reads while the package's tests run (the hand-built
// cases of checks_test.go, the stories, the fixture runs below) and fails the run when one is not
// kept by Slim: checkedProperties must list it. A run with -bench records nothing.
func TestMain(m *testing.M) {
	flag.Parse()
	if b := flag.Lookup("test.bench"); b != nil && b.Value.String() != "" {
		os.Exit(m.Run()) // benchmarks measure get without the recording
	}
	var mu sync.Mutex
	reads := map[string]bool{}
	readHook = func(k export.Kind, name string) {
		mu.Lock()
		reads[string(k)+"\x00"+name] = true
		mu.Unlock()
	}
	code := m.Run()
	readHook = nil
	var missing []string
	for r := range reads {
		k, name, _ := strings.Cut(r, "\x00")
		o := &export.Object{Kind: export.Kind(k), Properties: []export.Property{{Name: name}}}
		Slim(o)
		if len(o.Properties) == 0 {
			missing = append(missing, fmt.Sprintf("%s %q", kindOrNone(k), name))
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		fmt.Fprintf(os.Stderr, "FAIL: checks read properties that checkedProperties (properties.go) does not list, so Slim drops them:\n\t%s\n", strings.Join(missing, "\n\t"))
		code = 1
	}
	os.Exit(code)
}

func kindOrNone(k string) string {
	if k == "" {
		return "(no kind)"
	}
	return k
}

func TestSlim(t *testing.T) {
	o := &export.Object{Kind: export.KindWapApplication, Identity: "OWA", Server: "", File: "f", Line: 3,
		Properties: []export.Property{
			{Name: "BackendServerUrl", Value: export.Value{Text: "https://mail/owa/"}, Line: 3},
			{Name: "externalcertificatethumbprint", Value: export.Value{Text: "AB"}, Line: 4, Lossy: "masked"},
			{Name: "ExternalUrl", Value: export.Value{Text: "https://owa.contoso.com/"}, Line: 5},
			{Name: "ID", Value: export.Value{Null: true}, Line: 6},
			{Name: "Name", Value: export.Value{IsList: true, List: []string{"a", "b"}}, Line: 7},
			{Name: "Thumbprint", Value: export.Value{Text: "CD"}, Line: 8},            // a thumbprint of any kind
			{Name: "ſubject", Value: export.Value{Text: "folds to Subject"}, Line: 9}, // not a WapApplication property
			{Name: "PSComputerName", Value: export.Value{Text: "WAP01"}, Line: 10},
			{Name: "ExternalPreauthentication", Value: export.Value{Text: "ADFS"}, Line: 11},
		},
		Warnings: []export.PropertyWarning{{Property: "BackendServerUrl", Line: 3, Message: "kept"}},
	}
	want := *o
	want.Properties = []export.Property{o.Properties[1], o.Properties[2], o.Properties[3], o.Properties[4], o.Properties[5], o.Properties[7]}
	want.Warnings = append([]export.PropertyWarning(nil), o.Warnings...)
	Slim(o)
	if !reflect.DeepEqual(*o, want) {
		t.Errorf("slim:\n got %+v\nwant %+v", *o, want)
	}

	// A name that folds to a kept one only by Unicode simple folding (U+212A KELVIN SIGN, U+017F
	// LONG S) is kept, as Get finds it.
	c := &export.Object{Kind: export.KindExchangeCertificate, Properties: []export.Property{{Name: "ſervices"}, {Name: "IſSelfSigned"}, {Name: "Kind"}, {Name: "\u212Aind"}, {Name: strings.Repeat("x", 100)}}}
	Slim(c)
	if len(c.Properties) != 2 || c.Properties[0].Name != "ſervices" || c.Properties[1].Name != "IſSelfSigned" {
		t.Errorf("fold: %+v", c.Properties)
	}
	Slim(nil)
}

// TestSlimmer: one Slimmer over objects of changing kinds and shapes keeps what Slim keeps for
// each, and the kept properties of two objects never share room (appending to one cannot touch
// another).
func TestSlimmer(t *testing.T) {
	mk := func(k export.Kind, names ...string) *export.Object {
		o := &export.Object{Kind: k}
		for i, n := range names {
			o.Properties = append(o.Properties, export.Property{Name: n, Value: export.Value{Text: fmt.Sprint(i)}, Line: i + 1})
		}
		return o
	}
	wap := []string{"BackendServerUrl", "ExternalCertificateThumbprint", "ExternalPreauthentication", "ExternalUrl", "ID", "Name"}
	rc := []string{"AuthMechanism", "Bindings", "Fqdn", "TlsCertificateName", "Enabled", "RequireTLS", "Server", "Name", "Identity"}
	var many []string
	for i := 0; i < 300; i++ {
		many = append(many, fmt.Sprintf("P%d", i), fmt.Sprintf("Thumbprint%d", i))
	}
	many = append(many, "Thumbprint")
	shapes := []func() *export.Object{
		func() *export.Object { return mk(export.KindWapApplication, wap...) },
		func() *export.Object { return mk(export.KindReceiveConnector, rc...) },
		func() *export.Object { return mk(export.KindSendConnector, rc...) },           // same names, another kind
		func() *export.Object { return mk(export.KindReceiveConnector, rc[:5]...) },    // fewer names
		func() *export.Object { return mk(export.KindUnknown, "Identity", "Other") },   // every-kind names only
		func() *export.Object { return mk(export.KindWapApplication) },                 // no property
		func() *export.Object { return mk(export.KindAdfsCertificate, "A", "B", "C") }, // nothing kept
		func() *export.Object { return mk(export.KindExchangeCertificate, many...) },   // more than a block's share
	}
	var objs []*export.Object
	for i := 0; i < 100; i++ {
		objs = append(objs, shapes[0]())
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, o := range objs {
		Slim(o)
	}
	runtime.ReadMemStats(&after)
	if n := (after.TotalAlloc - before.TotalAlloc) / 100; n > 1024 {
		t.Errorf("Slim of one object allocates %d bytes (a block?)", n)
	}
	var sl Slimmer
	var got []*export.Object
	for i := 0; i < 5000; i++ {
		k := (i*7 + i/3) % len(shapes)
		if i%5 < 3 {
			k = (i / 5) % len(shapes) // runs of one shape
		}
		o, want := shapes[k](), shapes[k]()
		sl.Slim(o)
		Slim(want)
		if !reflect.DeepEqual(o.Properties, want.Properties) && !(len(o.Properties) == 0 && len(want.Properties) == 0) {
			t.Fatalf("object %d (shape %d): %+v, Slim keeps %+v", i, k, o.Properties, want.Properties)
		}
		if cap(o.Properties) != len(o.Properties) {
			t.Fatalf("object %d: cap %d, len %d", i, cap(o.Properties), len(o.Properties))
		}
		got = append(got, o)
	}
	for i, o := range got {
		for j := range o.Properties {
			o.Properties[j].Line = -i
		}
	}
	for i, o := range got {
		for j := range o.Properties {
			if o.Properties[j].Line != -i {
				t.Fatalf("object %d property %d changed by object %d", i, j, -o.Properties[j].Line)
			}
		}
	}
}

// fixtureExports reads every export under testdata/exports that export reads (the damaged ones
// it refuses are skipped), twice: as read, and slimmed as each object is read (what cmd does),
// with servers assigned across all of them afterwards.
func fixtureExports(t *testing.T) (full, slim []*export.File) {
	t.Helper()
	err := filepath.WalkDir("../testdata/exports", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") && strings.Contains(p, ".want.") || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".go") {
			return err
		}
		f, err := export.ReadFile(p)
		if err != nil {
			return nil
		}
		var objs []*export.Object
		var sl Slimmer
		s, err := export.StreamFile(p, func(o *export.Object) error { sl.Slim(o); objs = append(objs, o); return nil })
		if err != nil {
			t.Fatalf("%s: read whole but not streamed: %v", p, err)
		}
		s.Objects = objs
		full, slim = append(full, f), append(slim, s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	export.AssignServers(full)
	export.AssignServers(slim)
	return full, slim
}

// TestSlimKeepsReports: on every export fixture, with each new certificate, with and without the
// old one, in both stages, the report on slimmed objects is the report on the objects as read;
// slimming dropped properties of most kinds.
func TestSlimKeepsReports(t *testing.T) {
	full, slim := fixtureExports(t)
	if len(full) < 50 {
		t.Fatalf("only %d fixtures read", len(full))
	}
	dropped := map[export.Kind]bool{}
	for i, f := range full {
		for j, o := range f.Objects {
			if len(slim[i].Objects[j].Properties) < len(o.Properties) {
				dropped[o.Kind] = true
			}
		}
	}
	if len(dropped) < 8 {
		t.Errorf("slimming dropped properties of only %d kinds: %v", len(dropped), dropped)
	}
	type certCase struct{ file, pw string }
	news := []certCase{{"new-mail.pfx", "Contoso-Test-1!"}, {"wildcard.pfx", "Contoso-Test-1!"}, {"selfsigned.pfx", "Contoso-Test-1!"}}
	olds := []*cert.Certificate{nil, loadCert(t, "old-mail.cer", "").Leaves[0]}
	for _, nc := range news {
		nf := loadCert(t, nc.file, nc.pw)
		for _, old := range olds {
			for _, st := range []Stage{StageBefore, StageAfter} {
				run := func(files []*export.File) *Report {
					in := &Input{New: nf.Leaves[0], NewFile: nc.file, NewChain: nf.Chain, NewFormat: nf.Format, Old: old, OldFile: "old-mail.cer",
						Exports: files, Stage: st, At: testAt}
					r, err := Run(in)
					if err != nil {
						t.Fatal(err)
					}
					return r
				}
				// Each fixture alone (the checks see one product's objects at a time) and all together.
				for i := range full {
					a, b := run(full[i:i+1]), run(slim[i:i+1])
					if !reflect.DeepEqual(a, b) {
						t.Fatalf("%s, %s, old %v, stage %s: reports differ:\nfull %+v\nslim %+v", full[i].Name, nc.file, old != nil, st, a.Findings, b.Findings)
					}
				}
				a, b := run(full), run(slim)
				if !reflect.DeepEqual(a, b) {
					t.Fatalf("all fixtures, %s, old %v, stage %s: reports differ", nc.file, old != nil, st)
				}
			}
		}
	}
}

// TestCheckedProperties: every kind a check reads has its list; the lists hold no duplicates.
func TestCheckedProperties(t *testing.T) {
	for k := range checkedProperties {
		seen := map[string]bool{}
		for _, n := range CheckedProperties(k) {
			l := strings.ToLower(n)
			if seen[l] && !contains(everyKindProperties, n) {
				t.Errorf("%s: %s listed twice", k, n)
			}
			seen[l] = true
		}
	}
	if got := CheckedProperties(export.KindUnknown); len(got) != len(everyKindProperties) {
		t.Errorf("Unknown: %v", got)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
