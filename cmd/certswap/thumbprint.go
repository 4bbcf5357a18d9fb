package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"certswap/validate/cert"
)

var thumbprintCommand = &command{
	name:  "thumbprint",
	usage: "thumbprint [TEXT...]",
	short: "clean and check pasted thumbprints (stdin if no TEXT)",
	long: `Cleans thumbprints pasted from the certificate dialog, a ticket or a chat: removes spaces,
colons, hyphens and the invisible marks Windows copies with them (U+200E and friends), upper-cases,
and requires exactly 40 hex digits. Prints one clean value a line on stdout and what it removed on
stderr. With no TEXT, reads one value a line from stdin. Exits 1 when any value is not a thumbprint.`,
	run: runThumbprint,
}

func runThumbprint(e *env, args []string) error {
	values := args
	if len(values) == 0 {
		sc := bufio.NewScanner(e.stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			if line := strings.TrimRight(sc.Text(), "\r"); strings.TrimSpace(line) != "" {
				values = append(values, line)
			}
		}
		if err := sc.Err(); err != nil {
			return fileError("-", err)
		}
		if len(values) == 0 {
			return usageErrorf("thumbprint: no value given (pass TEXT or one value a line on stdin)")
		}
	}
	var out bytes.Buffer
	bad := 0
	for _, v := range values {
		res, err := cert.CleanThumbprint(v)
		if err != nil {
			bad++
			fmt.Fprintf(e.stderr, "certswap: %q: %v\n", v, err)
			continue
		}
		fmt.Fprintln(&out, res.Value)
		if len(res.Removed) > 0 {
			fmt.Fprintf(e.stderr, "certswap: %s: removed %s\n", res.Value, strings.Join(res.Removed, ", "))
		}
	}
	if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return err
	}
	if bad > 0 {
		return &failure{fmt.Sprintf("%d of %d values are not thumbprints", bad, len(values))}
	}
	return nil
}
