#!/usr/bin/env bash
# Benchmarks of the portal, beside nginx and Express + openid-client, on
# loopback; writes BENCHMARKS.md from this one run (see README, "Performance").
#
#   scripts/bench.sh                       # ~3–4 minutes on 2 cores
#   BEFORE_BIN=path/to/old/aiguillage scripts/bench.sh   # also measures an older build
#   DURATION=4 LOGINS=400 SESSIONS=10000 PROFILE=1 (defaults)
#   with BEFORE_BIN: the démarche login compared, both builds serving at once
#   and taking turns (ROUNDS=20 batches of BATCH=100 logins each), and
#   INSTRUCTIONS=1 its instructions counted under valgrind (callgrind)
#
# Installs what is missing: Debian wrk and nginx (apt-get), bench/'s npm
# packages (npm ci), tests/support's (npm ci). Builds the release binary
# (cargo build --release; CARGO_TARGET_DIR is honoured).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-4}
LOGINS=${LOGINS:-400}
SESSIONS=${SESSIONS:-10000}
PROFILE=${PROFILE:-1}
BEFORE_BIN=${BEFORE_BIN:-}
ROUNDS=${ROUNDS:-20}
BATCH=${BATCH:-100}
INSTRUCTIONS=${INSTRUCTIONS:-1}
INSTR_LOGINS=${INSTR_LOGINS:-100}
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release/aiguillage}
OUT=$ROOT/BENCHMARKS.md
WORK=$(mktemp -d /tmp/aiguillage-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers read the page as another user
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
log() { echo "bench: $*" >&2; }

# ------------------------------------------------------------ prerequisites
need_apt=()
command -v wrk >/dev/null || need_apt+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
if [ -n "$BEFORE_BIN" ] && [ "$INSTRUCTIONS" = 1 ]; then
  command -v valgrind >/dev/null || need_apt+=(valgrind)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_apt[@]}" >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
for dir in bench tests/support; do
  # A node_modules that is a link belongs to another checkout: never
  # reinstall through it (npm ci would empty the folder it points to).
  if [ -L "$dir/node_modules" ]; then
    [ -e "$dir/node_modules/openid-client/package.json" ] || { log "$dir/node_modules is a link to an empty install"; exit 1; }
  elif [ ! -e "$dir/node_modules/openid-client/package.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund >&2)
  fi
done
[ "${SKIP_BUILD:-0}" = 1 ] || log "cargo build --release"
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --locked >&2
START_UPTIME=$(uptime)

# Ports: fixed, since the federation must know both callbacks before start.
BASE=${BENCH_PORT_BASE:-18400}
PORTAL=$((BASE)); FED=$((BASE + 1)); RP=$((BASE + 2)); NGX_PLAIN=$((BASE + 3)); NGX_GZIP=$((BASE + 4))
READY_PORT=$((BASE + 5))
PORTAL_B=$((BASE + 6)) # the older build, beside this one (compare_demarche_logins)
FED_ID=bench-portal
FED_SECRET=bench-federation-secret-0123456789
DEMARCHE_SECRET=bench-demarche-secret-0123456789
DEMARCHE_REDIRECT=http://127.0.0.1:9/retour

wait_http() { # url
  for _ in $(seq 1 500); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.02
  done
  log "no answer from $1"; return 1
}

# ------------------------------------------------------------- the peers
start_federation() {
  node tests/support/federation.mjs --profile franceconnect --port "$FED" --keep-alive \
    --client-id "$FED_ID" --client-secret "$FED_SECRET" \
    --redirect-uri "http://127.0.0.1:$PORTAL/connexion/franceconnect/retour" \
    --redirect-uri "http://127.0.0.1:$RP/callback" \
    --redirect-uri "http://127.0.0.1:$PORTAL_B/connexion/franceconnect/retour" \
    --post-logout-redirect-uri "http://127.0.0.1:$PORTAL/deconnexion/fin" \
    --post-logout-redirect-uri "http://127.0.0.1:$PORTAL_B/deconnexion/fin" \
    >"$WORK/fed.out" 2>"$WORK/fed.err" &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$FED/api/v2/.well-known/openid-configuration"
}

portal_config() { # file port with_es256
  cat >"$1" <<EOF
[server]
host = "127.0.0.1"
port = $2
public_url = "http://127.0.0.1:$2/"
session_key = "$(head -c 64 /dev/urandom | base64 -w0)"

[oidc]
data_dir = "$WORK/data-$2"
pairwise_secret = "bench-pairwise-secret-0123456789abcdef"

[federations.franceconnect]
enabled = true
issuer = "http://127.0.0.1:$FED/api/v2"
client_id = "$FED_ID"
client_secret = "$FED_SECRET"

[[clients]]
client_id = "bench-rs256"
client_secret = "$DEMARCHE_SECRET"
name = "Démarche RS256"
redirect_uris = ["$DEMARCHE_REDIRECT"]

# The logins measured come from one address, far past the per-address
# budget: the limiter is off here, for every binary measured (its cost is
# not what is measured).
[rate_limit]
enabled = false
EOF
  if [ "$3" = 1 ]; then
    cat >>"$1" <<EOF

[[clients]]
client_id = "bench-es256"
client_secret = "$DEMARCHE_SECRET"
name = "Démarche ES256"
redirect_uris = ["$DEMARCHE_REDIRECT"]
id_token_signed_response_alg = "ES256"
EOF
  fi
}

PORTAL_PID=
start_portal() { # binary with_es256
  portal_config "$WORK/portal.toml" "$PORTAL" "$2"
  RUST_LOG=warn "$1" --config "$WORK/portal.toml" serve >"$WORK/portal.out" 2>"$WORK/portal.err" &
  PORTAL_PID=$!
  PIDS+=("$PORTAL_PID")
  wait_http "http://127.0.0.1:$PORTAL/healthz"
}

stop_portal() {
  kill "$PORTAL_PID" 2>/dev/null || true
  wait "$PORTAL_PID" 2>/dev/null || true
}

start_nginx() { # html file
  mkdir -p "$WORK/nginx/www" "$WORK/nginx/tmp"
  cp "$1" "$WORK/nginx/www/index.html"
  cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  types { text/html html; }
  default_type text/html;
  server { listen 127.0.0.1:$NGX_PLAIN; root $WORK/nginx/www; gzip off; }
  server { listen 127.0.0.1:$NGX_GZIP; root $WORK/nginx/www; gzip on; }
}
EOF
  "$NGINX" -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" >&2
  wait_http "http://127.0.0.1:$NGX_PLAIN/"
}

