#!/usr/bin/env bash
# Essayer Aiguillage sur son poste, sans identifiants auprès des services de
# connexion : des doublures de FranceConnect, ProConnect et Pro Santé Connect
# (tests/support/federation.mjs, oidc-provider), le portail configuré pour
# elles avec la démarche d'exemple inscrite, et la démarche d'exemple
# (examples/demarche). Tout écoute sur 127.0.0.1 ; rien ne sort du poste.
#
#   scripts/try-locally.sh        puis ouvrir http://127.0.0.1:4000/
#
# Ctrl-C arrête tout. Comptes d'essai (n'importe quel mot de passe) :
# angela (FranceConnect), jean.michel@test.proconnect.gouv.fr (ProConnect),
# 899700218896 (Pro Santé Connect).
#
# Variables (facultatives) : PORTAL_PORT (3000), DEMARCHE_PORT (4000),
# FRANCECONNECT_PORT (4001), PROCONNECT_PORT (4002), PROSANTECONNECT_PORT
# (4003), TRY_DIR (target/try-locally : configuration générée, clés,
# journaux), AIGUILLAGE_BIN (un binaire du portail déjà construit ; sinon
# `cargo build`).
#
# Ce montage ne sert qu'aux essais : le portail n'y a pas d'autre adresse que
# http://localhost:PORT (boucle locale), les doublures acceptent n'importe
# quel mot de passe et leurs secrets sont écrits ci-dessous.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PORTAL_PORT=${PORTAL_PORT:-3000}
DEMARCHE_PORT=${DEMARCHE_PORT:-4000}
FRANCECONNECT_PORT=${FRANCECONNECT_PORT:-4001}
PROCONNECT_PORT=${PROCONNECT_PORT:-4002}
PROSANTECONNECT_PORT=${PROSANTECONNECT_PORT:-4003}
TRY_DIR=${TRY_DIR:-$ROOT/target/try-locally}

for port in "$PORTAL_PORT" "$DEMARCHE_PORT" "$FRANCECONNECT_PORT" "$PROCONNECT_PORT" "$PROSANTECONNECT_PORT"; do
  if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    echo "try-locally: port invalide : $port" >&2
    exit 2
  fi
done

# Le portail n'a qu'une adresse, sur la boucle locale : ce montage (doublures,
# secrets écrits ici) ne peut pas servir sur une adresse publique.
PORTAL="http://localhost:$PORTAL_PORT"
DEMARCHE="http://127.0.0.1:$DEMARCHE_PORT"

command -v node >/dev/null || { echo "try-locally: node est nécessaire (Node.js 20 ou plus)" >&2; exit 1; }
for dir in tests/support examples/demarche; do
  if [ ! -d "$ROOT/$dir/node_modules" ]; then
    echo "try-locally: installation des modules de $dir (npm ci)" >&2
    (cd "$ROOT/$dir" && npm ci --no-audit --no-fund >&2)
  fi
done

if [ -z "${AIGUILLAGE_BIN:-}" ]; then
  echo "try-locally: construction du portail (cargo build)" >&2
  (cd "$ROOT" && cargo build --quiet)
  AIGUILLAGE_BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/aiguillage
fi

mkdir -p "$TRY_DIR/data"
# Secrets des essais seulement : les doublures et la démarche d'exemple
# tournent sur ce poste.
FEDERATION_CLIENT_ID=aiguillage-essai-local
FEDERATION_CLIENT_SECRET=secret-des-doublures-pour-essai-local
DEMARCHE_CLIENT_ID=demarche-exemple
DEMARCHE_CLIENT_SECRET=secret-de-la-demarche-exemple-en-local

PIDS=()
stop() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Attend la ligne JSON qu'un programme Node écrit quand il écoute.
first_line() {
  local file=$1 pid=$2 what=$3
  for _ in $(seq 1 300); do
    if [ -s "$file" ]; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "try-locally: $what s'est arrêté ; voir ${file%.json}.log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "try-locally: $what n'a pas démarré en 30 s ; voir ${file%.json}.log" >&2
  exit 1
}

# Une doublure : son profil, son port, les adresses de retour du portail.
double() {
  local profile=$1 port=$2 callback=$3 after_logout=$4
  node "$ROOT/tests/support/federation.mjs" --profile "$profile" --port "$port" --host 127.0.0.1 \
    --client-id "$FEDERATION_CLIENT_ID" --client-secret "$FEDERATION_CLIENT_SECRET" \
    --redirect-uri "$PORTAL$callback" --post-logout-redirect-uri "$PORTAL$after_logout" \
    --keep-alive >"$TRY_DIR/$profile.json" 2>"$TRY_DIR/$profile.log" </dev/null &
  PIDS+=($!)
  first_line "$TRY_DIR/$profile.json" $! "la doublure $profile"
}

