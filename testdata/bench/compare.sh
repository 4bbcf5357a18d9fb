#!/usr/bin/env bash
# compare.sh: certswap side by side with the tools an admin would otherwise use (issue 8).
#
# Builds certswap and generates every input into one temporary folder (removed at the end),
# then times each pair in the same run and prints the ratios. Not run by CI: it takes minutes
# and writes up to about 2.5 GB of temporary files (BIG=0 skips the 1 GB run).
#
#   bash testdata/bench/compare.sh          # from the repository root
#   N=10000 BIG=0 REPEAT=1 bash testdata/bench/compare.sh
#
# Needs: go, openssl 3, osslsigncode, grep, /usr/bin/time (GNU). Each measurement runs REPEAT
# times (default 3) and keeps the fastest wall time and the smallest CPU time (user + system of
# the command and its children), because the machine may be shared: the CPU ratio is the steadier
# one when other jobs compete for the cores; the load average is printed with every line.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${N:-100000}                 # receive connectors and WAP applications in the validate run
CERTS=${CERTS:-1000}           # certificates in the inspect-a-folder run
BIG=${BIG:-1073741824}         # bytes of the bounded-memory Format-List run (0: skip)
REPEAT=${REPEAT:-3}
LOOP=${LOOP:-20}               # calls per side for the single-file comparisons
FULL=${FULL:-10000}            # objects of each kind in the complete (every property) exports
FLAT=${FLAT:-268435456}        # bytes of the Format-List throughput file

WORK=$(mktemp -d "${TMPDIR:-/tmp}/certswap-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$ROOT"

export CERT_PW='Contoso-Test-1!'   # testdata/certs fixtures (README there); not a secret
export SIGN_PW='certswap-test'     # testdata/signing fixtures
CERTS_DIR=$ROOT/testdata/certs
SIGN_DIR=$ROOT/testdata/signing
CS=$WORK/certswap

note() { printf '%s\n' "$*" >&2; }

note "building certswap and generating inputs in $WORK ..."
go build -o "$CS" ./cmd/certswap
go build -o "$WORK/stream" testdata/bench/stream.go
go run testdata/bench/gen.go -out "$WORK/fleet" -n "$N" -certs 0 -kinds list -select
go run testdata/bench/gen.go -out "$WORK/full" -n "$FULL" -certs "$CERTS" -kinds list,clixml
go run testdata/bench/gen.go -out "$WORK/flat" -n 1 -certs 0 -kinds '' -bytes "$FLAT" -encoding utf8
# The same export in UTF-16 LE with BOM, as Windows PowerShell 5.1 writes it.
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$WORK/flat/big.txt"; } > "$WORK/flat/big16.txt"

# measure CMD...: runs CMD REPEAT times; sets WALL and CPU (seconds, the best of the runs), RSS
# (KB, the largest) and LOAD (1-minute load average before the first run).
measure() {
	WALL=; CPU=; RSS=0
	LOAD=$(cut -d' ' -f1 /proc/loadavg)
	for _ in $(seq "$REPEAT"); do
		if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err"; then
			note "failed: $*"; cat "$WORK/err" >&2; exit 1
		fi
		read -r w u s m <"$WORK/time"
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
		WALL=$(awk -v a="${WALL:-$w}" -v b="$w" 'BEGIN { print (b < a ? b : a) }')
		CPU=$(awk -v a="${CPU:-$c}" -v b="$c" 'BEGIN { print (b < a ? b : a) }')
		RSS=$(( m > RSS ? m : RSS ))
	done
}

# pair LABEL TARGET -- CERTSWAP_CMD... -- OTHER_CMD...: times both and prints one line of ratios
# (other ÷ certswap: above 1 means certswap is faster).
pair() {
	local label=$1 target=$2; shift 3
	local a=() b=()
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift; b=("$@")
	measure "${a[@]}"; local w1=$WALL c1=$CPU l1=$LOAD
	measure "${b[@]}"; local w2=$WALL c2=$CPU
	awk -v l="$label" -v t="$target" -v w1="$w1" -v c1="$c1" -v w2="$w2" -v c2="$c2" -v ld="$l1" 'BEGIN {
		rw = (w1 > 0 ? w2 / w1 : 0); rc = (c1 > 0 ? c2 / c1 : 0)
		printf "%-46s %8.3f %8.3f | %8.3f %8.3f | %7.2fx %7.2fx | %-10s load %s\n", l, w1, c1, w2, c2, rw, rc, t, ld }'
}


