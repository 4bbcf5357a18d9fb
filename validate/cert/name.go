package cert

import (
	"encoding/binary"
	"encoding/hex"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// WindowsName formats a DER-encoded X.501 Name exactly as Windows prints
// X509Certificate2.Subject and .Issuer (CertNameToStr with CERT_X500_NAME_STR and
// CERT_NAME_STR_REVERSE_FLAG):
//
//   - RDNs are printed last-encoded first, joined by ", "; the attributes of a
//     multi-valued RDN are joined by " + " in the order they are encoded;
//   - each attribute is KEY=VALUE, KEY from the Windows attribute table (CN, S, E,
//     SERIALNUMBER, PostalCode, …) or "OID." and the dotted OID;
//   - string values are decoded by their ASN.1 type (UTF8String, BMPString,
//     TeletexString as UTF-8 falling back to Latin-1, PrintableString, IA5String,
//     NumericString, …) and put in double quotes, with inner quotes doubled, when
//     Windows would quote them;
//   - any other value is "#" and upper-case hex of its encoding (of the contents
//     for an OCTET STRING).
//
// An empty name (30 00) and a name that is not valid DER both give "", as on Windows.
//
// Cases no Windows test vector settles are decided as follows (see
// testdata/names/README.md): UniversalString is decoded as UTF-32BE;
// VisibleString, GraphicString, GeneralString and VideotexString, and bytes above
// 0x7F in PrintableString, IA5String and NumericString, are read byte by byte as
// Latin-1; a value is cut at its first U+0000 (crypt32 works with C strings);
// unpaired surrogates in a BMPString and invalid UTF-8 in a UTF8String become
// U+FFFD; an odd-length BMPString or UniversalString whose length is not a
// multiple of four, an RDN with no attribute, trailing bytes after the Name and
// BER-only forms (indefinite or non-minimal lengths) are DER errors. The attribute
// table is the default Windows one (current Windows: SERIALNUMBER, not the
// OID.2.5.4.5 of the .NET 2.0 era); names a machine registers itself
// (CryptRegisterOIDInfo, e.g. by CryptoPro CSP) are not known. The result is
// always valid UTF-8.
func WindowsName(der []byte) string {
	s, _ := formatName(der, true)
	return s
}

// formatName formats a DER Name; reverse selects Windows' X509Certificate2 order
// (last RDN first). ok is false when the DER is invalid (the string is then "").
func formatName(der []byte, reverse bool) (string, bool) {
	rdns, ok := parseName(der)
	if !ok {
		return "", false
	}
	var b strings.Builder
	for i := range rdns {
		rdn := rdns[i]
		if reverse {
			rdn = rdns[len(rdns)-1-i]
		}
		if i > 0 {
			b.WriteString(", ")
		}
		for j, atv := range rdn {
			if j > 0 {
				b.WriteString(" + ")
			}
			b.WriteString(attributeKey(atv.oid))
			b.WriteByte('=')
			if atv.binary {
				b.WriteString(atv.value)
			} else {
				b.WriteString(quoteValue(atv.value))
			}
		}
	}
	return b.String(), true
}

// attribute is one decoded AttributeTypeAndValue.
type attribute struct {
	oid    string // dotted
	value  string // decoded text, or "#HEX" when binary
	binary bool
}

// parseName decodes Name ::= SEQUENCE OF SET OF SEQUENCE { OID, ANY } into RDNs in
// DER order, each RDN's attributes in encoded order.
func parseName(der []byte) ([][]attribute, bool) {
	input := cryptobyte.String(der)
	var seq cryptobyte.String
	if !input.ReadASN1(&seq, asn1.SEQUENCE) || !input.Empty() {
		return nil, false
	}
	var rdns [][]attribute
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, asn1.SET) || set.Empty() {
			return nil, false
		}
		var rdn []attribute
		for !set.Empty() {
			var atv cryptobyte.String
			if !set.ReadASN1(&atv, asn1.SEQUENCE) {
				return nil, false
			}
			var oidBytes cryptobyte.String
			if !atv.ReadASN1(&oidBytes, asn1.OBJECT_IDENTIFIER) {
				return nil, false
			}
			oid, ok := dottedOID(oidBytes)
			if !ok {
				return nil, false
			}
			value, binary, ok := decodeValue(atv)
			if !ok {
				return nil, false
			}
			rdn = append(rdn, attribute{oid: oid, value: value, binary: binary})
		}
		rdns = append(rdns, rdn)
	}
	return rdns, true
}

// dottedOID converts the contents of an OBJECT IDENTIFIER to dotted form. Arcs of
// any size are kept exactly. Non-minimal or truncated sub-identifiers are errors.
func dottedOID(b []byte) (string, bool) {
	if len(b) == 0 || b[len(b)-1]&0x80 != 0 {
		return "", false
	}
	var out strings.Builder
	first := true
	for len(b) > 0 {
		if b[0] == 0x80 { // leading 0x80 is a non-minimal encoding
			return "", false
		}
		n := 0
		for b[n]&0x80 != 0 {
			n++
		}
		n++ // include the last octet
		arc := b[:n]
		b = b[n:]
		if n <= 8 {
			var v uint64
			for _, c := range arc {
				v = v<<7 | uint64(c&0x7f)
			}
			if first {
				switch {
				case v < 40:
					out.WriteString("0.")
				case v < 80:
					out.WriteString("1.")
					v -= 40
				default:
					out.WriteString("2.")
					v -= 80
				}
			} else {
				out.WriteByte('.')
			}
			out.WriteString(strconv.FormatUint(v, 10))
		} else {
			v := new(big.Int)
			for _, c := range arc {
				v.Lsh(v, 7)
				v.Or(v, big.NewInt(int64(c&0x7f)))
			}
			if first {
				out.WriteString("2.")
				v.Sub(v, big.NewInt(80))
			} else {
				out.WriteByte('.')
			}
			out.WriteString(v.String())
		}
		first = false
	}
	return out.String(), true
}