double franceconnect "$FRANCECONNECT_PORT" /connexion/franceconnect/retour /deconnexion/fin
double proconnect "$PROCONNECT_PORT" /login-callback /
double prosanteconnect "$PROSANTECONNECT_PORT" /connexion/prosanteconnect/retour /deconnexion/fin

CONFIG="$TRY_DIR/aiguillage.toml"
cat >"$CONFIG" <<EOF
# Généré par scripts/try-locally.sh : essais sur ce poste seulement.
[server]
host = "127.0.0.1"
port = $PORTAL_PORT
public_url = "$PORTAL/"

[provider]
data_dir = "$TRY_DIR/data"

# Pas d'annuaire des entreprises : rien ne sort du poste.
[directory]
enabled = false

[federations.franceconnect]
enabled = true
issuer = "http://127.0.0.1:$FRANCECONNECT_PORT/api/v2"
client_id = "$FEDERATION_CLIENT_ID"
client_secret = "$FEDERATION_CLIENT_SECRET"

[federations.proconnect]
enabled = true
issuer = "http://127.0.0.1:$PROCONNECT_PORT/api/v2"
client_id = "$FEDERATION_CLIENT_ID"
client_secret = "$FEDERATION_CLIENT_SECRET"

[federations.prosanteconnect]
enabled = true
issuer = "http://127.0.0.1:$PROSANTECONNECT_PORT/auth/realms/esante-wallet"
client_id = "$FEDERATION_CLIENT_ID"
client_secret = "$FEDERATION_CLIENT_SECRET"

[[demarches]]
client_id = "$DEMARCHE_CLIENT_ID"
client_secret = "$DEMARCHE_CLIENT_SECRET"
name = "Démarche d’exemple"
redirect_uris = ["$DEMARCHE/callback"]
post_logout_redirect_uris = ["$DEMARCHE/"]
EOF

"$AIGUILLAGE_BIN" --config "$CONFIG" >"$TRY_DIR/portal.log" 2>&1 </dev/null &
PIDS+=($!)
PORTAL_PID=$!
ready=
for _ in $(seq 1 300); do
  if ! kill -0 "$PORTAL_PID" 2>/dev/null; then
    echo "try-locally: le portail s'est arrêté ; voir $TRY_DIR/portal.log" >&2
    tail -n 20 "$TRY_DIR/portal.log" >&2
    exit 1
  fi
  if node -e "fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))" \
    "http://127.0.0.1:$PORTAL_PORT/readyz" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "try-locally: le portail n'a pas démarré en 30 s ; voir $TRY_DIR/portal.log" >&2; exit 1; }

node "$ROOT/examples/demarche/server.mjs" --issuer "$PORTAL" --client-id "$DEMARCHE_CLIENT_ID" \
  --client-secret "$DEMARCHE_CLIENT_SECRET" --host 127.0.0.1 --port "$DEMARCHE_PORT" \
  >"$TRY_DIR/demarche.json" 2>"$TRY_DIR/demarche.log" </dev/null &
PIDS+=($!)
first_line "$TRY_DIR/demarche.json" $! "la démarche d'exemple"

cat <<EOF
Démarche d'exemple :   $DEMARCHE/   (cliquez sur « Se connecter »)
Portail :              $PORTAL/
Guide d'intégration :  $PORTAL/federations
Doublures :            FranceConnect http://127.0.0.1:$FRANCECONNECT_PORT/api/v2
                       ProConnect http://127.0.0.1:$PROCONNECT_PORT/api/v2
                       Pro Santé Connect http://127.0.0.1:$PROSANTECONNECT_PORT/auth/realms/esante-wallet
Comptes d'essai (n'importe quel mot de passe) : angela (FranceConnect),
  jean.michel@test.proconnect.gouv.fr (ProConnect), 899700218896 (Pro Santé Connect)
Configuration et journaux : $TRY_DIR
Prêt. Ctrl-C arrête tout.
EOF

# Tant qu'aucun ne s'arrête.
wait -n "${PIDS[@]}" || true
echo "try-locally: un des programmes s'est arrêté ; voir $TRY_DIR/*.log" >&2
exit 1