# ------------------------------------------------------------- measures
declare -A R # results, by key

run_wrk() { # key url connections gzip
  local threads=1 header=()
  [ "$3" -gt 1 ] && threads=2
  [ "$4" = gzip ] && header=(-H "Accept-Encoding: gzip")
  local cmd=(wrk -t"$threads" -c"$3" -d"${DURATION}s" --latency "${header[@]}" "$2")
  local out
  out=$("${cmd[@]}")
  R[$1.rps]=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  R[$1.p50]=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_ms)
  R[$1.p99]=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_ms)
  R[$1.errors]=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)
  R[$1.cmd]=$(printf '%q ' "${cmd[@]}")
  log "$1: ${R[$1.rps]} req/s, p50 ${R[$1.p50]} ms, p99 ${R[$1.p99]} ms ${R[$1.errors]}"
}

to_ms() {
  awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
         else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }'
}

chooser_runs() { # prefix base_url
  for conns in 1 64; do
    run_wrk "$1.plain.c$conns" "$2" "$conns" plain
    run_wrk "$1.gzip.c$conns" "$2" "$conns" gzip
  done
}

json_field() { # json name: numbers to 3 decimals
  node -e "const v = JSON.parse(process.argv[1])[process.argv[2]];
    console.log(typeof v === 'number' ? Number(v.toFixed(3)) : (v ?? ''))" "$1" "$2"
}

