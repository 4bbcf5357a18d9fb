#!/bin/sh
# make-certs.sh: regenerate the certificate fixtures in testdata/certs with OpenSSL 3.
#
# The fixtures are committed; tests never run this script. Run it from anywhere:
#     sh testdata/certs/make-certs.sh
# It needs openssl 3 (with the legacy provider, for the RC2-40 PFX), xxd and go (only for
# assemble-pfx.go, which lays out two PFX files that openssl cannot make; it does no crypto).
#
# Every certificate gets a fixed serial and fixed dates (openssl ca -startdate/-enddate), but the
# keys are new on each run, so thumbprints change: the script therefore records, from openssl's
# own output, each certificate's thumbprint, SHA-256, serial, validity and SANs in expected.txt.
# The tests read expected.txt; no value in it comes from certswap.
set -eu

SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${CERTS_OUT:-$SRC} # CERTS_OUT=DIR writes the fixtures elsewhere (to try the script)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W"

# Test passwords (also listed in README.md; they protect nothing but fixtures).
PW='Contoso-Test-1!'
PW_UNICODE='Pässwort-€'

mkdir newcerts
: > index.txt
cat > ca.cnf <<EOF
[ ca ]
default_ca = CA_default
[ CA_default ]
database = $W/index.txt
new_certs_dir = $W/newcerts
serial = $W/serial
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
copy_extensions = none
[ policy_any ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
EOF

cat > ext.cnf <<'EOF'
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tls_rsa ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:mail.contoso.com, DNS:autodiscover.contoso.com, DNS:owa.contoso.com, DNS:legacy.contoso.com, IP:192.0.2.25, IP:2001:db8::25
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tls_ec ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:ec.contoso.com, DNS:www.contoso.com
[ mail ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:mail.contoso.com, DNS:autodiscover.contoso.com
[ wildcard ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.contoso.com, DNS:contoso.com
[ expired ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:expired.contoso.com
[ sha1 ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:sha1.contoso.com
[ weak ]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:weak.contoso.com
[ client ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth, emailProtection
subjectAltName = DNS:client.contoso.com
[ selfsigned ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:EX01, DNS:EX01.contoso.local
EOF

# key NAME rsa BITS | key NAME ec
key() {
	if [ "$2" = ec ]; then
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
	else
		openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$3" -out "$1.key" 2>/dev/null
	fi
}

# issue NAME SUBJECT SERIALHEX START END EXTSECTION MD ISSUER|self
issue() {
	openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
	printf '%s\n' "$3" > serial
	if [ "$8" = self ]; then
		openssl ca -batch -config ca.cnf -selfsign -keyfile "$1.key" -in "$1.csr" -out "$1.pem" \
			-startdate "$4" -enddate "$5" -extfile ext.cnf -extensions "$6" -md "$7" -notext -preserveDN 2>/dev/null
	else
		openssl ca -batch -config ca.cnf -cert "$8.pem" -keyfile "$8.key" -in "$1.csr" -out "$1.pem" \
			-startdate "$4" -enddate "$5" -extfile ext.cnf -extensions "$6" -md "$7" -notext -preserveDN 2>/dev/null
	fi
}

# The certswap test PKI.
key root-ca rsa 2048
issue root-ca '/C=US/O=Certswap Test/CN=Certswap Test Root CA' 01 \
	20200101000000Z 20451231235959Z root sha256 self
key issuing-ca rsa 2048
issue issuing-ca '/C=US/O=Certswap Test/CN=Certswap Test Issuing CA 1' 1002 \
	20200101000000Z 20401231235959Z ca sha256 root-ca
key tls-rsa rsa 2048
issue tls-rsa '/C=US/ST=Washington/L=Redmond/O=Contoso, Ltd/CN=mail.contoso.com' 9A1B2C3D4E5F60718293A4B5C6D7E8F9 \
	20250101000000Z 20370101000000Z tls_rsa sha256 issuing-ca
key tls-ec ec
issue tls-ec '/C=US/O=Contoso/CN=ec.contoso.com' 7E01 \
	20250101000000Z 20370101000000Z tls_ec sha256 issuing-ca
key wildcard rsa 2048
issue wildcard '/C=US/O=Contoso/CN=*.contoso.com' 2001 \
	20250101000000Z 20370101000000Z wildcard sha256 issuing-ca
key expired rsa 2048
issue expired '/C=US/O=Contoso/CN=expired.contoso.com' 2002 \
	20190101000000Z 20210101000000Z expired sha256 issuing-ca
key sha1 rsa 2048
issue sha1 '/C=US/O=Contoso/CN=sha1.contoso.com' 2003 \
	20250101000000Z 20370101000000Z sha1 sha1 issuing-ca
key rsa1024 rsa 1024
issue rsa1024 '/C=US/O=Contoso/CN=weak.contoso.com' 2004 \
	20250101000000Z 20370101000000Z weak sha256 issuing-ca
key client rsa 2048
issue client '/C=US/O=Contoso/CN=client.contoso.com' 2005 \
	20250101000000Z 20370101000000Z client sha256 issuing-ca
key selfsigned rsa 2048
issue selfsigned '/CN=EX01' 3C5F00D1 \
	20250101000000Z 20370101000000Z selfsigned sha256 self
key selfsigned-sha1 rsa 2048
issue selfsigned-sha1 '/CN=EX2010' 0A0B0C0D \
	20250101000000Z 20370101000000Z selfsigned sha1 self

# The field story: same subject, renewal issued by a new intermediate of the same CA.
# (Look-alike names; the keys are ours, not COMODO's or Sectigo's.)
key comodo-root rsa 2048
issue comodo-root '/C=GB/ST=Greater Manchester/L=Salford/O=COMODO CA Limited/CN=COMODO RSA Certification Authority' 4CAAF9CADB636FE01FF74ED85B03869D \
	20100119000000Z 20380118235959Z root sha256 self
key comodo-dv rsa 2048
issue comodo-dv '/C=GB/ST=Greater Manchester/L=Salford/O=COMODO CA Limited/CN=COMODO RSA Domain Validation Secure Server CA' 2B2E6EEAD975366C148A6EDBA37C8C07 \
	20140212000000Z 20370211235959Z ca sha256 comodo-root
key old-mail rsa 2048
issue old-mail '/CN=mail.contoso.com' 00C1A2B3C4D5E6F708192A3B4C5D6E7F \
	20230601000000Z 20360601235959Z mail sha256 comodo-dv
key usertrust-root rsa 2048
issue usertrust-root '/C=US/ST=New Jersey/L=Jersey City/O=The USERTRUST Network/CN=USERTrust RSA Certification Authority' 01FD6D30FCA3CA51A81BBC640E35032D \
	20100201000000Z 20380118235959Z root sha256 self
key sectigo-dv rsa 2048
issue sectigo-dv '/C=GB/ST=Greater Manchester/L=Salford/O=Sectigo Limited/CN=Sectigo RSA Domain Validation Secure Server CA' 7D5B5126B476BA11DB74160BBC530DA7 \
	20181102000000Z 20381231235959Z ca sha256 usertrust-root
key new-mail rsa 2048
issue new-mail '/CN=mail.contoso.com' E3B0C44298FC1C149AFBF4C8996FB924 \
	20250601000000Z 20370601235959Z mail sha256 sectigo-dv

CERTS='root-ca issuing-ca tls-rsa tls-ec wildcard expired sha1 rsa1024 client selfsigned selfsigned-sha1 comodo-root comodo-dv old-mail usertrust-root sectigo-dv new-mail'

# Odd certificates, laid out with openssl asn1parse -genconf. Their signatures are dummies
# (nothing verifies them); crypto/x509 refuses some of them and Windows loads them all.
openssl pkey -in tls-ec.key -pubout -outform DER -out ec-spki.der
EC_POINT=$(tail -c 65 ec-spki.der | xxd -p | tr -d '\n')
HUGE=$(head -c 16384 /dev/zero | tr '\0' 'a')

# odd NAME SERIAL NOTBEFORE-TYPE:VALUE NOTAFTER-TYPE:VALUE SUBJECT-ATV-VALUE [MORE-SAN-LINES]
odd() {
	cat > "$1.cnf" <<EOF
asn1=SEQUENCE:cert
[cert]
tbs=SEQUENCE:tbs
alg=SEQUENCE:sigalg
sig=FORMAT:HEX,BITSTRING:0011223344556677
[tbs]
ver=EXPLICIT:0,INTEGER:2
serial=INTEGER:$2
sa=SEQUENCE:sigalg
issuer=SEQUENCE:issuer
validity=SEQUENCE:validity
subject=SEQUENCE:subject
spki=SEQUENCE:spki
ext=EXPLICIT:3,SEQUENCE:exts
[sigalg]
oid=OID:ecdsa-with-SHA256
[validity]
nb=$3
na=$4
[issuer]
rdn1=SET:irdn1
rdn2=SET:irdn2
[irdn1]
atv=SEQUENCE:iatv1
[iatv1]
oid=OID:countryName
val=PRINTABLESTRING:US
[irdn2]
atv=SEQUENCE:iatv2
[iatv2]
oid=OID:commonName
val=UTF8String:Certswap Odd CA
[subject]
rdn1=SET:srdn1
rdn2=SET:srdn2
[srdn1]
atv=SEQUENCE:satv1
[satv1]
oid=OID:organizationName
val=$5
[srdn2]
atv=SEQUENCE:satv2
[satv2]
oid=OID:commonName
val=UTF8String:$1.contoso.com
[spki]
alg=SEQUENCE:ecalg
key=FORMAT:HEX,BITSTRING:$EC_POINT
[ecalg]
oid=OID:id-ecPublicKey
curve=OID:prime256v1
[exts]
san=SEQUENCE:sanext
eku=SEQUENCE:ekuext
[sanext]
oid=OID:subjectAltName
val=OCTWRAP,SEQUENCE:san
[san]
d1=IMPLICIT:2,IA5STRING:$1.contoso.com
d2=IMPLICIT:2,IA5STRING:odd.contoso.com
ip=IMPLICIT:7,FORMAT:HEX,OCTETSTRING:C0000263
${6:-}
[ekuext]
oid=OID:extendedKeyUsage
val=OCTWRAP,SEQUENCE:eku
[eku]
e1=OID:serverAuth
e2=OID:1.3.6.1.4.1.311.10.3.12
EOF
	openssl asn1parse -genconf "$1.cnf" -out "$1.der" -noout
}
odd odd-negative-serial -1234567 UTCTIME:250101000000Z UTCTIME:370101000000Z 'UTF8String:Contoso'
odd odd-dates 0x00A1 GENTIME:00010101000000Z GENTIME:99991231235959Z 'UTF8String:Contoso'
odd odd-octet-name 0x00A2 UTCTIME:250101000000Z GENTIME:20500101000000Z 'FORMAT:HEX,OCTETSTRING:414243'
odd odd-printable 0x00A3 UTCTIME:250101000000Z UTCTIME:370101000000Z 'IMPLICIT:19U,FORMAT:HEX,OCTETSTRING:436f6e746f736f204020546573745f4c6162'
odd odd-huge-name 0x00A4 UTCTIME:250101000000Z UTCTIME:370101000000Z "UTF8String:$HUGE"
# a raw UTF-8 dNSName and a 5-byte iPAddress, both of which crypto/x509 refuses
odd odd-san 0x00A5 UTCTIME:250101000000Z UTCTIME:370101000000Z 'UTF8String:Contoso' "# expect-dns bücher.contoso.com
d3=IMPLICIT:2,FORMAT:HEX,OCTETSTRING:$(printf 'bücher.contoso.com' | xxd -p | tr -d '\n')
ip2=IMPLICIT:7,FORMAT:HEX,OCTETSTRING:C000026301"
ODD='odd-negative-serial odd-dates odd-octet-name odd-printable odd-huge-name odd-san'

# Container files.
for c in $CERTS; do openssl x509 -in "$c.pem" -outform DER -out "$c.der"; done

cat issuing-ca.pem root-ca.pem > tls-chain.pem
cat sectigo-dv.pem usertrust-root.pem > new-chain.pem
cat comodo-dv.pem comodo-root.pem > old-chain.pem

openssl pkcs12 -export -in tls-rsa.pem -inkey tls-rsa.key -certfile tls-chain.pem \
	-name 'mail.contoso.com' -passout "pass:$PW" -out "$OUT/tls-rsa-modern.pfx"
openssl pkcs12 -export -in tls-rsa.pem -inkey tls-rsa.key -certfile tls-chain.pem \
	-certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1 \
	-passout "pass:$PW" -out "$OUT/tls-rsa-3des.pfx"
openssl pkcs12 -export -legacy -in tls-rsa.pem -inkey tls-rsa.key \
	-passout "pass:$PW" -out "$OUT/tls-rsa-rc2.pfx"
openssl pkcs12 -export -in tls-rsa.pem -inkey tls-rsa.key \
	-CSP 'Microsoft Enhanced RSA and AES Cryptographic Provider' \
	-passout "pass:$PW" -out "$OUT/tls-rsa-csp.pfx"
openssl pkcs12 -export -in tls-rsa.pem -inkey tls-rsa.key -certfile tls-chain.pem -LMK \
	-CSP 'Microsoft Software Key Storage Provider' \
	-passout "pass:$PW" -out "$OUT/tls-rsa-lmk.pfx"
openssl pkcs12 -export -in tls-ec.pem -inkey tls-ec.key -passout pass: -out "$OUT/tls-ec-empty.pfx"
openssl pkcs12 -export -in tls-ec.pem -inkey tls-ec.key -passout "pass:$PW_UNICODE" \
	-out "$OUT/tls-ec-unicode.pfx"
openssl pkcs12 -export -in new-mail.pem -inkey new-mail.key -certfile new-chain.pem \
	-passout "pass:$PW" -out "$OUT/new-mail.pfx"
openssl pkcs12 -export -in old-mail.pem -inkey old-mail.key -certfile old-chain.pem \
	-passout "pass:$PW" -out "$OUT/old-mail.pfx"
openssl pkcs12 -export -in wildcard.pem -inkey wildcard.key -passout "pass:$PW" -out "$OUT/wildcard.pfx"
openssl pkcs12 -export -in selfsigned.pem -inkey selfsigned.key -passout "pass:$PW" -out "$OUT/selfsigned.pfx"
openssl pkcs12 -export -nokeys -in tls-rsa.pem -certfile tls-chain.pem \
	-passout "pass:$PW" -out "$OUT/nokey.pfx"

# Two PFX layouts openssl does not write: two private keys, and the leaf last. Keys are
# PKCS#8-encrypted by openssl with the empty password; assemble-pfx.go only lays out ASN.1.
openssl pkcs8 -topk8 -in tls-rsa.key -outform DER -v2 aes-256-cbc -passout pass: -out k1.p8
openssl pkcs8 -topk8 -in wildcard.key -outform DER -v2 aes-256-cbc -passout pass: -out k2.p8
(cd "$SRC" && go run ./assemble-pfx.go "$OUT/twokeys.pfx" \
	"$W/k1.p8" "$W/k2.p8" -- "$W/tls-rsa.der" "$W/wildcard.der")
(cd "$SRC" && go run ./assemble-pfx.go "$OUT/leaf-last.pfx" \
	"$W/k1.p8" -- "$W/root-ca.der" "$W/issuing-ca.der" "$W/tls-rsa.der")

cp tls-rsa.der "$OUT/tls-rsa.cer"
cp tls-ec.der "$OUT/tls-ec.der"
cp sha1.der "$OUT/sha1.cer"
cp rsa1024.der "$OUT/rsa1024.cer"
cp client.der "$OUT/client.cer"
cp expired.der "$OUT/expired.cer"
cp wildcard.der "$OUT/wildcard.cer"
cp selfsigned.der "$OUT/selfsigned.cer"
cp selfsigned-sha1.der "$OUT/selfsigned-sha1.cer"
cp old-mail.der "$OUT/old-mail.cer"
cp new-mail.der "$OUT/new-mail.cer"
openssl x509 -in new-mail.pem -out "$OUT/new-mail.pem"
# leaf + chain, CRLF line ends (as Windows' "Base-64 encoded X.509" export writes them)
cat tls-rsa.pem issuing-ca.pem root-ca.pem | sed 's/$/\r/' > "$OUT/tls-rsa-chain-crlf.pem"
# UTF-8 BOM before the PEM, LF
{ printf '\357\273\277'; cat tls-ec.pem; } > "$OUT/tls-ec-bom.cer"
# bare Base64, one line (as [Convert]::ToBase64String($cert.RawData) gives it)
openssl base64 -A -in new-mail.der > "$OUT/new-mail.b64"
# bare Base64, 64-column lines with CRLF
openssl base64 -in old-mail.der | sed 's/$/\r/' > "$OUT/old-mail-wrapped.b64"
# openssl's own PEM with "Bag Attributes" and "subject=" text around the blocks
openssl pkcs12 -in "$OUT/old-mail.pfx" -nokeys -passin "pass:$PW" -out "$OUT/old-mail-bagattrs.pem"
# P7B (PKCS#7 certificates-only), DER and PEM; certificates deliberately out of chain order
openssl crl2pkcs7 -nocrl -certfile usertrust-root.pem -certfile new-mail.pem -certfile sectigo-dv.pem \
	-outform DER -out "$OUT/new-mail-chain.p7b"
openssl crl2pkcs7 -nocrl -certfile root-ca.pem -certfile tls-rsa.pem -certfile issuing-ca.pem \
	-out "$OUT/tls-rsa-chain.p7b.pem"
# BER with indefinite lengths (as some CAs publish chains): an S/MIME signature by tls-rsa
# whose SignedData carries tls-rsa and its chain
printf 'certswap' | openssl smime -sign -signer tls-rsa.pem -inkey tls-rsa.key -certfile tls-chain.pem \
	-nodetach -stream -outform DER -out "$OUT/tls-rsa-signed-ber.p7b"
# two unrelated leaves in one PEM
cat old-mail.pem new-mail.pem > "$OUT/two-leaves.pem"
for o in $ODD; do cp "$o.der" "$OUT/$o.der"; done

# expected.txt: values from openssl, one "cert NAME" block per certificate.
serial_hex() { # openssl prints the serial without the sign byte; DESIGN wants it back
	s=$(openssl x509 -in "$1.pem" -noout -serial | sed 's/^serial=//')
	case "$s" in [89A-F]*) s="00$s" ;; esac
	printf '%s' "$s"
}
{
	echo "# Generated by make-certs.sh from openssl $(openssl version | cut -d' ' -f2). Do not edit."
	echo "# thumbprint: openssl x509 -fingerprint -sha1 (colons removed); sha256 likewise;"
	echo "# serial: openssl x509 -serial with 00 prepended when the first byte is >= 0x80;"
	echo "# notBefore/notAfter: openssl x509 -dates; dns/ip: openssl x509 -ext subjectAltName."
	echo "# Odd certificates (openssl cannot load them): thumbprint/sha256 from openssl dgst over the DER,"
	echo "# serial = the INTEGER's content bytes located by openssl asn1parse, dates as written in the genconf."
	for c in $CERTS; do
		echo
		echo "cert $c"
		echo "thumbprint $(openssl x509 -in "$c.pem" -noout -fingerprint -sha1 | sed 's/^.*=//; s/://g')"
		echo "sha256 $(openssl x509 -in "$c.pem" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g')"
		echo "serial $(serial_hex "$c")"
		openssl x509 -in "$c.pem" -noout -dates | sed 's/=/ /'
		openssl x509 -in "$c.pem" -noout -ext subjectAltName 2>/dev/null | sed -n '2,$p' |
			tr ',' '\n' | sed 's/^ *//' | sed -n 's/^DNS:/dns /p; s/^IP Address:/ip /p'
	done
	for o in $ODD; do
		echo
		echo "cert $o"
		echo "thumbprint $(openssl dgst -sha1 -r "$o.der" | cut -d' ' -f1 | tr a-f A-F)"
		echo "sha256 $(openssl dgst -sha256 -r "$o.der" | cut -d' ' -f1 | tr a-f A-F)"
		# line 5 of asn1parse is the serial INTEGER: "off:d=2 hl=H l=L prim: INTEGER"
		set -- $(openssl asn1parse -inform DER -in "$o.der" | sed -n '5p' | sed 's/:d=[0-9]*  *hl=/ /; s/ l= */ /; s/ prim.*//')
		echo "serial $(dd if="$o.der" bs=1 skip=$(($1 + $2)) count="$3" 2>/dev/null | xxd -p | tr -d '\n' | tr a-f A-F)"
		sed -n 's/^nb=[A-Z]*:/notBefore-asn1 /p; s/^na=[A-Z]*:/notAfter-asn1 /p' "$o.cnf"
		sed -n 's/^d[0-9]=IMPLICIT:2,IA5STRING:/dns /p; s/^# expect-dns /dns /p' "$o.cnf"
		echo "ip 192.0.2.99"
	done
} > "$OUT/expected.txt"
echo "wrote fixtures and expected.txt to $OUT"
