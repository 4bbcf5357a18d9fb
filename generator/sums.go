package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// SumsName is the checksum file every output folder ends with.
const SumsName = "SHA256SUMS"

// Sums returns SHA256SUMS for the files, in the format sha256sum writes and `sha256sum -c` reads:
// one line per file, sorted by name, "<64 lower-case hex>  <name>", names relative with '/'.
// Names holding a backslash or a line break are not allowed by Write, so no line needs escaping.
func Sums(files []OutputFile) []byte {
	sorted := append([]OutputFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var b strings.Builder
	for _, f := range sorted {
		h := sha256.Sum256(f.Data)
		b.WriteString(hex.EncodeToString(h[:]))
		b.WriteString("  ")
		b.WriteString(f.Name)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
