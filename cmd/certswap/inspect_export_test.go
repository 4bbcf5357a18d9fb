package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantExport is a .want.json of testdata/exports/list: the values the fixture generator put into
// each export (testdata/exports/gen), never certswap's output.
type wantExport struct {
	Format  string `json:"format"`
	Objects []struct {
		Kind       string `json:"kind"`
		Identity   string `json:"identity"`
		Server     string `json:"server"`
		Properties []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"properties"`
	} `json:"objects"`
}

// TestInspectExportsJSON is issue 3's "done when" through the CLI: `certswap inspect --json` on
// every Format-List fixture, in every encoding and line end, gives exactly the source values, in
// the export's order.
func TestInspectExportsJSON(t *testing.T) {
	dir := filepath.Join(repoRoot(t), "testdata", "exports", "list")
	wants, err := filepath.Glob(filepath.Join(dir, "*.want.json"))
	if err != nil || len(wants) == 0 {
		t.Fatalf("no .want.json fixtures: %v", err)
	}
	n := 0
	for _, wf := range wants {
		base := strings.TrimSuffix(filepath.Base(wf), ".want.json")
		if strings.HasSuffix(base, ".trimmed") {
			continue // trimmed copies may be "unknown" by design; the export package tests them
		}
		var want wantExport
		b, err := os.ReadFile(wf)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%s: %v", wf, err)
		}
		inputs, _ := filepath.Glob(filepath.Join(dir, base+".*.txt"))
		if strings.HasSuffix(base, ".ps7") {
			inputs, _ = filepath.Glob(filepath.Join(dir, base+".utf8.lf.txt"))
		}
		for _, in := range inputs {
			if strings.Contains(in, ".webcopy.") || strings.Contains(in, ".trimmed.") || (!strings.HasSuffix(base, ".ps7") && strings.Contains(in, ".ps7.")) {
				continue
			}
			n++
			t.Run(filepath.Base(in), func(t *testing.T) {
				code, stdout, stderr := runCLI(t, nil, "inspect", "--json", in)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var got struct {
					Exports []struct {
						Format  string `json:"format"`
						Objects []struct {
							Kind       string                       `json:"kind"`
							Identity   string                       `json:"identity"`
							Server     string                       `json:"server"`
							Properties orderedJSON                  `json:"properties"`
							Warnings   []map[string]json.RawMessage `json:"warnings"`
						} `json:"objects"`
					} `json:"exports"`
				}
				if err := json.Unmarshal([]byte(stdout), &got); err != nil {
					t.Fatalf("stdout is not JSON: %v", err)
				}
				if len(got.Exports) != 1 || got.Exports[0].Format != want.Format || len(got.Exports[0].Objects) != len(want.Objects) {
					t.Fatalf("format/objects: got %+v", got.Exports)
				}
				for i, wo := range want.Objects {
					g := got.Exports[0].Objects[i]
					if g.Kind != wo.Kind || g.Identity != wo.Identity || g.Server != wo.Server {
						t.Errorf("object %d: %s %q %q, want %s %q %q", i, g.Kind, g.Identity, g.Server, wo.Kind, wo.Identity, wo.Server)
					}
					if len(g.Properties) != len(wo.Properties) {
						t.Fatalf("object %d: %d properties, want %d", i, len(g.Properties), len(wo.Properties))
					}
					for j, wp := range wo.Properties {
						gp := g.Properties[j]
						if gp.name != wp.Name || !jsonEqual(gp.value, wp.Value) {
							t.Errorf("object %d property %d: %s=%s, want %s=%s", i, j, gp.name, gp.value, wp.Name, wp.Value)
						}
					}
				}
			})
		}
	}
	if n < 40 {
		t.Fatalf("only %d export fixtures compared", n)
	}
}

// orderedJSON reads a JSON object keeping its key order.
type orderedJSON []struct {
	name  string
	value json.RawMessage
}

func (o *orderedJSON) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil {
		return err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		*o = append(*o, struct {
			name  string
			value json.RawMessage
		}{k.(string), v})
	}
	return nil
}

func jsonEqual(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
