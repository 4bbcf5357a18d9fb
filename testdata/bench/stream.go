//go:build ignore

// stream reads exports the way certswap reads a large Format-List file, through
// export.StreamFile, and drops each object after counting it: the parse cost and the memory of
// the streaming reader alone, without the CLI's report (compare.sh times it against grep -c).
//
//	go build -o /tmp/stream testdata/bench/stream.go && /tmp/stream FILE...
package main

import (
	"fmt"
	"os"

	"certswap/validate/export"
)

func main() {
	for _, path := range os.Args[1:] {
		objects, props := 0, 0
		f, err := export.StreamFile(path, func(o *export.Object) error {
			objects++
			props += len(o.Properties)
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "stream:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %s, %s, %d objects, %d properties, %d warnings\n", path, f.Format, f.Encoding, objects, props, len(f.Warnings))
	}
}
