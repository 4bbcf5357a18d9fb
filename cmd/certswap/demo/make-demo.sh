#!/usr/bin/env bash
# Makes the demo's sample data (embedded in the certswap binary by demo.go):
#   pki/: a small test PKI that mimics the field story's CAs (NOT the real CAs: own keys, own names' copies)
#   old.cer        the certificate in use, issued by "COMODO RSA Domain Validation Secure Server CA"
#   new.pfx        its renewal (same subject and names), issued by "Sectigo RSA Domain Validation Secure
#                  Server CA", with its chain and the EMPTY password (demo data only)
#   other.cer      an unrelated certificate one WAP application uses (must be left alone)
#   exports/       exports of EX01, ADFS01 and WAP01 as the real cmdlets write them (gen.go)
#   expected.txt   thumbprints as openssl computes them (the demo test compares with these)
# Run from this folder: bash make-demo.sh   (needs openssl 3 and go)
set -euo pipefail
cd "$(dirname "$0")"
rm -rf pki exports old.cer new.pfx other.cer expected.txt
mkdir -p pki
cd pki
days=5000
cat > ca.ext <<'X'
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
X
cat > tls.ext <<'X'
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:mail.contoso.com, DNS:autodiscover.contoso.com, DNS:adfs.contoso.com, DNS:certauth.adfs.contoso.com, DNS:enterpriseregistration.contoso.com, DNS:intranet.contoso.com
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
X
cat > other.ext <<'X'
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:crm.fabrikam.com
X
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days $days -sha256 \
  -subj "/C=US/ST=New Jersey/L=Jersey City/O=The USERTRUST Network/CN=USERTrust RSA Certification Authority (certswap demo)" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for ca in comodo sectigo; do
  if [ $ca = comodo ]; then subj="/C=GB/ST=Greater Manchester/L=Salford/O=COMODO CA Limited/CN=COMODO RSA Domain Validation Secure Server CA"
  else subj="/C=GB/ST=Greater Manchester/L=Salford/O=Sectigo Limited/CN=Sectigo RSA Domain Validation Secure Server CA"; fi
  openssl req -new -newkey rsa:2048 -nodes -keyout $ca.key -out $ca.csr -subj "$subj" 2>/dev/null
  openssl x509 -req -in $ca.csr -CA root.pem -CAkey root.key -CAcreateserial -out $ca.pem -days $days -sha256 -extfile ca.ext 2>/dev/null
done
for leaf in old new; do
  ca=comodo; [ $leaf = new ] && ca=sectigo
  openssl req -new -newkey rsa:2048 -nodes -keyout $leaf.key -out $leaf.csr -subj "/CN=mail.contoso.com" 2>/dev/null
  openssl x509 -req -in $leaf.csr -CA $ca.pem -CAkey $ca.key -CAcreateserial -out $leaf.pem -days $days -sha256 -extfile tls.ext 2>/dev/null
done
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days $days -sha256 -subj "/CN=crm.fabrikam.com" -addext "subjectAltName=DNS:crm.fabrikam.com" -addext "extendedKeyUsage=serverAuth" 2>/dev/null
openssl x509 -in old.pem -outform der -out ../old.cer
openssl x509 -in other.pem -outform der -out ../other.cer
cat sectigo.pem root.pem > new-chain.pem
openssl pkcs12 -export -in new.pem -inkey new.key -certfile new-chain.pem -name "mail.contoso.com 2026" -passout pass: -out ../new.pfx
rm -f ./*.key ./*.csr ./*.srl ./*.ext   # no private key stays in the repository
cd ..
fp() { openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g'; }
{
  echo "old $(fp pki/old.pem)"
  echo "new $(fp pki/new.pem)"
  echo "other $(fp pki/other.pem)"
} > expected.txt
go run gen.go -old "$(fp pki/old.pem)" -new "$(fp pki/new.pem)" -other "$(fp pki/other.pem)"
cat expected.txt
