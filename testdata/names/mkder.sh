#!/bin/sh
# mkder.sh prints "id hex" for the name vectors whose DER no source spells out in
# hex: the source builds them with an encoder (dotnet AsnWriter in
# X500DistinguishedNameTests.cs, or a DN string parsed by X500DistinguishedName).
# This script assembles the same DER from the source's OIDs and value encodings,
# TLV by TLV, without any certswap code. vectors.json holds its output; the Go test
# TestVectorsMadeByScript re-runs it and compares.
set -eu

# len HEX: the DER length octets for HEX's byte count (< 65536).
len() {
	n=$((${#1} / 2))
	if [ "$n" -lt 128 ]; then printf '%02X' "$n"
	elif [ "$n" -lt 256 ]; then printf '81%02X' "$n"
	else printf '82%04X' "$n"; fi
}
# tlv TAG HEX
tlv() { printf '%s%s%s' "$1" "$(len "$2")" "$2"; }
# atv OIDHEX VALUEHEX: SEQUENCE { OBJECT IDENTIFIER, value TLV as given }
atv() { tlv 30 "$(tlv 06 "$1")$2"; }
# rdn ATV...: SET OF the given ATVs, in the order given
rdn() { s=''; for a in "$@"; do s="$s$a"; done; tlv 31 "$s"; }
# name RDN...: SEQUENCE OF the given RDNs
name() { s=''; for r in "$@"; do s="$s$r"; done; tlv 30 "$s"; }
# ascii TAG TEXT: a string TLV of the given tag holding TEXT's bytes
ascii() { tlv "$1" "$(printf '%s' "$2" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"; }

CN=550403; S=550408; SERIAL=550405; O=55040A; STREET=550409; C=550406; OID00=00
TPM1=6781050201; TPM2=6781050202; TPM3=6781050203 # 2.23.133.2.1 / .2 / .3

# X500DistinguishedNameTests.Format_ComponentWithNonStringContent rows, in order.
one() { printf '%s %s\n' "$1" "$(name "$(rdn "$(atv "$2" "$3")")")"; }
one t1_nonstring_cn_sequence "$CN" 3000
one t1_nonstring_serial_oid "$SERIAL" 0603550406
one t1_nonstring_oid00_set "$OID00" 31020500
one t1_nonstring_cn_octets "$CN" 04023000
one t1_nonstring_cn_octets_twice "$CN" 040404023000
one t1_nonstring_cn_bitstring "$CN" 0303003000
one t1_nonstring_s_null "$S" 0500
one t1_nonstring_s_boolean "$S" 0101FF
printf '%s %s\n' t1_nonstring_two \
	"$(name "$(rdn "$(atv "$CN" 0101FF)")" "$(rdn "$(atv "$S" 3000)")")"
printf '%s %s\n' t1_nonstring_three \
	"$(name "$(rdn "$(atv "$CN" 0C02504A)")" "$(rdn "$(atv "$S" 3000)")" "$(rdn "$(atv "$OID00" 0C024141)")")"
printf '%s %s\n' t1_nonstring_hash_text \
	"$(name "$(rdn "$(atv "$CN" 0C03233030)")" "$(rdn "$(atv "$S" 3000)")")"

# X500DistinguishedNameTests.Format_MultiValueComponentWithNonStringContent
# (AsnWriter sorts each SET OF; the order below is already the DER order).
printf '%s %s\n' t1_nonstring_multivalue \
	"$(name "$(rdn "$(atv "$CN" 3000)" "$(atv "$S" 3100)")" \
		"$(rdn "$(atv "$SERIAL" 0C0430313233)" "$(atv "$O" 31055050505050)" "$(atv "$STREET" 0C075441434F434154)")")"

# X500DistinguishedNameTests.TpmIdentifiers: the string
# "OID.2.23.133.2.3=id:0020065,OID.2.23.133.2.2=,OID.2.23.133.2.1=id:564D5700"
# parsed with the default (Reversed) flag, so 2.23.133.2.1 is encoded first.
# Values as PrintableString (the type does not change the printed text).
printf '%s %s\n' t1_tpm_identifiers \
	"$(name "$(rdn "$(atv "$TPM1" "$(ascii 13 'id:564D5700')")")" \
		"$(rdn "$(atv "$TPM2" "$(ascii 13 '')")")" \
		"$(rdn "$(atv "$TPM3" "$(ascii 13 'id:0020065')")")")"

# X500DistinguishedNameTests.NameWithSTIdentifierForState: "ST=VA, C=US" parsed
# with the default (Reversed) flag: C=US is encoded first.
printf '%s %s\n' t1_st_identifier_for_state \
	"$(name "$(rdn "$(atv "$C" "$(ascii 13 US)")")" "$(rdn "$(atv "$S" "$(ascii 13 VA)")")")"
