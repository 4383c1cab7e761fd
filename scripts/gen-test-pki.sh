#!/usr/bin/env bash
# Makes a PKIoverheid-shaped test PKI in DIR: root CA -> intermediate CA -> leaf certificates.
#
#   DIR/ca.crt                  trust anchor (the test root)
#   DIR/server.crt|key          server leaf + intermediate, SAN localhost and 127.0.0.1
#   DIR/<org>.crt|key           client leaf + intermediate, OIN in subject serialNumber
#   DIR/expired.crt|key         gemeente-a's OIN, validity ended in the past
#   DIR/other-ca.crt|key        gemeente-a's OIN, issued by an unrelated root
#   DIR/wrong-usage.crt|key     gemeente-a's OIN, serverAuth only (no clientAuth)
#   DIR/organisations.tsv       name, OIN, role of each organisation
#
# Idempotent: a DIR that already holds a complete PKI is left alone (use --force to remake).
# Private keys are written with mode 0600.
set -euo pipefail

force=0
if [[ "${1:-}" == "--force" ]]; then force=1; shift; fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--force] DIR" >&2
  exit 2
fi
dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

if [[ $force -eq 0 && -f "$dir/.complete" ]]; then
  exit 0
fi

# Serialise concurrent callers (ctest -j) on one lock.
exec 9>"$dir/.lock"
flock 9
if [[ $force -eq 0 && -f "$dir/.complete" ]]; then
  exit 0
fi
rm -f "$dir/.complete"

umask 077
work=$(mktemp -d "$dir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

orgs=(
  "gemeente-a 00000001000000001000 bevoegd-gezag Gemeente_A"
  "gemeente-b 00000001000000002000 bevoegd-gezag Gemeente_B"
  "omgevingsdienst 00000001000000003000 behandeldienst Omgevingsdienst_Regio"
  "adviesbureau 00000009000000004000 ketenpartner Adviesbureau_BV"
  "leverancier 00000009000000005000 leverancier Leverancier_Software_BV"
)

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

cat > "$work/ext.cnf" <<'CNF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[intermediate]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[wrong_usage]
basicConstraints = critical, CA:FALSE
keyUsage = critical, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

selfsign() {  # name subject
  newkey "$work/$1.key"
  openssl req -new -x509 -key "$work/$1.key" -subj "$2" -days 3650 -sha256 \
    -extensions root -config <(cat "$work/ext.cnf"; printf '[req]\ndistinguished_name=dn\n[dn]\n') \
    -out "$work/$1.crt"
}

sign() {  # name subject issuer extension [days]
  newkey "$work/$1.key"
  openssl req -new -key "$work/$1.key" -subj "$2" -out "$work/$1.csr"
  openssl x509 -req -in "$work/$1.csr" -CA "$work/$3.crt" -CAkey "$work/$3.key" \
    -CAcreateserial -days "${5:-825}" -sha256 -extfile "$work/ext.cnf" -extensions "$4" \
    -out "$work/$1.crt" 2>/dev/null
}

# A leaf whose validity ended in the past needs `openssl ca` for explicit dates.
sign_expired() {  # name subject issuer
  newkey "$work/$1.key"
  openssl req -new -key "$work/$1.key" -subj "$2" -out "$work/$1.csr"
  mkdir -p "$work/ca-db"
  : > "$work/ca-db/index.txt"
  echo 1000 > "$work/ca-db/serial"
  cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = expired_ca
[expired_ca]
database = $work/ca-db/index.txt
serial = $work/ca-db/serial
new_certs_dir = $work/ca-db
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
CNF
  cat "$work/ext.cnf" >> "$work/ca.cnf"
  openssl ca -batch -config "$work/ca.cnf" -cert "$work/$3.crt" -keyfile "$work/$3.key" \
    -extensions client -startdate 20200101000000Z -enddate 20200201000000Z -notext \
    -preserveDN -in "$work/$1.csr" -out "$work/$1.crt" 2>/dev/null
}

selfsign root "/C=NL/O=Staat der Nederlanden (test)/CN=Staat der Nederlanden Test Root CA"
sign intermediate "/C=NL/O=Staat der Nederlanden (test)/CN=PKIoverheid Test Organisatie Services CA" \
  root intermediate 3650
sign server "/C=NL/O=DSO Emulator/CN=localhost" intermediate server

chain() { cat "$work/$1.crt" "$work/intermediate.crt" > "$dir/$1.crt"; cp "$work/$1.key" "$dir/$1.key"; }
chain server

printf 'name\toin\trole\tnaam\n' > "$work/organisations.tsv"
for entry in "${orgs[@]}"; do
  read -r name oin role naam <<<"$entry"
  naam=${naam//_/ }
  sign "$name" "/C=NL/O=$naam/serialNumber=$oin/CN=$name" intermediate client
  chain "$name"
  printf '%s\t%s\t%s\t%s\n' "$name" "$oin" "$role" "$naam" >> "$work/organisations.tsv"
done

sign_expired expired "/C=NL/O=Gemeente A/serialNumber=00000001000000001000/CN=expired" intermediate
chain expired

selfsign other-root "/C=NL/O=Unrelated Test Root/CN=Unrelated Root CA"
sign other-ca "/C=NL/O=Gemeente A/serialNumber=00000001000000001000/CN=other-ca" other-root client
cp "$work/other-ca.crt" "$dir/other-ca.crt"; cp "$work/other-ca.key" "$dir/other-ca.key"

sign wrong-usage "/C=NL/O=Gemeente A/serialNumber=00000001000000001000/CN=wrong-usage" \
  intermediate wrong_usage
chain wrong-usage

cp "$work/root.crt" "$dir/ca.crt"
cp "$work/intermediate.crt" "$dir/intermediate.crt"
cp "$work/organisations.tsv" "$dir/organisations.tsv"
chmod 0600 "$dir"/*.key
chmod 0644 "$dir"/*.crt "$dir/organisations.tsv"
touch "$dir/.complete"
