package cert

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Thumbprint returns the Windows thumbprint of a DER certificate: the SHA-1 digest
// of the DER bytes as 40 upper-case hexadecimal digits.
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// SHA256Hex returns the SHA-256 digest of the DER bytes as 64 upper-case hexadecimal digits.
func SHA256Hex(der []byte) string {
	sum := sha256.Sum256(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// CleanResult is a thumbprint as CleanThumbprint made it.
type CleanResult struct {
	Value   string   // 40 upper-case hex digits
	Removed []string // what was stripped, in words, in order of first appearance ("2 spaces", "1 U+200E LEFT-TO-RIGHT MARK")
}

// strippable are the characters CleanThumbprint removes: separators people type
// or copy, and the invisible marks the Windows certificate dialog copies with a
// thumbprint. The value is the singular and plural description.
var strippable = map[rune][2]string{
	' ':      {"space", "spaces"},
	'\t':     {"tab", "tabs"},
	'\r':     {"carriage return", "carriage returns"},
	'\n':     {"line feed", "line feeds"},
	':':      {"colon", "colons"},
	'-':      {"hyphen", "hyphens"},
	'\u00A0': {"U+00A0 NO-BREAK SPACE", "U+00A0 NO-BREAK SPACE"},
	'\u200B': {"U+200B ZERO WIDTH SPACE", "U+200B ZERO WIDTH SPACE"},
	'\u200C': {"U+200C ZERO WIDTH NON-JOINER", "U+200C ZERO WIDTH NON-JOINER"},
	'\u200D': {"U+200D ZERO WIDTH JOINER", "U+200D ZERO WIDTH JOINER"},
	'\u200E': {"U+200E LEFT-TO-RIGHT MARK", "U+200E LEFT-TO-RIGHT MARK"},
	'\u200F': {"U+200F RIGHT-TO-LEFT MARK", "U+200F RIGHT-TO-LEFT MARK"},
	'\u202A': {"U+202A LEFT-TO-RIGHT EMBEDDING", "U+202A LEFT-TO-RIGHT EMBEDDING"},
	'\u202B': {"U+202B RIGHT-TO-LEFT EMBEDDING", "U+202B RIGHT-TO-LEFT EMBEDDING"},
	'\u202C': {"U+202C POP DIRECTIONAL FORMATTING", "U+202C POP DIRECTIONAL FORMATTING"},
	'\u202D': {"U+202D LEFT-TO-RIGHT OVERRIDE", "U+202D LEFT-TO-RIGHT OVERRIDE"},
	'\u202E': {"U+202E RIGHT-TO-LEFT OVERRIDE", "U+202E RIGHT-TO-LEFT OVERRIDE"},
	'\uFEFF': {"U+FEFF ZERO WIDTH NO-BREAK SPACE", "U+FEFF ZERO WIDTH NO-BREAK SPACE"},
}

// CleanThumbprint turns a pasted thumbprint into the Windows form: it strips
// spaces, tabs, line ends, colons, hyphens and the invisible marks U+200E, U+200F,
// U+202A–U+202E, U+200B–U+200D, U+FEFF and U+00A0, upper-cases the rest and
// requires exactly 40 hex digits. Removed says what was stripped, even when an
// error is returned. Errors read like `42 hex digits; a thumbprint has 40`,
// `contains "O" (letter) where hex is expected` or `empty`; they never repeat
// more of the input than the offending character.
func CleanThumbprint(s string) (CleanResult, error) {
	if v, ok := plainThumbprint(s); ok {
		return CleanResult{Value: v}, nil
	}
	var res CleanResult
	counts := map[rune]int{}
	var order []rune
	var hexDigits []byte
	var bad error
	for i, r := range s {
		if _, ok := strippable[r]; ok {
			if counts[r] == 0 {
				order = append(order, r)
			}
			counts[r]++
			continue
		}
		if bad != nil {
			continue
		}
		switch {
		case '0' <= r && r <= '9', 'A' <= r && r <= 'F':
			hexDigits = append(hexDigits, byte(r))
		case 'a' <= r && r <= 'f':
			hexDigits = append(hexDigits, byte(r)-'a'+'A')
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			bad = fmt.Errorf("contains the byte 0x%02X, which is not text", s[i])
		default:
			bad = fmt.Errorf("contains %s where hex is expected", describeRune(r))
		}
	}
	for _, r := range order {
		n := counts[r]
		word := strippable[r][0]
		if n != 1 {
			word = strippable[r][1]
		}
		res.Removed = append(res.Removed, fmt.Sprintf("%d %s", n, word))
	}
	if bad != nil {
		return res, bad
	}
	switch n := len(hexDigits); {
	case n == 0:
		return res, errors.New("empty")
	case n == 1:
		return res, errors.New("1 hex digit; a thumbprint has 40")
	case n != 40:
		return res, fmt.Errorf("%d hex digits; a thumbprint has 40", n)
	}
	res.Value = string(hexDigits)
	return res, nil
}

// plainThumbprint is CleanThumbprint's fast path for the common case, a value that is already
// exactly 40 hex digits with nothing to strip: it returns the digits in upper case.
func plainThumbprint(s string) (string, bool) {
	if len(s) != 40 {
		return "", false
	}
	lower := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9', 'A' <= c && c <= 'F':
		case 'a' <= c && c <= 'f':
			lower = true
		default:
			return "", false
		}
	}
	if lower {
		return strings.ToUpper(s), true
	}
	return s, true
}

// describeRune shows a character that is not hex for an error message: visible
// characters in quotes with their kind (and code point when not ASCII), invisible
// ones by code point.
func describeRune(r rune) string {
	visible := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
	switch {
	case !visible:
		return fmt.Sprintf("%U (%s)", r, runeKind(r))
	case r == '"':
		return `'"' (punctuation)`
	case r < 0x80:
		return fmt.Sprintf("%q (%s)", string(r), runeKind(r))
	default:
		return fmt.Sprintf("\"%s\" (%s %U)", string(r), runeKind(r), r)
	}
}

// runeKind names the kind of a character.
func runeKind(r rune) string {
	switch {
	case unicode.IsLetter(r):
		return "letter"
	case unicode.IsDigit(r):
		return "digit"
	case unicode.IsSpace(r):
		return "space"
	case unicode.IsControl(r):
		return "control character"
	case unicode.IsPunct(r):
		return "punctuation"
	case unicode.IsSymbol(r):
		return "symbol"
	case unicode.Is(unicode.Cf, r):
		return "invisible formatting character"
	}
	return "character"
}
