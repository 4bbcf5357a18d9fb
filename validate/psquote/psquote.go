// Package psquote writes PowerShell single-quoted string literals. It is the one quoting function
// certswap uses for every value that came from a certificate or an export, both in the fix lines of
// validate and in the runbooks the generator writes.
//
// PowerShell treats five characters as single quotes: ASCII ' and U+2018, U+2019, U+201A, U+201B.
// Inside a single-quoted string a pair of them stands for the second one, so each is written twice as
// the same character. Double quotes, $ and backticks are literal inside single quotes and are left as
// they are. A value holding a control character is refused: it could not be shown or reviewed, and a
// newline would survive only by accident of the reader.
//
// It does not write double-quoted strings, here-strings or comments, and it imports nothing of certswap.
package psquote

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrControl is returned (wrapped) for a value that holds a control character.
var ErrControl = errors.New("holds a control character")

// ErrInvalidUTF8 is returned (wrapped) for a value that is not valid UTF-8.
var ErrInvalidUTF8 = errors.New("is not valid UTF-8")

// IsSingleQuote reports whether PowerShell treats r as a single quote.
func IsSingleQuote(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201A', '\u201B':
		return true
	}
	return false
}

// IsControl reports whether r is a control character (U+0000–U+001F, U+007F–U+009F).
func IsControl(r rune) bool {
	return r <= 0x1F || (r >= 0x7F && r <= 0x9F)
}

// Check returns an error describing why s cannot be written as a literal, or nil.
func Check(s string) error {
	if !utf8.ValidString(s) {
		return ErrInvalidUTF8
	}
	for i, r := range s {
		if IsControl(r) {
			return fmt.Errorf("%w (U+%04X at byte %d)", ErrControl, r, i)
		}
	}
	return nil
}

// Quote returns s as a PowerShell single-quoted literal, or an error when s holds a control
// character or is not valid UTF-8.
func Quote(s string) (string, error) {
	if err := Check(s); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		if IsSingleQuote(r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// List returns the items as a PowerShell array of single-quoted literals separated by ", "
// ('a', 'b'). An empty list gives "@()".
func List(items []string) (string, error) {
	if len(items) == 0 {
		return "@()", nil
	}
	parts := make([]string, len(items))
	for i, it := range items {
		q, err := Quote(it)
		if err != nil {
			return "", fmt.Errorf("item %d: %w", i+1, err)
		}
		parts[i] = q
	}
	return strings.Join(parts, ", "), nil
}