login_runs() { # prefix with_es256
  local r
  # To the callback's answer (its 303 to the account page not followed):
  # the work Express's relying party does too.
  r=$(node bench/drive.mjs upstream --start "http://127.0.0.1:$PORTAL/connexion/franceconnect" \
    --method POST --stop-at "http://127.0.0.1:$PORTAL/compte" --pid "$PORTAL_PID" --n "$LOGINS")
  R[$1.upstream]=$(json_field "$r" cpu_ms_per_login); log "$1 upstream login: $r"
  # The same, followed by the account page the person lands on.
  r=$(node bench/drive.mjs upstream --start "http://127.0.0.1:$PORTAL/connexion/franceconnect" \
    --method POST --pid "$PORTAL_PID" --n "$LOGINS")
  R[$1.upstream_page]=$(json_field "$r" cpu_ms_per_login); log "$1 upstream login and account page: $r"
  r=$(node bench/drive.mjs demarche --portal "http://127.0.0.1:$PORTAL" --client-id bench-rs256 \
    --secret "$DEMARCHE_SECRET" --redirect-uri "$DEMARCHE_REDIRECT" --pid "$PORTAL_PID" --n "$LOGINS")
  R[$1.demarche.RS256]=$(json_field "$r" cpu_ms_per_login); log "$1 démarche RS256: $r"
  if [ "$2" = 1 ]; then
    r=$(node bench/drive.mjs demarche --portal "http://127.0.0.1:$PORTAL" --client-id bench-es256 \
      --secret "$DEMARCHE_SECRET" --redirect-uri "$DEMARCHE_REDIRECT" --pid "$PORTAL_PID" --n "$LOGINS")
    R[$1.demarche.ES256]=$(json_field "$r" cpu_ms_per_login); log "$1 démarche ES256: $r"
    R[$1.demarche.ES256.alg]=$(json_field "$r" alg)
  fi
}

