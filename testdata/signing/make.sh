#!/bin/sh
# make.sh: regenerate the code-signing test PKI, sample scripts and osslsigncode-signed
# samples in testdata/signing/. Needs openssl 3 and osslsigncode >= 2.8. Run from anywhere:
#   sh testdata/signing/make.sh
# Every output file is listed in README.md. Keys are random, so a rerun changes every
# certificate, PFX and signed file; commit them together.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

PASS=certswap-test        # password of every PFX made here (test fixtures only)
SIGNTIME=1785585600       # 2026-08-01T12:00:00Z, the signingTime osslsigncode writes

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = testca
[ testca ]
dir             = .
database        = $dir/index.txt
new_certs_dir   = $dir/newcerts
serial          = $dir/serial
default_md      = sha256
policy          = anything
unique_subject  = no
copy_extensions = none
email_in_dn     = no
[ anything ]
countryName            = optional
organizationName       = optional
commonName             = supplied
[ req ]
distinguished_name = dn
prompt             = no
[ dn ]
CN = placeholder
[ v3_root ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
[ v3_ca ]
basicConstraints       = critical, CA:TRUE, pathlen:0
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_codesign ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = codeSigning
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
[ v3_tls ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
CNF
mkdir newcerts
touch index.txt
echo 1000 > serial

# key NAME rsa|ec
key() {
	case $2 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
	ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
	esac
}

# issue NAME SUBJECT ISSUER EXTENSIONS START END   (ISSUER "self" makes a self-signed root)
issue() {
	openssl req -new -config ca.cnf -key "$1.key" -subj "$2" -out "$1.csr"
	if [ "$3" = self ]; then
		openssl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" -in "$1.csr" \
			-extensions "$4" -startdate "$5" -enddate "$6" -notext -out "$1.pem" 2>/dev/null
	else
		openssl ca -batch -config ca.cnf -cert "$3.pem" -keyfile "$3.key" -in "$1.csr" \
			-extensions "$4" -startdate "$5" -enddate "$6" -notext -out "$1.pem" 2>/dev/null
	fi
}

# pfx NAME CHAIN...   (leaf with its key and the given chain certificates)
pfx() {
	n=$1
	shift
	cat "$@" > chain.tmp
	openssl pkcs12 -export -inkey "$n.key" -in "$n.pem" -certfile chain.tmp \
		-passout "pass:$PASS" -out "$n.pfx"
}

for alg in rsa ec; do
	key "root-$alg" "$alg"
	key "ca-$alg" "$alg"
	issue "root-$alg" "/C=DE/O=certswap test/CN=certswap Test Root $alg" self v3_root 20250101000000Z 20450101000000Z
	issue "ca-$alg" "/C=DE/O=certswap test/CN=certswap Test Issuing CA $alg" "root-$alg" v3_ca 20250101000000Z 20400101000000Z
	key "codesign-$alg" "$alg"
	issue "codesign-$alg" "/C=DE/O=certswap test/CN=certswap Test Code Signing $alg" "ca-$alg" v3_codesign 20260101000000Z 20360101000000Z
	pfx "codesign-$alg" "ca-$alg.pem" "root-$alg.pem"
done

key tls-rsa rsa
issue tls-rsa "/C=DE/O=certswap test/CN=certswap Test TLS only" ca-rsa v3_tls 20260101000000Z 20360101000000Z
pfx tls-rsa ca-rsa.pem root-rsa.pem

key expired-rsa rsa
issue expired-rsa "/C=DE/O=certswap test/CN=certswap Test Code Signing expired" ca-rsa v3_codesign 20240101000000Z 20250101000000Z
pfx expired-rsa ca-rsa.pem root-rsa.pem

# The CER without key: the RSA code-signing certificate alone, DER.
openssl x509 -in codesign-rsa.pem -outform DER -out codesign-rsa.cer

for f in root-rsa ca-rsa codesign-rsa root-ec ca-ec codesign-ec tls-rsa expired-rsa; do
	openssl x509 -in "$f.pem" -out "$here/$f.pem"
done
cp codesign-rsa.cer codesign-rsa.pfx codesign-ec.pfx tls-rsa.pfx expired-rsa.pfx "$here/"

# Sample scripts. ASCII with CRLF; UTF-8 with BOM and non-ASCII text; UTF-16 LE with BOM.
printf '# certswap signing sample\r\nparam([string]$Name = '"'"'world'"'"')\r\nWrite-Host "Hello, $Name"\r\nGet-Date\r\n' > "$here/ascii.ps1"
printf '\357\273\277# certswap signing sample (UTF-8 with BOM)\r\n$greeting = '"'"'Grüße aus Köln – “quoted” ’apostrophe’'"'"'\r\nWrite-Host $greeting\r\n' > "$here/utf8bom.ps1"
{ printf '\377\376'; printf '# certswap signing sample (UTF-16 LE with BOM)\r\n$s = '"'"'Ærøskøbing – 東京'"'"'\r\nWrite-Host $s\r\n' | iconv -f UTF-8 -t UTF-16LE; } > "$here/utf16le.ps1"

# Signed by osslsigncode (the interop-in direction), with the PFX chain and a fixed signingTime.
for alg in rsa ec; do
	for s in ascii utf8bom utf16le; do
		out="$here/$s.ossl-$alg.ps1"
		rm -f "$out"
		osslsigncode sign -pkcs12 "$here/codesign-$alg.pfx" -pass "$PASS" -h sha256 \
			-time "$SIGNTIME" -in "$here/$s.ps1" -out "$out" >/dev/null
	done
done
echo "testdata/signing regenerated"
