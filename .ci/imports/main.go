// Command imports fails when a certswap package imports another in a direction DESIGN.md does not
// allow ("Imports run one way"). It reads `go list` for the module's packages.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// allowed maps each package (relative to the module) to the project packages it may import.
var allowed = map[string][]string{
	"cmd/certswap":           {"*"},
	"generator":              {"generator/authenticode", "templates", "validate/psquote", "validate", "validate/export", "validate/cert"},
	"validate/report":        {"validate", "validate/psquote", "validate/export", "validate/cert"},
	"validate":               {"validate/psquote", "validate/export", "validate/cert"},
	"validate/export":        {"validate/cert"},
	"validate/cert":          {},
	"validate/psquote":       {},
	"generator/authenticode": {},
	"templates":              {},
}

func main() {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}: {{join .Imports " "}} {{join .TestImports " "}}`, "./...").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "imports: go list:", err)
		os.Exit(2)
	}
	const mod = "certswap/"
	bad := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		pkg, imps, _ := strings.Cut(sc.Text(), ": ")
		rel := strings.TrimPrefix(pkg, mod)
		if strings.HasPrefix(rel, ".ci/") || strings.HasPrefix(rel, "testdata/") {
			continue
		}
		rules, known := allowed[rel]
		for _, imp := range strings.Fields(imps) {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			dep := strings.TrimPrefix(imp, mod)
			if dep == rel {
				continue
			}
			if !known {
				fmt.Printf("%s: package not in DESIGN.md's import list (imports %s)\n", rel, dep)
				bad++
				continue
			}
			ok := false
			for _, a := range rules {
				if a == "*" || a == dep {
					ok = true
				}
			}
			if !ok {
				fmt.Printf("%s imports %s: not allowed by DESIGN.md\n", rel, dep)
				bad++
			}
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
	fmt.Println("import direction: ok")
}