// ASN.1 universal tag numbers of the string types a Name value may carry.
const (
	tagOctetString     = 0x04
	tagUTF8String      = 0x0C
	tagNumericString   = 0x12
	tagPrintableString = 0x13
	tagT61String       = 0x14
	tagVideotexString  = 0x15
	tagIA5String       = 0x16
	tagGraphicString   = 0x19
	tagVisibleString   = 0x1A
	tagGeneralString   = 0x1B
	tagUniversalString = 0x1C
	tagBMPString       = 0x1E
)

// decodeValue decodes the AttributeValue, which must be exactly one TLV. The
// identifier may use the high-tag-number form; the length must be DER.
func decodeValue(v []byte) (text string, isBinary, ok bool) {
	tag, header, ok := readTLVHeader(v)
	if !ok {
		return "", false, false
	}
	content := v[header:]
	switch tag {
	case tagUTF8String:
		return cString(validUTF8(content)), false, true
	case tagBMPString:
		if len(content)%2 != 0 {
			return "", false, false
		}
		u := make([]uint16, len(content)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(content[2*i:])
		}
		return cString(string(utf16.Decode(u))), false, true
	case tagUniversalString:
		if len(content)%4 != 0 {
			return "", false, false
		}
		var b strings.Builder
		for i := 0; i < len(content); i += 4 {
			r := rune(binary.BigEndian.Uint32(content[i:]))
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			b.WriteRune(r)
		}
		return cString(b.String()), false, true
	case tagT61String:
		if utf8.Valid(content) {
			return cString(string(content)), false, true
		}
		return cString(latin1(content)), false, true
	case tagNumericString, tagPrintableString, tagIA5String, tagVideotexString,
		tagGraphicString, tagVisibleString, tagGeneralString:
		return cString(latin1(content)), false, true
	case tagOctetString:
		return "#" + strings.ToUpper(hex.EncodeToString(content)), true, true
	default:
		return "#" + strings.ToUpper(hex.EncodeToString(v)), true, true
	}
}

// readTLVHeader reads one TLV header and checks that the element fills b exactly.
// tag is the identifier octet for low tag numbers and -1 for the high-tag-number
// form (never a string type).
func readTLVHeader(b []byte) (tag int, header int, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	tag = int(b[0])
	i := 1
	if b[0]&0x1f == 0x1f {
		tag = -1
		// High-tag-number form: base-128 octets, the last with bit 8 clear.
		if b[i] == 0x80 {
			return 0, 0, false
		}
		for i < len(b) && b[i]&0x80 != 0 {
			i++
		}
		if i >= len(b) || i > 6 {
			return 0, 0, false
		}
		i++
	}
	if i >= len(b) {
		return 0, 0, false
	}
	lenByte := b[i]
	i++
	var length uint64
	switch {
	case lenByte < 0x80:
		length = uint64(lenByte)
	case lenByte == 0x80 || lenByte > 0x84: // indefinite, or absurdly long
		return 0, 0, false
	default:
		n := int(lenByte & 0x7f)
		if len(b) < i+n || b[i] == 0 {
			return 0, 0, false
		}
		for _, c := range b[i : i+n] {
			length = length<<8 | uint64(c)
		}
		if length < 0x80 {
			return 0, 0, false
		}
		i += n
	}
	if uint64(len(b)-i) != length {
		return 0, 0, false
	}
	return tag, i, true
}

// latin1 maps each byte to the code point of the same value.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// validUTF8 decodes UTF-8, replacing each invalid byte with U+FFFD.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return string([]rune(string(b)))
}

// cString cuts s at its first U+0000, as a C string would end there.
func cString(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// windowsKeys is the Windows RDN attribute table (CryptFindOIDInfo,
// CRYPT_RDN_ATTR_OID_GROUP_ID) for the OIDs certificates carry; see
// notes/windows-dn-format.md §2. Anything else prints as "OID." + dotted OID.
var windowsKeys = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.4":                    "SN",
	"2.5.4.5":                    "SERIALNUMBER",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "S",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.12":                   "T",
	"2.5.4.13":                   "Description",
	"2.5.4.17":                   "PostalCode",
	"2.5.4.18":                   "POBox",
	"2.5.4.20":                   "Phone",
	"2.5.4.24":                   "X21Address",
	"2.5.4.42":                   "G",
	"2.5.4.43":                   "I",
	"2.5.4.46":                   "dnQualifier",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.2.840.113549.1.9.1":       "E",
	"2.23.133.2.1":               "TPMManufacturer",
	"2.23.133.2.2":               "TPMModel",
	"2.23.133.2.3":               "TPMVersion",
}

// attributeKey returns the key Windows prints for an attribute type.
func attributeKey(oid string) string {
	if k, ok := windowsKeys[oid]; ok {
		return k
	}
	return "OID." + oid
}

// needsQuoting reports whether Windows puts a decoded value in double quotes:
// it is empty, starts or ends with space, tab, LF, VT, FF or CR, or contains any
// of , + = " LF < > # ; (carriage return inside a value is not quoted).
func needsQuoting(v string) bool {
	if v == "" {
		return true
	}
	if isQuotableSpace(v[0]) || isQuotableSpace(v[len(v)-1]) {
		return true
	}
	return strings.ContainsAny(v, ",+=\"\n<>#;")
}

func isQuotableSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// quoteValue renders a decoded string value as Windows does: as is, or in double
// quotes with every inner double quote doubled.
func quoteValue(v string) string {
	if !needsQuoting(v) {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}