# Inputs for signing: a 1 KB and a 1 MB ASCII script with CRLF line ends, and 100 copies of the
# 1 KB one.
line='Write-Host '\''certswap benchmark line'\'' -ForegroundColor Green'
mkdir -p "$WORK/sign/100"
awk -v l="$line" 'BEGIN { while (n < 1024) { printf "%s\r\n", l; n += length(l) + 2 } }' >"$WORK/sign/1k.ps1"
awk -v l="$line" 'BEGIN { while (n < 1048576) { printf "%s\r\n", l; n += length(l) + 2 } }' >"$WORK/sign/1m.ps1"
for i in $(seq -w 1 100); do cp "$WORK/sign/1k.ps1" "$WORK/sign/100/s$i.ps1"; done

signcs() { # signcs OUTDIR FILE...: one certswap call
	local out=$1; shift
	rm -rf "$out"
	"$CS" sign --cert "$SIGN_DIR/codesign-rsa.pfx" --password-env SIGN_PW --out "$out" "$@"
}
signossl() { # signossl FILE...: one osslsigncode call per file
	for f in "$@"; do
		osslsigncode sign -pkcs12 "$SIGN_DIR/codesign-rsa.pfx" -pass "$SIGN_PW" -h sha256 \
			-in "$f" -out "$WORK/sign/ossl.ps1" >/dev/null && rm -f "$WORK/sign/ossl.ps1" || return 1
	done
}
verifyossl() { # verifyossl FILE...: one osslsigncode call per file
	for f in "$@"; do
		osslsigncode verify -CAfile "$SIGN_DIR/root-rsa.pem" -in "$f" >/dev/null || return 1
	done
}
export -f signcs signossl verifyossl
export CS WORK SIGN_DIR
signcs "$WORK/sign/signed" "$WORK/sign/1k.ps1" "$WORK/sign/1m.ps1" 2>/dev/null
signcs "$WORK/sign/signed100" "$WORK/sign/100"/*.ps1 2>/dev/null

pfx_cs() { for _ in $(seq "$LOOP"); do "$CS" inspect --password-env CERT_PW "$1" >/dev/null || return 1; done; }
pfx_ossl() { for _ in $(seq "$LOOP"); do openssl pkcs12 $2 -in "$1" -passin env:CERT_PW -nodes -out /dev/null || return 1; done; }
x509_ossl() { for f in "$1"/*.cer; do openssl x509 -inform DER -in "$f" -noout -fingerprint -sha1 >/dev/null || return 1; done; }
export -f pfx_cs pfx_ossl x509_ossl
export LOOP

cat <<EOF
certswap $("$CS" version | head -1); $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //');
$(openssl version); $(osslsigncode --version 2>&1 | head -1); $(grep --version | head -1)
times in seconds: wall (best of $REPEAT) and CPU (user + system, best of $REPEAT); ratio = other / certswap

comparison                                     certswap: wall      cpu |    other: wall      cpu |   ratio: wall     cpu | target
EOF

pair "PFX AES-256/PBKDF2 x$LOOP: inspect vs pkcs12" ">= 1x" -- \
	bash -c 'pfx_cs "$0"' "$CERTS_DIR/tls-rsa-modern.pfx" -- bash -c 'pfx_ossl "$0" ""' "$CERTS_DIR/tls-rsa-modern.pfx"
pair "PFX 3DES/SHA-1 x$LOOP: inspect vs pkcs12" ">= 1x" -- \
	bash -c 'pfx_cs "$0"' "$CERTS_DIR/tls-rsa-3des.pfx" -- bash -c 'pfx_ossl "$0" ""' "$CERTS_DIR/tls-rsa-3des.pfx"
pair "PFX RC2-40 x$LOOP: inspect vs pkcs12 -legacy" ">= 1x" -- \
	bash -c 'pfx_cs "$0"' "$CERTS_DIR/tls-rsa-rc2.pfx" -- bash -c 'pfx_ossl "$0" -legacy' "$CERTS_DIR/tls-rsa-rc2.pfx"
pair "$CERTS certs: inspect DIR vs $CERTS x509 calls" ">= 10x" -- \
	"$CS" inspect "$WORK/full/certs" -- bash -c 'x509_ossl "$0"' "$WORK/full/certs"
pair "sign 1 KB x$LOOP: certswap vs osslsigncode" ">= 1x" -- \
	bash -c 'for _ in $(seq $LOOP); do signcs "$WORK/sign/o" "$WORK/sign/1k.ps1" 2>/dev/null || exit 1; done' -- \
	bash -c 'for _ in $(seq $LOOP); do signossl "$WORK/sign/1k.ps1" || exit 1; done'
pair "sign 1 MB: certswap vs osslsigncode" ">= 1x" -- \
	bash -c 'signcs "$WORK/sign/o" "$WORK/sign/1m.ps1" 2>/dev/null' -- bash -c 'signossl "$WORK/sign/1m.ps1"'
pair "sign 100 files: one call vs 100 calls" ">= 10x" -- \
	bash -c 'signcs "$WORK/sign/o" "$WORK/sign/100"/*.ps1 2>/dev/null' -- bash -c 'signossl "$WORK/sign/100"/*.ps1'
pair "verify 1 KB x$LOOP: certswap vs osslsigncode" ">= 1x" -- \
	bash -c 'for _ in $(seq $LOOP); do "$CS" verify --trust "$SIGN_DIR/root-rsa.pem" "$WORK/sign/signed/1k.ps1" >/dev/null || exit 1; done' -- \
	bash -c 'for _ in $(seq $LOOP); do verifyossl "$WORK/sign/signed/1k.ps1" || exit 1; done'
pair "verify 1 MB: certswap vs osslsigncode" ">= 1x" -- \
	"$CS" verify --trust "$SIGN_DIR/root-rsa.pem" "$WORK/sign/signed/1m.ps1" -- bash -c 'verifyossl "$WORK/sign/signed/1m.ps1"'
pair "verify 100 files: one call vs 100 calls" ">= 10x" -- \
	bash -c '"$CS" verify --trust "$SIGN_DIR/root-rsa.pem" "$WORK/sign/signed100"/*.ps1' -- \
	bash -c 'verifyossl "$WORK/sign/signed100"/*.ps1'

# Format-List: certswap's streaming reader (testdata/bench/stream.go: export.StreamFile, every
# object rebuilt and dropped) and `certswap inspect` (reads every object, keeps them for its report)
# against grep -c counting one pattern over the same bytes, the floor of "just reading it".
# Ratio = grep / certswap: 0.20 is "within 5x".
list_mb=$(( $(stat -c %s "$WORK/flat/big.txt") / 1000000 ))
list16_mb=$(( $(stat -c %s "$WORK/flat/big16.txt") / 1000000 ))
throughput() { # throughput LABEL MB TARGET: MB/s of the last measure
	awk -v l="$1" -v m="$2" -v t="$3" -v w="$WALL" -v c="$CPU" -v r="$RSS" -v ld="$LOAD" 'BEGIN {
		printf "%-46s %8.0f MB/s wall %6.0f MB/s cpu, peak %d MB (target %s), load %s\n", l, m / w, m / c, r / 1024, t, ld }'
}
pair "Format-List ${list_mb} MB UTF-8: stream vs grep -c" ">= 0.2x" -- \
	"$WORK/stream" "$WORK/flat/big.txt" -- grep -c TlsCertificateName "$WORK/flat/big.txt"
measure "$WORK/stream" "$WORK/flat/big.txt"; throughput "  stream, UTF-8" "$list_mb" "200 MB/s"
measure "$CS" inspect "$WORK/flat/big.txt"; throughput "  certswap inspect, UTF-8" "$list_mb" "200 MB/s"
pair "Format-List ${list16_mb} MB UTF-16 LE: stream vs grep -c" ">= 0.2x" -- \
	"$WORK/stream" "$WORK/flat/big16.txt" -- grep -c -a 'T.l.s.C.e.r.t.i.f.i.c.a.t.e.N.a.m.e' "$WORK/flat/big16.txt"
measure "$WORK/stream" "$WORK/flat/big16.txt"; throughput "  stream, UTF-16 LE" "$list16_mb" "100 MB/s"
measure "$CS" inspect "$WORK/flat/big16.txt"; throughput "  certswap inspect, UTF-16 LE" "$list16_mb" "100 MB/s"

# validate at fleet scale: N receive connectors over 100 servers and N WAP applications, each
# export as `| Format-List <the properties the checks read> > file` writes it (UTF-16 LE); the
# report written with -o (streamed into a temporary file beside it, renamed), as JSON and as the
# default text report.
fleet_mb=$(( ($(stat -c %s "$WORK/fleet/Get-ReceiveConnector.txt") + $(stat -c %s "$WORK/fleet/Get-WebApplicationProxyApplication.txt")) / 1000000 ))
for form in json text; do
	measure "$CS" validate --cert "$CERTS_DIR/new-mail.pfx" --password-env CERT_PW --old "$CERTS_DIR/old-mail.cer" \
		--format "$form" --fail-on never -o "$WORK/report.$form" "$WORK/fleet/Get-ReceiveConnector.txt" "$WORK/fleet/Get-WebApplicationProxyApplication.txt"
	awk -v n="$N" -v mb="$fleet_mb" -v f="$form" -v w="$WALL" -v c="$CPU" -v r="$RSS" -v ld="$LOAD" 'BEGIN { printf "%-46s %8.3f s wall %6.3f s cpu, peak %d MB (target < 2 s, < 500 MB), load %s\n", "validate " n " connectors + " n " WAP apps (" mb " MB, " f ")", w, c, r / 1024, ld }'
done
findings=$(grep -c '^      "id": ' "$WORK/report.json" || true)
printf '%-46s %d findings, %d MB JSON, %d MB text\n' "  (report)" "$findings" $(( $(stat -c %s "$WORK/report.json") / 1000000 )) $(( $(stat -c %s "$WORK/report.text") / 1000000 ))
rm -f "$WORK/report.json" "$WORK/report.text"

# The same with complete exports (every property, as plain `| Format-List > file` writes them),
# 10,000 of each kind, and with Export-Clixml.
for form in txt xml; do
	measure "$CS" validate --cert "$CERTS_DIR/new-mail.pfx" --password-env CERT_PW --old "$CERTS_DIR/old-mail.cer" \
		--format json --fail-on never "$WORK/full/Get-ReceiveConnector.$form" "$WORK/full/Get-SendConnector.$form" \
		"$WORK/full/Get-WebApplicationProxyApplication.$form"
	mb=$(( ($(stat -c %s "$WORK/full/Get-ReceiveConnector.$form") + $(stat -c %s "$WORK/full/Get-SendConnector.$form") + $(stat -c %s "$WORK/full/Get-WebApplicationProxyApplication.$form")) / 1000000 ))
	awk -v f="$form" -v n="$FULL" -v mb="$mb" -v w="$WALL" -v c="$CPU" -v r="$RSS" -v ld="$LOAD" 'BEGIN { printf "%-46s %8.3f s wall %6.3f s cpu, peak %d MB, load %s\n", "validate 3 x " n " full objects (." f ", " mb " MB)", w, c, r / 1024, ld }'
done

# Start-up: 100 calls of `certswap version` against 100 calls of /bin/true (the cost of starting
# any process here); the target is under 10 ms a call.
measure bash -c 'for _ in $(seq 100); do "$CS" version >/dev/null || exit 1; done'
v_w=$WALL v_c=$CPU v_l=$LOAD
measure bash -c 'for _ in $(seq 100); do /bin/true || exit 1; done'
awk -v w="$v_w" -v c="$v_c" -v tw="$WALL" -v tc="$CPU" -v ld="$v_l" 'BEGIN { printf "%-46s %8.2f ms wall %6.2f ms cpu a call (/bin/true: %.2f ms, %.2f ms; target < 10 ms), load %s\n", "certswap version (100 calls)", w * 10, c * 10, tw * 10, tc * 10, ld }'

if [ "$BIG" -gt 0 ]; then
	note "writing a $BIG-byte Format-List export ..."
	go run testdata/bench/gen.go -out "$WORK/huge" -n 1 -certs 0 -kinds '' -bytes "$BIG" -encoding utf16le
	rm -rf "$WORK/flat" "$WORK/full"
	REPEAT=1
	huge_mb=$(( $(stat -c %s "$WORK/huge/big.txt") / 1000000 ))
	measure "$WORK/stream" "$WORK/huge/big.txt"; throughput "stream ${huge_mb} MB Format-List (UTF-16 LE)" "$huge_mb" "bounded memory"
	measure "$CS" inspect "$WORK/huge/big.txt"; throughput "certswap inspect ${huge_mb} MB (UTF-16 LE)" "$huge_mb" "bounded memory"
	rm -rf "$WORK/huge"
fi
