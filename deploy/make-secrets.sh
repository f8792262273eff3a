#!/bin/sh
# Makes the keys every instance shares, into deploy/secrets/ (or $1):
#   session-key       base64 of 64 random bytes (the session cookie's key)
#   signing-key.pem   RSA 2048, PKCS#8 (signs the ID tokens démarches get)
#   pairwise-secret   48 random bytes in base64 (derives each démarche's sub)
# Existing files are kept: changing them logs everyone out (session key),
# breaks démarches' token checks (signing key) or changes every sub
# (pairwise secret). The container runs as uid 10001, which must read them.
set -eu
dir="${1:-$(dirname "$0")/secrets}"
mkdir -p "$dir"
umask 077
[ -f "$dir/session-key" ] || openssl rand -base64 64 > "$dir/session-key"
[ -f "$dir/signing-key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing-key.pem" 2>/dev/null
[ -f "$dir/pairwise-secret" ] || openssl rand -base64 48 > "$dir/pairwise-secret"
# Readable by the containers' user only (needs root; skipped otherwise).
chown -R 10001:10001 "$dir" 2>/dev/null || echo "note: run 'sudo chown -R 10001:10001 $dir' so that the containers can read the keys" >&2
echo "keys in $dir"
