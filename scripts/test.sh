#!/usr/bin/env bash
# Runs every test of the portal: Rust unit and integration tests, and the
# browser and OpenID tests they drive (real headless Chromium, real
# oidc-provider / openid-client from tests/support).
#
# On a fresh machine it first installs what those tests need and is missing:
# Debian's chromium and redis-server (the shared store's tests start their own
# redis-server; none needs to be running), systemd (systemd-analyze, for the
# unit in deploy/), libssl-dev and pkg-config (to
# build josekit), node/npm if absent, then `npm ci`
# in tests/support and in examples/demarche (the example démarche, which the
# tests run).
# Extra arguments go to `cargo test` (e.g. `scripts/test.sh chooser`).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# deploy/make-secrets.sh, which a test runs.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# deploy/aiguillage.service, which a test checks with systemd-analyze.
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
# josekit (FranceConnect+'s encrypted tokens) links OpenSSL.
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} (Debian packages)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lock file changed since the last install.
for dir in tests/support examples/demarche; do
  stamp=$dir/node_modules/.installed-lock
  if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$stamp"
  fi
done

echo "==> cargo test"
exec cargo test --locked "$@"
