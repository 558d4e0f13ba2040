#!/usr/bin/env bash
# Makes a local certificate authority and a certificate for this machine, for a first try of
# wharf over HTTPS (Terraform speaks only HTTPS to a registry host). Clients trust the CA:
#   terraform:  SSL_CERT_FILE=DIR/ca.pem terraform init
#   apt/curl:   --cacert DIR/ca.pem, or copy it to /usr/local/share/ca-certificates/ and
#               run update-ca-certificates
#
# Usage: make-local-certificate.sh DIR [NAME...]
#   NAME: host names or IP addresses clients use (default: 127.0.0.1 localhost).
# Writes DIR/ca.pem, DIR/ca.key, DIR/cert.pem (the chain to serve) and DIR/key.pem. Existing
# files are kept: delete DIR to start over. Nothing is half-written (temp directory, then move).
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 DIR [NAME...]" >&2
  exit 2
fi
directory=$1
shift
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(127.0.0.1 localhost)

if [ -f "$directory/cert.pem" ] && [ -f "$directory/key.pem" ] && [ -f "$directory/ca.pem" ]; then
  echo "keeping the certificate in $directory (delete it to make a new one)"
  exit 0
fi
command -v openssl >/dev/null || { echo "$0: openssl is needed (apt-get install openssl)" >&2; exit 1; }

alt_names=()
for name in "${names[@]}"; do
  if [[ $name =~ ^[0-9.]+$ || $name == *:* ]]; then alt_names+=("IP:$name"); else alt_names+=("DNS:$name"); fi
done
subject_alt_names=$(IFS=,; echo "${alt_names[*]}")

mkdir -p "$(dirname "$directory")"
work=$(mktemp -d "$(dirname "$directory")/.certificate.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"   # the keys inside stay 600; the CA must be readable by clients
(
  cd "$work"
  umask 077
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=wharf local CA" -keyout ca.key -out ca.pem \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -subj "/CN=${names[0]}" -keyout key.pem -out request.csr 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n' \
    "$subject_alt_names" > extensions.cnf
  openssl x509 -req -in request.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
    -extfile extensions.cnf -out cert.pem 2>/dev/null
  rm -f request.csr extensions.cnf ca.srl
  chmod 644 ca.pem cert.pem
)
rm -rf "$directory"
mv "$work" "$directory"
trap - EXIT
echo "wrote $directory/cert.pem and $directory/key.pem for ${names[*]}; clients trust $directory/ca.pem"