ready_run() { # prefix binary with_es256
  portal_config "$WORK/ready.toml" "$READY_PORT" "$3"
  local r
  r=$(RUST_LOG=warn node bench/drive.mjs ready --url "http://127.0.0.1:$READY_PORT/healthz" -- \
    "$2" --config "$WORK/ready.toml" serve)
  R[$1.ready_ms]=$(json_field "$r" ready_ms)
  R[$1.ready_best_ms]=$(json_field "$r" ready_best_ms)
  R[$1.idle_rss_mb]=$(awk -v k="$(json_field "$r" idle_rss_kb)" 'BEGIN {printf "%.1f", k / 1024}')
  log "$1 ready: $r"
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

demarche_login() { # pid logins warmup [port]: the RS256 démarche login's JSON line
  node bench/drive.mjs demarche --portal "http://127.0.0.1:${4:-$PORTAL}" --client-id bench-rs256 \
    --secret "$DEMARCHE_SECRET" --redirect-uri "$DEMARCHE_REDIRECT" --pid "$1" --n "$2" --warmup "$3"
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Instructions per démarche login under callgrind, split into the RS256
# signature, the federation's signatures checked, and the rest: the same
# count each run, whatever else the machine does.
instructions_run() { # prefix binary
  portal_config "$WORK/portal.toml" "$PORTAL" 0
  RUST_LOG=warn valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/$1.cg" \
    "$2" --config "$WORK/portal.toml" serve >"$WORK/portal.out" 2>"$WORK/$1.valgrind" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "http://127.0.0.1:$PORTAL/healthz" 2>/dev/null && break
    sleep 0.1
  done
  demarche_login "$pid" 20 0 >/dev/null # caches, connections, first allocations: not counted
  callgrind_control -i on "$pid" >/dev/null
  demarche_login "$pid" "$INSTR_LOGINS" 0 >/dev/null
  callgrind_control -d "$pid" >/dev/null
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  read -r R[$1.instr.total] R[$1.instr.rsa] R[$1.instr.es256] R[$1.instr.rest] < <(
    callgrind_annotate --inclusive=yes --threshold=100 "$WORK/$1.cg.1" 2>/dev/null | awk -v n="$INSTR_LOGINS" '
      { v = $1; gsub(",", "", v) }
      /PROGRAM TOTALS/ { total = v }
      /[?]:EVP_DigestSign [[]/ { if (v > rsa) rsa = v }
      /EcdsaVerificationAlgorithm as ring::signature::VerificationAlgorithm>::verify/ { es += v }
      END { printf "%.0f %.0f %.0f %.0f\n", total / n, rsa / n, es / n, (total - rsa - es) / n }')
  log "$1 instructions per démarche login: ${R[$1.instr.total]} (RS256 ${R[$1.instr.rsa]}, ES256 checks ${R[$1.instr.es256]}, rest ${R[$1.instr.rest]})"
}

# This build against BEFORE_BIN on the démarche's RS256 login: CPU time,
# both builds serving at once (two ports) and taking turns by batches of
# BATCH logins, so that what the machine does meanwhile weighs on both
# alike; then instructions.
compare_demarche_logins() {
  local round side r order pid port
  portal_config "$WORK/a.toml" "$PORTAL" 0
  portal_config "$WORK/b.toml" "$PORTAL_B" 0
  RUST_LOG=warn "$BIN" --config "$WORK/a.toml" serve >"$WORK/a.out" 2>"$WORK/a.err" &
  local pid_portal=$!
  RUST_LOG=warn "$BEFORE_BIN" --config "$WORK/b.toml" serve >"$WORK/b.out" 2>"$WORK/b.err" &
  local pid_before=$!
  PIDS+=("$pid_portal" "$pid_before")
  wait_http "http://127.0.0.1:$PORTAL/healthz"
  wait_http "http://127.0.0.1:$PORTAL_B/healthz"
  demarche_login "$pid_portal" 20 0 "$PORTAL" >/dev/null
  demarche_login "$pid_before" 20 0 "$PORTAL_B" >/dev/null
  R[rounds.portal]=""; R[rounds.before]=""
  for round in $(seq 1 "$ROUNDS"); do
    # Each build goes first every other round.
    order="portal before"; [ $((round % 2)) = 0 ] && order="before portal"
    for side in $order; do
      if [ "$side" = portal ]; then pid=$pid_portal; port=$PORTAL; else pid=$pid_before; port=$PORTAL_B; fi
      r=$(demarche_login "$pid" "$BATCH" 0 "$port")
      R[rounds.$side]+="$(json_field "$r" cpu_s) "
    done
  done
  kill "$pid_portal" "$pid_before" 2>/dev/null || true
  wait "$pid_portal" "$pid_before" 2>/dev/null || true
  for side in portal before; do
    R[rounds.$side.ms]=$(tr ' ' '\n' <<<"${R[rounds.$side]}" | awk -v n="$((ROUNDS * BATCH))" '{s += $1} END {printf "%.3f", s * 1000 / n}')
    log "$side: ${R[rounds.$side.ms]} ms CPU per login over $ROUNDS batches of $BATCH (${R[rounds.$side]})"
  done
  if [ "$INSTRUCTIONS" = 1 ] && command -v valgrind >/dev/null; then
    instructions_run portal "$BIN"
    instructions_run before "$BEFORE_BIN"
  fi
}

# ------------------------------------------------------------------ run
start_federation

# 1. The chooser page, byte for byte the same from both servers.
start_portal "$BIN" 1
curl -fsS -o "$WORK/chooser.html" "http://127.0.0.1:$PORTAL/"
CHOOSER_BYTES=$(stat -c %s "$WORK/chooser.html")
CHOOSER_GZIP_BYTES=$(curl -fsS -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORTAL/" | wc -c)
start_nginx "$WORK/chooser.html"
cmp -s "$WORK/chooser.html" <(curl -fsS "http://127.0.0.1:$NGX_PLAIN/") || { log "nginx serves other bytes"; exit 1; }
NGINX_GZIP_BYTES=$(curl -fsS -H 'Accept-Encoding: gzip' "http://127.0.0.1:$NGX_GZIP/" | wc -c)
chooser_runs portal "http://127.0.0.1:$PORTAL/"
for conns in 1 64; do
  run_wrk "nginx.plain.c$conns" "http://127.0.0.1:$NGX_PLAIN/" "$conns" plain
  run_wrk "nginx.gzip.c$conns" "http://127.0.0.1:$NGX_GZIP/" "$conns" gzip
done

# 2. CPU per login.
login_runs portal 1
node bench/rp.mjs --issuer "http://127.0.0.1:$FED/api/v2" --client-id "$FED_ID" \
  --client-secret "$FED_SECRET" --port "$RP" >"$WORK/rp.out" 2>"$WORK/rp.err" &
RP_PID=$!
PIDS+=("$RP_PID")
wait_http "http://127.0.0.1:$RP/login" || true
r=$(node bench/drive.mjs upstream --start "http://127.0.0.1:$RP/login" --pid "$RP_PID" --n "$LOGINS")
R[express.upstream]=$(json_field "$r" cpu_ms_per_login); log "express upstream login: $r"
kill "$RP_PID" 2>/dev/null || true

# Where a démarche's login spends the portal's CPU (perf, on the side).
PROFILE_TEXT=""
PROFILE_INCLUSIVE=""
if [ "$PROFILE" = 1 ] && command -v perf >/dev/null; then
  # PERF_CALL_GRAPH=dwarf gives callers too (release builds have no frame
  # pointers); with KEEP_PERF=file, read them with `perf report -i file`.
  perf record -F 2000 --call-graph "${PERF_CALL_GRAPH:-fp}" -o "$WORK/perf.data" -p "$PORTAL_PID" >/dev/null 2>&1 &
  PERF_PID=$!
  sleep 0.5
  node bench/drive.mjs demarche --portal "http://127.0.0.1:$PORTAL" --client-id bench-es256 \
    --secret "$DEMARCHE_SECRET" --redirect-uri "$DEMARCHE_REDIRECT" --pid "$PORTAL_PID" \
    --n "$LOGINS" --warmup 0 >/dev/null
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
  [ -n "${KEEP_PERF:-}" ] && cp "$WORK/perf.data" "$KEEP_PERF"
  PROFILE_TEXT=$(perf report -i "$WORK/perf.data" --no-children --stdio --sort dso,symbol \
    --percent-limit 1 -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 | sed -E 's/ +- +- *$//; s/ +$//')
  # Self time grouped by what the code does (release builds have no frame
  # pointers: callers are not known, crates are).
  PROFILE_INCLUSIVE=$(perf report -i "$WORK/perf.data" --no-children --stdio --sort dso,symbol \
    --percent-limit 0 -g none 2>/dev/null | grep -E '^ +[0-9]' | awk '
    { pct = $1; sub(/%/, "", pct); line = $0
      if (line ~ /\[k\]/) c = "kernel (network, scheduling, page faults)"
      else if (line ~ /p256::|primeorder::|elliptic_curve::|ecdsa::|crypto_bigint::/) c = "P-256 in pure Rust (p256, ecdsa)"
      else if (line ~ /rsa::|num_bigint/) c = "RSA in pure Rust (rsa crate)"
      else if (line ~ /ring::|ring_core|GFp|nistz256|bn_mul|sha256_block|ecp_/) c = "ring: the federation'"'"'s signatures verified, ES256 ID tokens signed"
      else if (line ~ /libcrypto|libssl/) c = "OpenSSL: RS256 ID tokens signed"
      else if (line ~ /miniz_oxide|flate2|brotli/) c = "compression (gzip, brotli)"
      else if (line ~ /malloc|free|memmove|memcpy|memset|realloc|_int_|tcache|unlink_chunk/) c = "memory allocation and copies (libc)"
      else if (line ~ /serde_json|serde::|base64/) c = "JSON and base64"
      else if (line ~ /sha2::|hmac::|digest::|xxhash/) c = "hashes (SHA-2, HMAC, xxh3)"
      else if (line ~ /askama|fluent|intl_|unic_/) c = "pages and texts (askama, fluent)"
      else if (line ~ /moka|actix_session|cookie::|crossbeam|aes_gcm|aes::|chacha/) c = "store and session cookies (moka, actix-session)"
      else if (line ~ /actix|hyper|reqwest|tokio|h2::|http::|mio::|h1::|rustls|url::|idna|regex_lite|form_urlencoded|httparse|bytes::/) c = "HTTP, routing, URLs and async runtime (actix, hyper, reqwest, tokio)"
      else if (line ~ /tracing/) c = "tracing"
      else if (line ~ /openidconnect|oauth2/) c = "openidconnect (claims checks, code exchange)"
      else if (line ~ /aiguillage::/) c = "the portal'"'"'s own functions"
      else if (line ~ /metrics::|metrics_util/) c = "metrics"
      else c = "other"
      sum[c] += pct }
    END { for (c in sum) printf "%6.1f %%  %s\n", sum[c], c }' | sort -rn)
fi

# 3. Memory: idle, then with live sessions (each POST starts a login: a
# session and its login transaction in the store).
R[portal.rss_before_sessions]=$(rss_mb "$PORTAL_PID")
stop_portal
start_portal "$BIN" 1
R[portal.rss_idle]=$(rss_mb "$PORTAL_PID")
r=$(node bench/drive.mjs sessions --start "http://127.0.0.1:$PORTAL/connexion/franceconnect" \
  --method POST --n "$SESSIONS" --concurrency 16)
log "sessions: $r"
R[portal.rss_sessions]=$(rss_mb "$PORTAL_PID")
stop_portal
ready_run portal "$BIN" 1

# Before: an older build, same measures (its config without ES256 clients).
if [ -n "$BEFORE_BIN" ]; then
  start_portal "$BEFORE_BIN" 0
  chooser_runs before "http://127.0.0.1:$PORTAL/"
  login_runs before 0
  stop_portal
  ready_run before "$BEFORE_BIN" 0
  compare_demarche_logins
fi
END_UPTIME=$(uptime)

# ------------------------------------------------------------- the report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "–" }'; }
change() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%+.1f %%", (a - b) * 100 / b; else print "–" }'; }

before_and_after() {
  echo "### A démarche's login: this build and the one before"
  echo
  echo "The RS256 démarche login above, measured again with both builds serving at once (two ports) and"
  echo "taking turns by batches of $BATCH logins, $ROUNDS batches each, each build first every other time:"
  echo "what else the machine does weighs on both alike. CPU time of each build's process, summed over"
  echo "its batches (1/$(getconf CLK_TCK) s ticks)."
  echo
  echo "| | this build | before | change |"
  echo "|---|---|---|---|"
  echo "| CPU ms per login, $((ROUNDS * BATCH)) logins | ${R[rounds.portal.ms]} | ${R[rounds.before.ms]} | $(change "${R[rounds.portal.ms]}" "${R[rounds.before.ms]}") |"
  local ratios
  ratios=$(paste -d' ' <(tr ' ' '\n' <<<"${R[rounds.portal]}" | grep .) <(tr ' ' '\n' <<<"${R[rounds.before]}" | grep .) |
    awk '$2 > 0 {printf "%.3f ", $1 / $2}')
  echo "| batch by batch, this build / before: lowest, median, highest | $(tr ' ' '\n' <<<"$ratios" | grep . | sort -g | head -1), $(median <<<"$ratios"), $(tr ' ' '\n' <<<"$ratios" | grep . | sort -g | tail -1) | | |"
  echo
  if [ -n "${R[portal.instr.total]:-}" ]; then
    echo "Instructions per login, counted by valgrind (\`callgrind\`, $INSTR_LOGINS logins after 20 not counted):"
    echo "the same count at every run, whatever else the machine does. Under valgrind OpenSSL and ring take"
    echo "their generic code (no ADX or AVX2), so the two signatures' counts are not their native share of"
    echo "the time; they are the same work in both builds."
    echo
    echo "| instructions per login | this build | before | change |"
    echo "|---|---|---|---|"
    local key label
    for key in total rsa es256 rest; do
      case $key in
        total) label="whole login" ;;
        rsa) label="the RS256 ID token's signature (OpenSSL, \`EVP_DigestSign\`)" ;;
        es256) label="the federation's ID token and userinfo signatures checked (ring, ES256)" ;;
        rest) label="the rest: HTTP, routing, session, store, JSON, the broker's rules" ;;
      esac
      echo "| $label | ${R[portal.instr.$key]} | ${R[before.instr.$key]} | $(change "${R[portal.instr.$key]}" "${R[before.instr.$key]}") |"
    done
    echo
  fi
}
mark() { awk -v v="$1" -v t="$2" -v d="$3" 'BEGIN { ok = (d == "le") ? (v <= t) : (v >= t); print (v == "" ? "–" : (ok ? "met" : "**not met**")) }'; }
row() { # label key
  printf '| %s | %s | %s | %s |\n' "$1" "${R[$2.rps]}" "${R[$2.p50]}" "${R[$2.p99]}"
}

{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), from one run."
  echo "Command: \`${CARGO_TARGET_DIR:+CARGO_TARGET_DIR=$CARGO_TARGET_DIR }DURATION=$DURATION LOGINS=$LOGINS SESSIONS=$SESSIONS PROFILE=$PROFILE${PERF_CALL_GRAPH:+ PERF_CALL_GRAPH=$PERF_CALL_GRAPH}${BEFORE_BIN:+ BEFORE_BIN=$BEFORE_BIN} scripts/bench.sh\`$([ "${SKIP_BUILD:-0}" = 1 ] && echo " (SKIP_BUILD=1: the release binary built just before with \`cargo build --release --locked\`)")"
  echo
  echo "## Machine and versions"
  echo
  echo "- $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
  echo "- load before: \`$START_UPTIME\`"
  echo "- load after: \`$END_UPTIME\`"
  echo "- $(rustc --version); portal commit \`$(git rev-parse --short HEAD)\`$(git diff --quiet -- . ':!BENCHMARKS.md' || echo ' (with uncommitted changes)')"
  echo "- $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $("$NGINX" -v 2>&1), node $(node -v)"
  echo "- Express $(node -p "require('./bench/node_modules/express/package.json').version"), openid-client $(node -p "require('./bench/node_modules/openid-client/package.json').version"), oidc-provider $(node -p "require('./tests/support/node_modules/oidc-provider/package.json').version") (the federation)"
  echo "- portal: release build, \`RUST_LOG=warn\`, 2 workers (one per core); nginx: \`worker_processes auto\`, \`access_log off\`, \`gzip on\` (level 1, its default) on the gzip port"
  echo
  echo "## 1. The chooser page"
  echo
  echo "The portal's \`/\` ($CHOOSER_BYTES bytes; gzip: portal $CHOOSER_GZIP_BYTES bytes, nginx $NGINX_GZIP_BYTES bytes),"
  echo "saved and served by nginx byte for byte. wrk on loopback, ${DURATION} s per line, keep-alive;"
  echo "e.g. \`${R[portal.gzip.c64.cmd]}\`."
  echo
  echo "| server, encoding, connections | requests/s | p50 ms | p99 ms |"
  echo "|---|---|---|---|"
  for enc in plain gzip; do
    for c in 1 64; do
      row "portal, $enc, $c" "portal.$enc.c$c"
      row "nginx, $enc, $c" "nginx.$enc.c$c"
      [ -n "$BEFORE_BIN" ] && row "portal before, $enc, $c" "before.$enc.c$c"
      echo "| portal / nginx | $(ratio "${R[portal.$enc.c$c.rps]}" "${R[nginx.$enc.c$c.rps]}") | | |"
    done
  done
  echo
  echo "## 2. CPU per login"
  echo
  echo "utime + stime of the measured process (\`/proc/<pid>/stat\`, clock ticks of 1/$(getconf CLK_TCK) s)"
  echo "over $LOGINS logins (after 10 not counted), divided by $LOGINS; 4 logins at a time. The driver"
  echo "(\`bench/drive.mjs\`) and the federation (\`tests/support/federation.mjs\`, oidc-provider,"
  echo "FranceConnect profile: ES256 ID token, ES256-signed userinfo) are not counted."
  echo
  echo "| login | CPU ms per login |$([ -n "$BEFORE_BIN" ] && echo ' before |')"
  echo "|---|---|$([ -n "$BEFORE_BIN" ] && echo '---|')"
  echo "| upstream, portal (POST /connexion/franceconnect → federation → callback: token, ID token and userinfo verified; the callback's answer is a 303 to the account page, not followed) | ${R[portal.upstream]} |$([ -n "$BEFORE_BIN" ] && echo " ${R[before.upstream]} |")"
  echo "| upstream, Express + openid-client 6 (\`bench/rp.mjs\`: PKCE, state, nonce, ID token and userinfo signatures verified; the callback answers one line of text) | ${R[express.upstream]} |$([ -n "$BEFORE_BIN" ] && echo ' |')"
  echo "| Express / portal (the same work on both sides) | $(ratio "${R[express.upstream]}" "${R[portal.upstream]}") |$([ -n "$BEFORE_BIN" ] && echo ' |')"
  echo "| upstream, portal, and the account page the person lands on (one more request: the session read, the page rendered and gzipped) | ${R[portal.upstream_page]} |$([ -n "$BEFORE_BIN" ] && echo " ${R[before.upstream_page]:-} |")"
  echo "| démarche's whole login through the portal, RS256 ID token (authorize → federation → callback → code → token) | ${R[portal.demarche.RS256]} |$([ -n "$BEFORE_BIN" ] && echo " ${R[before.demarche.RS256]} |")"
  echo "| the same, ES256 ID token (token header: \`${R[portal.demarche.ES256.alg]}\`) | ${R[portal.demarche.ES256]} |$([ -n "$BEFORE_BIN" ] && echo ' – |')"
  echo
  [ -n "$BEFORE_BIN" ] && before_and_after
  if [ -n "$PROFILE_TEXT" ]; then
    echo "### Profile of the portal during $LOGINS ES256 démarche logins"
    echo
    echo "\`perf record -F 2000 --call-graph ${PERF_CALL_GRAPH:-fp} -p <portal>\`, then \`perf report --no-children --sort dso,symbol\` (self time, entries ≥ 1 %):"
    echo
    echo '```'
    echo "$PROFILE_TEXT"
    echo '```'
    echo
    echo "All samples grouped by what the code does (self time, by crate or module; callers, with"
    echo "\`PERF_CALL_GRAPH=dwarf\`, are read from the same data with \`perf report --children\`):"
    echo
    echo '```'
    echo "$PROFILE_INCLUSIVE"
    echo '```'
    echo
  fi
  echo "## 3. Memory and start"
  echo
  echo "| measure | portal |$([ -n "$BEFORE_BIN" ] && echo ' before |')"
  echo "|---|---|$([ -n "$BEFORE_BIN" ] && echo '---|')"
  echo "| RSS idle (VmRSS, 0.3 s after \`/healthz\` first answers) MB | ${R[portal.idle_rss_mb]} |$([ -n "$BEFORE_BIN" ] && echo " ${R[before.idle_rss_mb]} |")"
  echo "| RSS after start (second portal of the run, before sessions) MB | ${R[portal.rss_idle]} |$([ -n "$BEFORE_BIN" ] && echo ' |')"
  echo "| RSS with $SESSIONS live sessions (each a POST /connexion/franceconnect) MB | ${R[portal.rss_sessions]} |$([ -n "$BEFORE_BIN" ] && echo ' |')"
  echo "| RSS after the login runs above MB | ${R[portal.rss_before_sessions]} |$([ -n "$BEFORE_BIN" ] && echo ' |')"
  echo "| start to \`/healthz\` answering, ms (median of 5 starts; best) | ${R[portal.ready_ms]}; ${R[portal.ready_best_ms]} |$([ -n "$BEFORE_BIN" ] && echo " ${R[before.ready_ms]}; ${R[before.ready_best_ms]} |")"
  echo
  echo "## Targets (issue 11)"
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  echo "| p99 ≤ 5 ms, one keep-alive gzip connection | ${R[portal.gzip.c1.p99]} ms | $(mark "${R[portal.gzip.c1.p99]}" 5 le) |"
  local_ratio=$(awk -v a="${R[portal.gzip.c64.rps]}" -v b="${R[nginx.gzip.c64.rps]}" 'BEGIN {printf "%.2f", a / b}')
  echo "| chooser ≥ 1.0× nginx, gzip, 64 connections | ${local_ratio}× | $(mark "$local_ratio" 1.0 ge) |"
  echo "| ≤ 0.5 ms CPU per whole démarche login, ES256 | ${R[portal.demarche.ES256]} ms | $(mark "${R[portal.demarche.ES256]}" 0.5 le) |"
  echo "| ≤ 0.8 ms CPU per whole démarche login, RS256 | ${R[portal.demarche.RS256]} ms | $(mark "${R[portal.demarche.RS256]}" 0.8 le) |"
  up_ratio=$(awk -v a="${R[express.upstream]}" -v b="${R[portal.upstream]}" 'BEGIN {printf "%.2f", a / b}')
  echo "| ≥ 5× less CPU than Express + openid-client, upstream login | ${up_ratio}× | $(mark "$up_ratio" 5 ge) |"
  echo "| RSS ≤ 20 MB idle | ${R[portal.idle_rss_mb]} MB | $(mark "${R[portal.idle_rss_mb]}" 20 le) |"
  echo "| RSS ≤ 64 MB with $SESSIONS sessions | ${R[portal.rss_sessions]} MB | $(mark "${R[portal.rss_sessions]}" 64 le) |"
  echo "| ready ≤ 100 ms | ${R[portal.ready_ms]} ms | $(mark "${R[portal.ready_ms]}" 100 le) |"
  echo
  [ -f bench/analysis.md ] && cat bench/analysis.md
} >"$OUT"
log "wrote $OUT"
