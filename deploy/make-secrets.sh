#!/bin/sh
# Makes the keys every instance shares, into deploy/secrets/ (or $1), owned
# by the user the portal runs as: uid 10001 in the image (or $2, e.g.
# `aiguillage` for the systemd unit):
#   session-key       base64 of 64 random bytes (the session cookie's key)
#   signing-key.pem   RSA 2048, PKCS#8 (signs the ID tokens démarches get)
#   es256-key.pem     P-256, PKCS#8 (ID tokens of démarches registered for ES256)
#   pairwise-secret   48 random bytes in base64 (derives each démarche's sub)
# Existing files are kept: changing them logs everyone out (session key),
# breaks démarches' token checks (signing keys) or changes every sub
# (pairwise secret). Run as root, so that the files can be given away.
set -eu
dir="${1:-$(dirname "$0")/secrets}"
owner="${2:-10001:10001}"
mkdir -p "$dir"
umask 077
[ -f "$dir/session-key" ] || openssl rand -base64 64 > "$dir/session-key"
[ -f "$dir/signing-key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing-key.pem" 2>/dev/null
[ -f "$dir/es256-key.pem" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/es256-key.pem" 2>/dev/null
[ -f "$dir/pairwise-secret" ] || openssl rand -base64 48 > "$dir/pairwise-secret"
# Readable by the portal's user only (needs root; skipped otherwise).
chown -R "$owner" "$dir" 2>/dev/null || echo "note: run 'sudo chown -R $owner $dir' so that the portal can read the keys" >&2
echo "keys in $dir"
