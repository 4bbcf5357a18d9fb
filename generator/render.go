package generator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"text/template"
	"unicode/utf8"

	"certswap/templates"
)

// OutputFile is one file of the output folder: its name relative to the folder (with '/') and its
// bytes.
type OutputFile struct {
	Name string
	Data []byte
}

var (
	parseOnce sync.Once
	parsed    *template.Template
	parseErr  error
)

// tmpl parses the embedded templates once, on first use (not at init, so a broken template fails
// the call that needs it, not the program start).
func tmpl() (*template.Template, error) {
	parseOnce.Do(func() {
		parsed, parseErr = template.New("certswap").Funcs(FuncMap()).Option("missingkey=error").ParseFS(templates.FS, "*.tmpl")
	})
	return parsed, parseErr
}

// view is what a runbook template sees: the plan, the server or farm, and the output file name.
type view struct {
	P    *Plan
	S    any
	File string
}

func execute(name string, data any) ([]byte, error) {
	t, err := tmpl()
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// PowerShellBytes turns rendered script text into the bytes written to disk: CRLF line ends, and
// a UTF-8 byte order mark when the text holds anything beyond ASCII (Windows PowerShell 5.1 reads a
// file without BOM in the ANSI code page).
func PowerShellBytes(text []byte) []byte {
	s := strings.ReplaceAll(string(text), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\n", "\r\n")
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return []byte(s)
	}
	return append([]byte{0xEF, 0xBB, 0xBF}, s...)
}

// Render renders every file of the output folder except SHA256SUMS (Write adds it): the runbooks
// and their rollbacks, CHANGE.md, plan.json and .gitattributes. It checks the plan first: a value
// that cannot be a PowerShell literal refuses the whole run, and nothing is rendered.
func Render(p *Plan) ([]OutputFile, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	var files []OutputFile
	ps := func(name, tmplName string, s any) error {
		out, err := execute(tmplName, view{P: p, S: s, File: name})
		if err != nil {
			return err
		}
		files = append(files, OutputFile{Name: name, Data: PowerShellBytes(out)})
		return nil
	}
	for _, s := range p.Exchange {
		if err := ps(s.File, "exchange.ps1.tmpl", s); err != nil {
			return nil, err
		}
		if err := ps(s.RollbackFile, "exchange-rollback.ps1.tmpl", s); err != nil {
			return nil, err
		}
	}
	for _, s := range p.Edge {
		if err := ps(s.File, "edge.ps1.tmpl", s); err != nil {
			return nil, err
		}
		if err := ps(s.RollbackFile, "exchange-rollback.ps1.tmpl", s); err != nil {
			return nil, err
		}
	}
	if f := p.ADFS; f != nil {
		if err := ps(f.File, "adfs.ps1.tmpl", f); err != nil {
			return nil, err
		}
		if err := ps(f.RollbackFile, "adfs-rollback.ps1.tmpl", f); err != nil {
			return nil, err
		}
	}
	if f := p.WAP; f != nil {
		if err := ps(f.File, "wap.ps1.tmpl", f); err != nil {
			return nil, err
		}
		if err := ps(f.RollbackFile, "wap-rollback.ps1.tmpl", f); err != nil {
			return nil, err
		}
	}
	ticket, err := Ticket(p)
	if err != nil {
		return nil, err
	}
	files = append(files, OutputFile{Name: "CHANGE.md", Data: ticket})
	js, err := PlanJSON(p)
	if err != nil {
		return nil, err
	}
	files = append(files, OutputFile{Name: "plan.json", Data: js})
	files = append(files, OutputFile{Name: ".gitattributes", Data: []byte("*.ps1 -text\n")})
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// PlanJSON is plan.json: the plan with stable keys, indented, ending in a newline, with < > &
// written as they are.
func PlanJSON(p *Plan) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<I>...<S>..." stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("plan.json: %w", err)
	}
	return b.Bytes(), nil
}

// Collect renders collect.ps1, the read-only collection script, for the given products (exchange,
// adfs, wap; empty means all three). The script is returned as written to disk (CRLF, ASCII).
func Collect(targets []string) ([]byte, error) {
	want := map[string]bool{}
	for _, t := range targets {
		t = strings.ToLower(strings.TrimSpace(t))
		switch t {
		case ProductExchange, ProductADFS, ProductWAP:
			want[t] = true
		default:
			return nil, fmt.Errorf("unknown target %q (want exchange, adfs or wap)", t)
		}
	}
	if len(want) == 0 {
		want = map[string]bool{ProductExchange: true, ProductADFS: true, ProductWAP: true}
	}
	out, err := execute("collect.ps1.tmpl", map[string]bool{"Exchange": want[ProductExchange], "ADFS": want[ProductADFS], "WAP": want[ProductWAP]})
	if err != nil {
		return nil, err
	}
	return PowerShellBytes(out), nil
}
