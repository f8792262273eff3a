#!/usr/bin/env bash
# An operator's first hour, run for real with podman on this machine: the
# image builds, deploy/'s two-instance stack (two portals, Redis, HAProxy)
# starts, and a person and a démarche log in through HAProxy, while one
# instance is stopped and started again; then deploy/systemd's unit runs
# under systemd, in a container playing a virtual machine.
#
#   scripts/container-test.sh           # as root; prints "N passed, M failed"
#   scripts/container-test.sh --probe   # only: can containers run here? (exit 0 or 1)
#   KEEP=1 scripts/container-test.sh    # leave the stack running at the end
#   REBUILD_BASES=1 ...                 # make the local base images again
#   FROM_SOURCE=1 ...                   # also the Dockerfile's default target (compiles in
#                                       # the image: ~10 more minutes), see build_from_source
#
# 1. Installs what is missing: Debian's podman (runc, netavark,
#    aardvark-dns), debootstrap, curl, jq; podman-compose from PyPI in a
#    virtual environment; `npm ci` for the test peers. Podman is given the
#    settings these machines need through CONTAINERS_CONF (nothing in /etc
#    is changed): runc, cgroupfs (systemd is not process 1), no default
#    ulimits (raising them is refused here).
# 2. No image registry is reachable: base images are made locally and kept
#    in podman's storage for the next run: Debian 12 by debootstrap (the
#    stand-in for debian:bookworm-slim) and, on it, Debian's redis-server
#    and haproxy (stand-ins for redis:7-bookworm and haproxy:2.8), systemd
#    for the virtual machine, and the host's node for the test peers.
#    compose.yaml and the Dockerfile take them through RUNTIME_IMAGE,
#    REDIS_IMAGE and HAPROXY_IMAGE, as they would take a registry mirror's.
# 3. Runs deploy/README.md's commands exactly as written (the blocks marked
#    `container-test:`): keys, release binary, image, `podman-compose up`,
#    check-config, /readyz; later the virtual machine's.
# 4. Checks what an operator would look at (each check prints ok / not ok).
#
# Network: every request from the host goes to 127.0.0.1 (the ports are
# published there only, and a redirect anywhere else is refused); the
# containers reach each other only on the stack's own podman network, from
# which nothing leaves this machine (isolate_stack_network).
# The portal accepts plain http federations on loopback only, so the
# federation double (tests/support/federation.mjs, oidc-provider playing
# ProConnect) is brought to each portal's 127.0.0.1 by a small TCP relay
# (HAProxy in tcp mode) sharing that portal's network namespace; the
# example démarche reaches the portal's public URL http://localhost:3000
# the same way. The relays forward over the podman network, nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CACHE=${AIGUILLAGE_CT_CACHE:-/var/cache/aiguillage-container-test}
IMG=localhost/aiguillage-ct
export RUNTIME_IMAGE=$IMG/debian:bookworm-slim
export REDIS_IMAGE=$IMG/redis:bookworm
export HAPROXY_IMAGE=$IMG/haproxy:bookworm
NODE_IMAGE=$IMG/node:host
VM_IMAGE=$IMG/systemd:bookworm
PORTAL_IMAGE=aiguillage:local
PROJECT=aiguillage            # compose.yaml's `name:`
PUBLIC=http://localhost:3000  # deploy/aiguillage.toml's public_url
PODMAN_COMPOSE_VERSION=1.6.0
export CONTAINERS_CONF=$CACHE/containers.conf
export PATH=$CACHE/venv/bin:$PATH   # podman-compose, as the README calls it

# compose.yaml's network: nothing on it may leave this machine (below).
SUBNET=$(sed -n 's/^ *- subnet: *//p' deploy/compose.yaml)
FIREWALL=(FORWARD -s "$SUBNET" ! -d "$SUBNET" -m comment --comment aiguillage-container-test -j DROP)
# But DNS to this machine's resolver, as on any podman host: HAProxy asks
# every nameserver of resolv.conf, and one that never answers makes it
# give up on a name (DNS timeout) instead of hearing "no such name".
FIREWALL_DNS_UDP=(FORWARD -s "$SUBNET" ! -d "$SUBNET" -p udp --dport 53 -m comment --comment aiguillage-container-test-dns -j ACCEPT)
FIREWALL_DNS_TCP=(FORWARD -s "$SUBNET" ! -d "$SUBNET" -p tcp --dport 53 -m comment --comment aiguillage-container-test-dns -j ACCEPT)
ISOLATED=0
WORK=""
STACK_FILES=(-f deploy/compose.yaml)
SECRETS_MADE=0
SINGLE=aiguillage-ct-single
VM=aiguillage-ct-vm
STARTED=$SECONDS

log() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - STARTED))"; }
die() { printf 'container-test: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------ the checks

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); printf 'ok - %s\n' "$*"; }
not_ok() { FAILED=$((FAILED + 1)); printf 'not ok - %s\n' "$*"; }
# check WHAT COMMAND...: ok when the command succeeds.
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: expected '$3', got '$2'"; fi
}
body_has() { grep -qF -- "$1" "$WORK/body"; }

# ------------------------------------------------------- a browser, in curl

# One request like a browser's (its own cookie jar, no redirect followed),
# always to 127.0.0.1: `localhost` is resolved to IPv4 only, and any other
# host is refused. Sets STATUS and LOCATION; the body is in $WORK/body.
http() { # JAR METHOD URL [FORM]
  local jar=$1 method=$2 url=$3 form=${4-}
  case $url in
    http://localhost:*/* | http://127.0.0.1:*/*) ;;
    *) STATUS=000 LOCATION="" && echo "refused: $url is not on this machine's loopback" >&2 && return ;;
  esac
  local args=(-4 -sS --max-time 30 -o "$WORK/body" -D "$WORK/headers" -b "$jar" -c "$jar" -w '%{http_code}')
  [ "$method" = POST ] && args+=(--data-raw "$form")
  STATUS=$(curl "${args[@]}" "$url" 2>"$WORK/curl.err") || STATUS=000
  LOCATION=$(sed -n 's/^[Ll]ocation: *//p' "$WORK/headers" 2>/dev/null | tr -d '\r' | tail -n 1)
}

# Follows redirects as a browser does (303 → GET). HOPS holds "STATUS URL"
# for each step; URL is the last one, STATUS its answer.
browse() { # JAR METHOD URL [FORM]
  local jar=$1 method=$2 url=$3 form=${4-}
  HOPS=()
  while :; do
    http "$jar" "$method" "$url" "$form"
    HOPS+=("$STATUS $url")
    case $STATUS in 301 | 302 | 303 | 307 | 308) ;; *) break ;; esac
    [ "${#HOPS[@]}" -lt 20 ] || break
    case $LOCATION in
      http://* | https://*) url=$LOCATION ;;
      /*) url=$(origin "$url")$LOCATION ;;
      *) url=${url%/*}/$LOCATION ;;
    esac
    case $STATUS in 307 | 308) ;; *) method=GET form="" ;; esac
  done
  URL=$url
}
origin() { sed -E 's#^(https?://[^/]+).*#\1#' <<<"$1"; }
show_hops() { printf '     %s\n' "${HOPS[@]}"; }
went_through() { printf '%s\n' "${HOPS[@]}" | grep -qF -- "$1"; }

# The login form of the federation double (oidc-provider): its action.
form_action() { sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p' "$WORK/body" | head -n 1; }

# The ID token claims the example démarche shows, as JSON.
demarche_json() { # ID (claims or userinfo)
  sed -n "/<pre id=\"$1\">/,/<\/pre>/p" "$WORK/body" |
    sed -e "s/<pre id=\"$1\">//" -e 's#</pre>.*##' |
    sed -e 's/&quot;/"/g' -e "s/&#39;/'/g" -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

# ------------------------------------------------------------- podman

# The containers of one compose service, by the labels both Compose and
# podman-compose set.
ctr() { podman ps -a --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n 1; }
compose() { podman-compose "${STACK_FILES[@]}" "$@"; }

# Waits until COMMAND succeeds, at most SECONDS.
wait_for() { # SECONDS COMMAND...
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}
balancer_log() { podman logs "$(ctr balancer)" 2>&1; }
balancer_says() { balancer_log | grep -qF -- "$1"; }
ready() { http "$WORK/probe.jar" GET "http://127.0.0.1:3000/readyz" && [ "$STATUS" = 200 ]; }

cleanup() {
  local status=$?
  set +e
  if [ "${KEEP:-0}" = 1 ] && [ -n "$WORK" ]; then
    echo "KEEP=1: the stack runs; stop it with: CONTAINERS_CONF=$CONTAINERS_CONF PATH=$CACHE/venv/bin:\$PATH podman-compose ${STACK_FILES[*]} down -v"
    return $status
  fi
  if [ -n "$WORK" ]; then
    compose down -v -t 5 >"$WORK/down.log" 2>&1 || cat "$WORK/down.log"
    podman rm -f -t 1 "$SINGLE" "$VM" >/dev/null 2>&1
    podman volume rm -f "$SINGLE-data" >/dev/null 2>&1
    [ "$SECRETS_MADE" = 1 ] && rm -rf deploy/secrets
    rm -rf "$WORK"
  fi
  if [ "$ISOLATED" = 1 ]; then
    while iptables -t mangle -D "${FIREWALL[@]}" 2>/dev/null; do :; done
    while iptables -t mangle -D "${FIREWALL_DNS_UDP[@]}" 2>/dev/null; do :; done
    while iptables -t mangle -D "${FIREWALL_DNS_TCP[@]}" 2>/dev/null; do :; done
  fi
  return $status
}

# ------------------------------------------------------------ 1. tools

install_tools() {
  log "tools"
  [ "$(id -u)" = 0 ] || die "run as root (podman is used rootful, as a service would be)"
  local wanted=(podman runc netavark aardvark-dns iptables debootstrap curl jq openssl ca-certificates pkg-config libssl-dev)
  command -v node >/dev/null 2>&1 || wanted+=(nodejs npm)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  mkdir -p "$CACHE"
  cat >"$CONTAINERS_CONF" <<'EOF'
# Written by scripts/container-test.sh (CONTAINERS_CONF): what podman needs
# on these machines. runc, cgroupfs since systemd is not process 1, no
# default ulimits (raising them is refused), logs and events in files.
[containers]
default_ulimits = []
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
events_logger = "file"
[network]
network_backend = "netavark"
EOF
  if ! podman-compose --version 2>/dev/null | grep -qF "podman-compose version $PODMAN_COMPOSE_VERSION"; then
    echo "installing podman-compose $PODMAN_COMPOSE_VERSION (PyPI) in $CACHE/venv"
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install -q "podman-compose==$PODMAN_COMPOSE_VERSION"
  fi
  podman --version
  podman-compose --version | head -n 1
}

# Can this machine run a container, on a network of its own? A root file
# system of two files (true and the libraries it needs) is enough to know.
probe() {
  local dir
  dir=$(mktemp -d)
  mkdir -p "$dir/rootfs/bin"
  cp /bin/true "$dir/rootfs/bin/"
  for lib in $(ldd /bin/true | grep -o '/[^ ]*'); do cp --parents "$lib" "$dir/rootfs"; done
  tar -C "$dir/rootfs" -c . | podman import -q - "$IMG/probe:latest" >/dev/null
  rm -rf "$dir"
  podman network exists aiguillage-ct-probe || podman network create aiguillage-ct-probe >/dev/null
  local status=0
  podman run --rm --network aiguillage-ct-probe "$IMG/probe:latest" /bin/true || status=1
  podman network rm -f aiguillage-ct-probe >/dev/null
  podman rmi -f "$IMG/probe:latest" >/dev/null
  return $status
}

# deploy/aiguillage.toml names ProConnect's public test platform, which the
# portals try to reach. Not from here: packets from the stack's network to
# anything off it are dropped while the test runs (one iptables rule,
# removed at the end). The containers still talk to each other, and the
# host reaches the published ports on 127.0.0.1.
isolate_stack_network() {
  [ -n "$SUBNET" ] || die "no subnet in deploy/compose.yaml"
  iptables -t mangle -I "${FIREWALL[@]}"
  iptables -t mangle -I "${FIREWALL_DNS_UDP[@]}"
  iptables -t mangle -I "${FIREWALL_DNS_TCP[@]}"
  ISOLATED=1
}
dropped_packets() { iptables -t mangle -L FORWARD -v -n -x | awk '/aiguillage-container-test / { print $1 }'; }

# ------------------------------------------------------ 2. base images

# Debian 12 from Debian's archive, trimmed like debian:bookworm-slim (no
# documentation, manual pages or translations), with the security updates.
build_debian_base() {
  local rootfs=$WORK/rootfs
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian}/* "$rootfs"/var/cache/apt/*.bin \
    "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
APT::Install-Recommends "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Acquire::Languages "none";
EOF
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  : >"$rootfs/etc/resolv.conf"
  : >"$rootfs/etc/hostname"
  OLD_BASE=$(podman image inspect -f '{{.Id}}' "$RUNTIME_IMAGE" 2>/dev/null || true)
  tar -C "$rootfs" --numeric-owner -c . | podman import -q --change 'CMD ["bash"]' - "$IMG/debian:debootstrap" >/dev/null
  rm -rf "$rootfs"
  # The security updates, in one layer with the rest (--squash-all).
  podman build -q --squash-all -t "$RUNTIME_IMAGE" -f - "$WORK" >/dev/null <<EOF
FROM $IMG/debian:debootstrap
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get -y upgrade && rm -rf /var/lib/apt/lists/*
LABEL org.opencontainers.image.description="Debian 12 made by debootstrap (scripts/container-test.sh): stand-in for debian:bookworm-slim"
EOF
  podman rmi "$IMG/debian:debootstrap" >/dev/null
}

# Builds the image TAG from the Containerfile on standard input, unless it
# is kept from an earlier run (and the Debian base was not made anew).
build_on_base() { # TAG
  if [ "$FRESH_BASE" = 1 ] || ! podman image exists "$1"; then
    echo "    building $1"
    local old
    old=$(podman image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
    podman build -q -t "$1" -f - "$WORK" >/dev/null
    drop_replaced "$old"
  fi
}
# The image a tag named before it was made again, unless still in use.
drop_replaced() { [ -z "$1" ] || podman rmi "$1" >/dev/null 2>&1 || true; }

build_bases() {
  log "base images (kept in podman's storage; REBUILD_BASES=1 makes them again)"
  FRESH_BASE=0 OLD_BASE=""
  if [ "${REBUILD_BASES:-0}" = 1 ] || ! podman image exists "$RUNTIME_IMAGE"; then
    echo "    debootstrap: $RUNTIME_IMAGE"
    build_debian_base
    FRESH_BASE=1
  fi
  # Like the official images: the server on PATH, not root, Redis in
  # /data. Debian's redis-server, unlike the official image's, keeps
  # protected mode on when started without a file: compose.yaml says
  # --protected-mode no (the network is the stack's own).
  build_on_base "$REDIS_IMAGE" <<EOF
FROM $RUNTIME_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* && install -d -o redis -g redis -m 0750 /data
VOLUME /data
WORKDIR /data
USER redis
EXPOSE 6379
CMD ["redis-server"]
LABEL org.opencontainers.image.description="Debian 12's redis-server (scripts/container-test.sh): stand-in for redis:7-bookworm"
EOF
  build_on_base "$HAPROXY_IMAGE" <<EOF
FROM $RUNTIME_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends haproxy \
 && rm -rf /var/lib/apt/lists/* && install -d /usr/local/etc/haproxy
USER haproxy
STOPSIGNAL SIGUSR1
CMD ["haproxy", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]
LABEL org.opencontainers.image.description="Debian 12's haproxy (scripts/container-test.sh): stand-in for haproxy:2.8"
EOF
  # A virtual machine's worth of Debian 12: systemd as process 1, and a
  # local Redis for deploy/systemd/aiguillage.toml's redis://127.0.0.1.
  build_on_base "$VM_IMAGE" <<EOF
FROM $RUNTIME_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      systemd systemd-sysv libssl3 ca-certificates openssl curl redis-server \
 && rm -rf /var/lib/apt/lists/*
STOPSIGNAL SIGRTMIN+3
CMD ["/lib/systemd/systemd"]
LABEL org.opencontainers.image.description="Debian 12 with systemd (scripts/container-test.sh): the virtual machine of deploy/README.md"
EOF
  # The test peers' Node: the host's (the one the test suite uses), on the
  # same Debian. Made each time: the host's node may have changed.
  mkdir -p "$WORK/node"
  cp "$(readlink -f "$(command -v node)")" "$WORK/node/node"
  local old
  old=$(podman image inspect -f '{{.Id}}' "$NODE_IMAGE" 2>/dev/null || true)
  podman build -q -t "$NODE_IMAGE" -f - "$WORK/node" >/dev/null <<EOF
FROM $RUNTIME_IMAGE
COPY node /usr/local/bin/node
USER 65534:65534
EOF
  [ "$old" = "$(podman image inspect -f '{{.Id}}' "$NODE_IMAGE")" ] || drop_replaced "$old"
  # The Debian base made again: the images on the old one are gone now.
  drop_replaced "$OLD_BASE"
  podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -F "$IMG/" | sed 's/^/    /'
}

# The test peers' npm packages, as scripts/test.sh installs them.
npm_peers() {
  for dir in tests/support examples/demarche; do
    local stamp=$dir/node_modules/.installed-lock
    if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
      echo "npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
      cp "$dir/package-lock.json" "$stamp"
    fi
  done
}

# --------------------------------------------- 3. deploy/README.md as written

# The commands of the fenced block that follows `<!-- container-test: NAME -->`.
readme_block() {
  awk -v marker="<!-- container-test: $1 -->" '
    index($0, marker) { armed = 1; next }
    armed && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }' deploy/README.md
}
run_readme_block() {
  local code
  code=$(readme_block "$1")
  [ -n "$code" ] || die "deploy/README.md has no block marked container-test: $1"
  log "deploy/README.md, as written ($1)"
  # Each command is echoed (+) before it runs; the first that fails stops.
  bash -euxo pipefail -c "$code"
  echo
}

# ------------------------------------------------------------ 4. checks

check_stack() {
  log "the stack as deploy/ starts it"
  local a b
  a=$(ctr portal-a) b=$(ctr portal-b)
  wait_for 30 ready || true
  http "$WORK/probe.jar" GET "http://127.0.0.1:3000/readyz"
  expect_eq "GET /readyz through HAProxy on 127.0.0.1:3000" "$STATUS $(cat "$WORK/body")" "200 ready"
  check "HAProxy sees both instances ready (portal-a and portal-b UP)" wait_for 20 both_up
  expect_eq "HAProxy published on 127.0.0.1 only" "$(podman port "$(ctr balancer)" | tr -d '\n')" "3000/tcp -> 127.0.0.1:3000"
  local c
  for c in "$a" "$b"; do
    expect_eq "$c runs as the image's user (id -u)" "$(podman exec "$c" id -u)" "10001"
    expect_eq "$c's process 1 is the portal, not root (podman top)" "$(podman top "$c" user args | awk 'NR == 2 { print $1, $2 }')" "aiguillage /usr/local/bin/aiguillage"
    expect_eq "$c has a read-only root file system" "$(podman inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$c")" "true"
    check "$c cannot write outside its data volume" bash -c "! podman exec $c touch /var/lib/aiguillage/x 2>/dev/null"
    check "$c writes in its data volume (its own, uid 10001)" podman exec "$c" sh -c 'touch /var/lib/aiguillage/data/.w && rm /var/lib/aiguillage/data/.w'
  done
  expect_eq "Redis runs as redis" "$(podman exec "$(ctr redis)" id -un)" "redis"
  expect_eq "HAProxy runs as haproxy" "$(podman exec "$(ctr balancer)" id -un)" "haproxy"
  expect_eq "Redis never evicts (maxmemory-policy)" "$(podman exec "$(ctr redis)" redis-cli config get maxmemory-policy | tail -n 1)" "noeviction"
  expect_eq "Redis persists (appendonly)" "$(podman exec "$(ctr redis)" redis-cli config get appendonly | tail -n 1)" "yes"
  # ProConnect's public test client, as configured: its button, or (no
  # Internet here, so its discovery fails) the notice that it is down.
  browse "$WORK/visitor.jar" GET "$PUBLIC/choix/agent-etat"
  check "the chooser's page for State agents, through HAProxy: 200, ProConnect's button or its notice" \
    bash -c "[ $STATUS = 200 ] && grep -qE 'action=\"/connexion/proconnect\"|id=\"unavailable-proconnect\"' $WORK/body"
  local size
  size=$(podman image inspect -f '{{.Size}}' "$PORTAL_IMAGE")
  IMAGE_SIZE="$((size / 1000000)) MB"
  echo "     image $PORTAL_IMAGE: $IMAGE_SIZE ($(podman image inspect -f '{{.Size}}' "$RUNTIME_IMAGE" | awk '{ printf "%d MB", $1 / 1000000 }') of it the Debian base)"
}
both_up() { http "$WORK/probe.jar" GET "http://127.0.0.1:3000/readyz" && balancer_up portal-a && balancer_up portal-b; }
# The last state HAProxy logged for an instance is UP (or it never went
# down: HAProxy logs only changes after start).
balancer_up() {
  local last
  last=$(balancer_log | grep -E "Server portals/$1 is (UP|DOWN)" | tail -n 1)
  [ -z "$last" ] && ! balancer_log | grep -qE "Server portals/$1 .*(DOWN|MAINT)" && return 0
  grep -q "is UP" <<<"$last"
}

# The test peers: the federation double (ProConnect) and the example
# démarche, and the relays that bring them to loopback addresses.
write_test_stack() {
  local fed_port=$1 dem_port=$2
  FED_ISSUER=http://127.0.0.1:$fed_port/api/v2
  DEMARCHE=http://127.0.0.1:$dem_port
  CLIENT_ID=demarche-container-test
  local client_secret=container-test-demarche-secret fed_secret=container-test-federation-secret
  # deploy/aiguillage.toml as it is, and what a test adds: the federation
  # double as ProConnect, the example démarche registered.
  {
    cat deploy/aiguillage.toml
    cat <<EOF

# --- Added by scripts/container-test.sh.
[federations.proconnect]
issuer = "$FED_ISSUER"
client_id = "aiguillage-container-test"
client_secret = "$fed_secret"

[[demarches]]
client_id = "$CLIENT_ID"
client_secret = "$client_secret"
name = "Démarche d'essai"
redirect_uris = ["$DEMARCHE/callback"]
post_logout_redirect_uris = ["$DEMARCHE/"]
EOF
  } >"$WORK/test.toml"
  # Relays (HAProxy, tcp mode). In each portal's network namespace: the
  # federation on 127.0.0.1:$fed_port. In the peers' namespace: the
  # federation reachable from the network on :4000, and the portal's
  # public URL (localhost:3000) for the démarche's back channel.
  cat >"$WORK/portal-relay.cfg" <<EOF
global
    log stdout format raw local0
resolvers engine
    parse-resolv-conf
defaults
    mode tcp
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
listen federation
    bind 127.0.0.1:$fed_port
    server peers peers:4000 init-addr last,libc,none resolvers engine
EOF
  cat >"$WORK/peers-relay.cfg" <<EOF
global
    log stdout format raw local0
resolvers engine
    parse-resolv-conf
defaults
    mode tcp
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
listen federation
    bind :4000
    server federation 127.0.0.1:$fed_port
listen portal
    bind 127.0.0.1:3000
    server balancer balancer:3000 init-addr last,libc,none resolvers engine
EOF
  cat >"$WORK/test.yaml" <<EOF
# Test only (scripts/container-test.sh), over deploy/compose.yaml.
services:
  portal-a:
    environment: &test-env
      AIGUILLAGE_CONFIG: /etc/aiguillage/test.toml
      # Long enough to stop an instance while a request waits on Redis.
      AIGUILLAGE__STORE__TIMEOUT_MS: "3000"
      # The federation double starts with the portals (relays after them):
      # probe it every 2 s rather than 30, not to wait for its status.
      AIGUILLAGE__FEDERATION_PROBE__INTERVAL_SECONDS: "2"
    volumes:
      - $WORK/test.toml:/etc/aiguillage/test.toml:ro
  portal-b:
    environment: *test-env
    volumes:
      - $WORK/test.toml:/etc/aiguillage/test.toml:ro
  portal-a-relay: &relay
    image: $HAPROXY_IMAGE
    network_mode: service:portal-a
    volumes:
      - $WORK/portal-relay.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
    depends_on: [portal-a, peers]
  portal-b-relay:
    <<: *relay
    network_mode: service:portal-b
    depends_on: [portal-b, peers]
  peers:
    image: $HAPROXY_IMAGE
    volumes:
      - $WORK/peers-relay.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro
    ports:
      - "127.0.0.1:$fed_port:4000"
      - "127.0.0.1:$dem_port:$dem_port"
    networks: [portal]
  federation:
    image: $NODE_IMAGE
    network_mode: service:peers
    depends_on: [peers]
    volumes:
      - $ROOT/tests/support:/peers/support:ro
    command: [node, /peers/support/federation.mjs, --profile, proconnect,
      --client-id, aiguillage-container-test, --client-secret, $fed_secret,
      --redirect-uri, "$PUBLIC/login-callback", --post-logout-redirect-uri, "$PUBLIC/",
      --port, "$fed_port", --keep-alive]
  demarche:
    image: $NODE_IMAGE
    network_mode: service:peers
    depends_on: [peers]
    volumes:
      - $ROOT/examples/demarche:/peers/demarche:ro
    command: [node, /peers/demarche/server.mjs, --issuer, "$PUBLIC",
      --client-id, $CLIENT_ID, --client-secret, $client_secret,
      --host, 0.0.0.0, --port, "$dem_port", --public-url, "$DEMARCHE"]
EOF
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start_test_peers() {
  log "the test peers: federation double, example démarche, relays"
  local fed_port dem_port
  fed_port=$(free_port)
  dem_port=$(free_port)
  write_test_stack "$fed_port" "$dem_port"
  # The same stack again, with the test's additions (volumes kept).
  compose down -t 5 >"$WORK/down-start.log" 2>&1 || { cat "$WORK/down-start.log"; die "podman-compose down failed"; }
  STACK_FILES=(-f deploy/compose.yaml -f "$WORK/test.yaml")
  compose up -d >"$WORK/up-test.log" 2>&1 || { cat "$WORK/up-test.log"; die "podman-compose up (test peers) failed"; }
  wait_for 30 peers_answer || { podman logs "$(ctr federation)" | tail; podman logs "$(ctr demarche)" | tail; die "the test peers did not answer"; }
  wait_for 30 both_up || die "the portals did not come back ready with the test configuration"
  # Both instances offer ProConnect (its discovery works from each).
  wait_for 40 federation_offered || die "the portals do not offer the federation double"
  # The démarche has read the portal's discovery (through its relay).
  wait_for 30 demarche_ready || { podman logs "$(ctr demarche)" | tail; die "the démarche cannot reach the portal"; }
}
demarche_ready() {
  http "$WORK/probe.jar" GET "$DEMARCHE/login"
  [ "$STATUS" = 303 ] && [[ $LOCATION == "$PUBLIC/oidc/authorize?"* ]]
}
federation_offered() {
  local _
  for _ in 1 2; do
    http "$WORK/probe.jar" GET "$PUBLIC/choix/agent-etat"
    [ "$STATUS" = 200 ] && body_has 'action="/connexion/proconnect"' || return 1
  done
}
peers_answer() {
  http "$WORK/probe.jar" GET "$FED_ISSUER/.well-known/openid-configuration" && [ "$STATUS" = 200 ] &&
    http "$WORK/probe.jar" GET "$DEMARCHE/" && [ "$STATUS" = 200 ]
}

# A person logs in on the portal itself (the account page, /compte).
person_login() { # JAR
  local jar=$1
  browse "$jar" POST "$PUBLIC/connexion/proconnect" "population=agent-etat"
  local action
  action=$(form_action)
  if [ "$STATUS" != 200 ] || [ -z "$action" ]; then
    show_hops
    return 1
  fi
  browse "$jar" POST "$(origin "$URL")$action" "login=jean.michel%40test.proconnect.gouv.fr&password=x&action=login"
}

# The démarche's login, as a person clicks through it: the démarche, the
# portal's chooser (the démarche asked for State agents: ProConnect's
# button), the federation's form when the person has no session yet, and
# back at the démarche. A person with a portal session skips both.
demarche_login() { # JAR
  local jar=$1 steps=()
  browse "$jar" GET "$DEMARCHE/login?population=agent-etat"
  steps+=("${HOPS[@]}")
  if [[ $URL == "$PUBLIC/choix/"* ]] && body_has 'action="/connexion/proconnect"'; then
    local demande
    demande=$(sed -n 's/.*name="demande" value="\([^"]*\)".*/\1/p' "$WORK/body" | head -n 1)
    browse "$jar" POST "$PUBLIC/connexion/proconnect" "demande=$demande&population=agent-etat"
    steps+=("${HOPS[@]}")
  fi
  if [[ $URL == */interaction/* ]]; then
    local action
    action=$(form_action)
    browse "$jar" POST "$(origin "$URL")$action" "login=jean.michel%40test.proconnect.gouv.fr&password=x&action=login"
    steps+=("${HOPS[@]}")
  fi
  HOPS=("${steps[@]}")
}
greeting() { grep -o 'Bonjour [^<]*' "$WORK/body" || true; }

check_logins() {
  log "a person, then a démarche, log in through HAProxy"
  local jar=$WORK/person.jar
  http "$jar" GET "$PUBLIC/compte"
  check "before: /compte says nobody is logged in" bash -c "[ $STATUS = 200 ] && ! grep -q 'id=\"identity-name\"' $WORK/body"
  person_login "$jar" || true
  show_hops
  expect_eq "the person's login ends on /compte" "$STATUS $URL" "200 $PUBLIC/compte"
  check "/compte shows Jean Michel, by ProConnect" bash -c "grep -qF 'id=\"identity-name\">Jean Michel<' $WORK/body && grep -qF 'data-federation=\"proconnect\"' $WORK/body"
  check "the login went through the federation's form and callback" \
    bash -c "printf '%s\n' \"\${@}\" | grep -q '/interaction/.*/login' && printf '%s\n' \"\${@}\" | grep -qF '$PUBLIC/login-callback?'" _ "${HOPS[@]}"
  PERSON_JAR=$jar

  # Another browser: a démarche's whole login.
  local djar=$WORK/demarche.jar
  demarche_login "$djar" || true
  show_hops
  expect_eq "the démarche's login ends on the démarche, logged in" "$STATUS $URL $(greeting)" "200 $DEMARCHE/ Bonjour Jean Michel"
  check "it went démarche → /oidc/authorize → chooser → ProConnect's button → federation form → callback → démarche" \
    bash -c "printf '%s\n' \"\${@}\" | grep -qF '$PUBLIC/oidc/authorize?' && printf '%s\n' \"\${@}\" | grep -qF '$PUBLIC/choix/agent-etat?demande=' &&
      printf '%s\n' \"\${@}\" | grep -qF '$PUBLIC/connexion/proconnect' && printf '%s\n' \"\${@}\" | grep -q '/interaction/' &&
      printf '%s\n' \"\${@}\" | grep -qF '$PUBLIC/login-callback?' && printf '%s\n' \"\${@}\" | grep -qF '$DEMARCHE/callback?code='" _ "${HOPS[@]}"
  local claims userinfo
  claims=$(demarche_json claims)
  userinfo=$(demarche_json userinfo)
  expect_eq "ID token: iss is the public URL, aud the démarche, idp proconnect" \
    "$(jq -r '[.iss, .aud, .idp] | join(" ")' <<<"$claims")" "$PUBLIC $CLIENT_ID proconnect"
  check "ID token: a pairwise sub, not the federation's" bash -c "s=\$(jq -r .sub <<<'$claims'); [ \${#s} -ge 20 ] && [ \"\$s\" != 4f6a2c0e-8d3b-4a57-9c1e-2b7d5e9f0a31 ]"
  expect_eq "userinfo: the federation's claims (siret, given_name)" "$(jq -r '[.given_name, .siret] | join(" ")' <<<"$userinfo")" "Jean 21340126800130"
  DEMARCHE_SUB=$(jq -r .sub <<<"$claims")
}

check_failover() {
  log "instance A stopped (SIGTERM) while it answers a request"
  local a since
  a=$(ctr portal-a)
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  local downs_before
  downs_before=$(balancer_log | grep -c "Server portals/portal-a is DOWN" || true)
  # A request held in flight on A: Redis paused, the request waits for it
  # (store.timeout_ms, 3 s here). Sent to A directly, on the podman network,
  # from the démarche's container, with the person's session cookie.
  local cookie
  cookie=$(awk '$1 ~ /localhost$/ { printf "%s=%s; ", $6, $7 }' "$PERSON_JAR")
  podman pause "$(ctr redis)" >/dev/null
  # (node's http, not fetch: fetch drops a Host header, and the portal
  # redirects a page asked by another name than its public URL's.)
  podman exec "$(ctr demarche)" node -e '
    const started = Date.now();
    require("http").get("http://portal-a:3000/compte", { headers: { host: "localhost:3000", cookie: process.argv[1] } }, (r) => {
      let page = "";
      r.on("data", (c) => (page += c));
      r.on("end", () => console.log(r.statusCode, Date.now() - started, page.includes(">Jean Michel<") ? "logged-in" : "-"));
    }).on("error", (e) => console.log("failed", Date.now() - started, e.code ?? e.message));' "$cookie" >"$WORK/inflight" 2>&1 &
  local inflight=$!
  sleep 1
  local t0=$SECONDS
  podman stop -t 35 "$a" >/dev/null &
  local stopping=$!
  # A has SIGTERM and its request still waits for Redis: let Redis answer.
  sleep 1
  podman unpause "$(ctr redis)" >/dev/null
  wait "$stopping" || true
  local stop_took=$((SECONDS - t0))
  wait "$inflight" || true
  local answer elapsed
  read -r answer elapsed _ <"$WORK/inflight" || true
  check "the request in flight on A when it got SIGTERM was answered in full ($(cat "$WORK/inflight"))" \
    bash -c "[ '$answer' = 200 ] && [ '${elapsed:-0}' -ge 1500 ] && grep -q logged-in '$WORK/inflight'"
  expect_eq "A exited by itself on SIGTERM (exit code 0, no SIGKILL)" "$(podman inspect -f '{{.State.ExitCode}}' "$a")" "0"
  check "A stopped within the grace period (${stop_took}s)" test "$stop_took" -lt 35
  check "A's log: requests in flight were finished" bash -c "podman logs $a 2>&1 | grep -qF 'requests in flight were finished'"

  log "A stopped: HAProxy sends everyone to B"
  check "HAProxy marks portal-a DOWN" wait_for 20 bash -c "[ \$(podman logs $(ctr balancer) 2>&1 | grep -c 'Server portals/portal-a is DOWN') -gt $downs_before ]"
  check "portal-b stays UP" balancer_up portal-b
  local i good=1
  for i in $(seq 1 6); do
    http "$PERSON_JAR" GET "$PUBLIC/compte?ct=a-down-$i"
    [ "$STATUS" = 200 ] && body_has 'id="identity-name">Jean Michel<' || good=0
  done
  check "6 requests of the logged-in person: all 200, still logged in" test "$good" = 1
  check "all 6 served by portal-b (HAProxy's log)" served_only_by portal-b "a-down-"
  demarche_login "$PERSON_JAR"
  expect_eq "a démarche login of the logged-in person: a code at once, no chooser, no federation form" \
    "$STATUS $URL $(greeting) $(went_through /interaction/ || went_through /choix/ && echo asked || echo not-asked)" \
    "200 $DEMARCHE/ Bonjour Jean Michel not-asked"
  demarche_login "$WORK/demarche.jar"
  expect_eq "the démarche's other person, logged in before A stopped, too" \
    "$STATUS $(greeting) $(went_through /interaction/ || went_through /choix/ && echo asked || echo not-asked)" "200 Bonjour Jean Michel not-asked"
  local sub
  sub=$(demarche_sub)
  check "the same pairwise sub for the same person and démarche, from B alone ($sub)" \
    bash -c "[ -n '$DEMARCHE_SUB' ] && [ '$sub' = '$DEMARCHE_SUB' ]"

  log "A started again"
  podman start "$a" >/dev/null
  # The relay shared A's network namespace, which went with A: a new one.
  podman restart -t 1 "$(ctr portal-a-relay)" >/dev/null
  if wait_for 45 balancer_up portal-a; then
    ok "HAProxy marks portal-a UP again"
  else
    not_ok "HAProxy marks portal-a UP again; its last words:"
    balancer_log | grep -v '"[A-Z]* /' | tail -n 8
  fi
  http "$WORK/probe.jar" GET "http://127.0.0.1:3000/readyz"
  expect_eq "GET /readyz through HAProxy" "$STATUS" "200"
  good=1
  for i in $(seq 1 6); do
    http "$PERSON_JAR" GET "$PUBLIC/compte?ct=a-back-$i"
    [ "$STATUS" = 200 ] && body_has 'id="identity-name">Jean Michel<' || good=0
  done
  check "6 requests of the logged-in person: all 200, still logged in" test "$good" = 1
  check "served by both instances again (HAProxy's log)" served_by_both "a-back-"
  demarche_login "$WORK/fresh.jar"
  expect_eq "a new person's whole démarche login, A back" \
    "$STATUS $URL $(greeting) $(went_through /interaction/ && echo form || echo no-form)" "200 $DEMARCHE/ Bonjour Jean Michel form"
  local errors
  errors=$(podman logs --since "$since" "$(ctr balancer)" 2>&1 | grep -E '<NOSRV>| 50[234] [0-9]+ - - [sSC]' || true)
  expect_eq "meanwhile, HAProxy answered no error of its own (no 502/503/504, never 'no server')" "$errors" ""
}
demarche_sub() { demarche_json claims | jq -r .sub; }
# HAProxy's httplog lines of the requests tagged TAG, by server.
servers_for() { balancer_log | grep -F "ct=$1" | grep -o 'portals/portal-[ab]' | sort | uniq -c; }
served_only_by() { [ "$(servers_for "$2" | awk '{ print $2 }')" = "portals/$1" ]; }
served_by_both() { [ "$(servers_for "$1" | wc -l)" = 2 ]; }

# One instance alone, as the Dockerfile's header runs it: no keys given,
# it makes them in its data volume, the only place it writes. On the
# stack's network (which has no way out), its port on 127.0.0.1.
check_single() {
  log "one container alone: --read-only, keys generated into the data volume"
  local port keys=(es256-key.pem pairwise-secret signing-key.pem)
  port=$(free_port)
  podman run -d --name "$SINGLE" --read-only -v "$SINGLE-data:/var/lib/aiguillage/data" --network "${PROJECT}_portal" \
    -e AIGUILLAGE__SERVER__PUBLIC_URL="http://localhost:$port/" -p "127.0.0.1:$port:3000" "$PORTAL_IMAGE" >/dev/null
  wait_for 20 bash -c "curl -4 -fsS -o /dev/null http://127.0.0.1:$port/healthz" || podman logs "$SINGLE"
  http "$WORK/probe.jar" GET "http://127.0.0.1:$port/readyz"
  expect_eq "alone, on the in-memory store: /readyz" "$STATUS" "200"
  expect_eq "the keys it generated: in its data volume, its own, mode 0600" \
    "$(podman exec -w /var/lib/aiguillage/data "$SINGLE" stat -c '%n %U %a' "${keys[@]}" | tr '\n' ' ')" \
    "es256-key.pem aiguillage 600 pairwise-secret aiguillage 600 signing-key.pem aiguillage 600 "
  # podman diff: the root file system as the image has it, but for the
  # mount points podman made (/etc's hosts, hostname, resolv.conf).
  local changed
  changed=$(podman diff "$SINGLE" | grep -v -x -E 'C /etc|C /run|A /run/.*|A /var/lib/aiguillage/data.*|C /var/lib/aiguillage/data' || true)
  expect_eq "nothing else changed in the container (podman diff)" "$changed" ""
  local before t0=$SECONDS
  before=$(podman exec -w /var/lib/aiguillage/data "$SINGLE" sha256sum "${keys[@]}")
  podman stop -t 35 "$SINGLE" >/dev/null
  expect_eq "SIGTERM: exit code 0" "$(podman inspect -f '{{.State.ExitCode}}' "$SINGLE")" "0"
  check "stopped at once, nothing in flight ($((SECONDS - t0))s)" test $((SECONDS - t0)) -lt 10
  podman start "$SINGLE" >/dev/null
  wait_for 20 bash -c "curl -4 -fsS -o /dev/null http://127.0.0.1:$port/healthz"
  expect_eq "started again, it uses the same keys (sha256)" \
    "$(podman exec -w /var/lib/aiguillage/data "$SINGLE" sha256sum "${keys[@]}")" "$before"
}

# The other path, deploy/systemd/: a virtual machine played by a container
# whose process 1 is systemd (privileged: systemd sets up the unit's
# sandbox, mount namespaces and system call filter, as on a real machine),
# on the stack's network (which has no way out). deploy/README.md's
# commands run in it as they are written, from a copy of the repository's
# deploy/ and the release binary.
check_vm() {
  log "a virtual machine with systemd: deploy/README.md's commands, as written (vm)"
  podman run -d --name "$VM" --privileged --systemd=always --network "${PROJECT}_portal" "$VM_IMAGE" >/dev/null
  wait_for 30 bash -c "podman exec $VM systemctl is-system-running 2>/dev/null | grep -qE 'running|degraded'" ||
    { podman logs "$VM" | tail; die "systemd did not start in $VM"; }
  podman exec "$VM" mkdir -p /srv/aiguillage/target/release
  podman cp target/release/aiguillage "$VM:/srv/aiguillage/target/release/aiguillage"
  tar -c --exclude deploy/secrets deploy | podman exec -i "$VM" tar -C /srv/aiguillage -x
  local code
  code=$(readme_block vm)
  [ -n "$code" ] || die "deploy/README.md has no block marked container-test: vm"
  if podman exec -i -w /srv/aiguillage "$VM" bash -euxo pipefail <<<"$code"; then
    echo
    ok "deploy/README.md's commands for a virtual machine, as written"
  else
    not_ok "deploy/README.md's commands for a virtual machine, as written"
    podman exec "$VM" journalctl -u aiguillage --no-pager | tail -n 20
  fi
  local pid
  pid=$(podman exec "$VM" systemctl show -p MainPID --value aiguillage)
  expect_eq "the service runs as its own user" "$(podman exec "$VM" stat -c %U "/proc/$pid")" "aiguillage"
  expect_eq "systemd calls it active, after check-config passed" \
    "$(podman exec "$VM" systemctl show -p ActiveState --value aiguillage) $(podman exec "$VM" journalctl -u aiguillage --no-pager -o cat | grep -c '^configuration OK')" "active 1"
  check "in its sandbox, /etc and /usr are read-only (ProtectSystem=strict)" \
    bash -c "! podman exec $VM nsenter -t $pid -m touch /etc/aiguillage/x 2>/dev/null && ! podman exec $VM nsenter -t $pid -m touch /usr/local/bin/x 2>/dev/null"
  check "its state directory is writable, its own, 0700" \
    bash -c "podman exec $VM nsenter -t $pid -m sh -c 'touch /var/lib/aiguillage/.w && rm /var/lib/aiguillage/.w' && [ \"\$(podman exec $VM stat -c '%U %a' /var/lib/aiguillage)\" = 'aiguillage 700' ]"
  expect_eq "no new privileges (NoNewPrivs in its status)" "$(podman exec "$VM" grep NoNewPrivs "/proc/$pid/status" | awk '{ print $2 }')" "1"
  echo "     $(podman exec "$VM" systemd-analyze security aiguillage --no-pager | tail -n 1)"
  podman exec "$VM" systemctl stop aiguillage
  expect_eq "systemctl stop: SIGTERM, requests finished, exit 0" \
    "$(podman exec "$VM" systemctl show -p Result --value aiguillage) $(podman exec "$VM" systemctl show -p ExecMainStatus --value aiguillage) $(podman exec "$VM" journalctl -u aiguillage --no-pager -o cat | grep -c 'requests in flight were finished')" \
    "success 0 1"
}

# The Dockerfile's default target, which compiles in the image, as an
# operator with access to the public images builds it. rust:1-slim-bookworm
# cannot be pulled here, and Debian's rustc is older than the crate's
# rust-version: the stand-in is this machine's own toolchain (rustup's, as
# in the official image) on the Debian base, with gcc and libc6-dev as
# the official slim image has them, and this machine's extra CA
# certificates (its HTTPS to crates.io goes through a proxy that signs
# with them). The build stage installs pkg-config and libssl-dev itself.
build_from_source() {
  log "FROM_SOURCE=1: the Dockerfile's default target, compiled in the image"
  local ctx=$WORK/rust sysroot
  sysroot=$(rustc --print sysroot)
  mkdir -p "$ctx/ca"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true
  tar -C "$sysroot" --exclude ./share/doc -c . | (mkdir -p "$ctx/toolchain" && tar -C "$ctx/toolchain" -x)
  podman build -q -t "$IMG/rust:host" -f - "$ctx" >/dev/null <<EOF
FROM $RUNTIME_IMAGE
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gcc libc6-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates
COPY toolchain/ /usr/local/rust/
ENV PATH=/usr/local/rust/bin:\$PATH CARGO_HOME=/usr/local/cargo
LABEL org.opencontainers.image.description="This machine's Rust toolchain on Debian 12 (scripts/container-test.sh): stand-in for rust:1-slim-bookworm"
EOF
  rm -rf "$ctx"
  local t0=$SECONDS
  if podman build --build-arg RUST_IMAGE="$IMG/rust:host" --build-arg RUNTIME_IMAGE -t aiguillage:from-source . >"$WORK/from-source.log" 2>&1; then
    ok "the Dockerfile's default target builds ($((SECONDS - t0)) s, $(podman image inspect -f '{{.Size}}' aiguillage:from-source | awk '{ printf "%d MB", $1 / 1000000 }'))"
  else
    not_ok "the Dockerfile's default target builds"
    tail -n 30 "$WORK/from-source.log"
  fi
  expect_eq "its binary answers (check-config, defaults)" \
    "$(podman run --rm --network none aiguillage:from-source check-config 2>&1 | tail -n 1)" "configuration OK"
  expect_eq "and runs as uid 10001" "$(podman run --rm --network none --entrypoint id aiguillage:from-source -u)" "10001"
}

# ------------------------------------------------------------------ main

main() {
  install_tools
  if [ "${1-}" = --probe ]; then
    probe && echo "containers run here" && exit 0
    echo "containers cannot run here"
    exit 1
  fi
  probe || die "podman cannot run a container here"
  WORK=$(mktemp -d /tmp/aiguillage-ct.XXXXXX)
  trap cleanup EXIT
  # Never on top of a stack someone runs, nor of a port in use.
  [ -z "$(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ] ||
    die "containers of the compose project '$PROJECT' exist: stop them first (podman-compose -f deploy/compose.yaml down)"
  if (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null; then die "127.0.0.1:3000 is in use"; fi
  [ -d deploy/secrets ] || SECRETS_MADE=1
  isolate_stack_network
  build_bases
  npm_peers
  run_readme_block start
  check_stack
  start_test_peers
  check_logins
  check_failover
  check_single
  check_vm
  [ "${FROM_SOURCE:-0}" = 1 ] && build_from_source
  log "done"
  echo "image $PORTAL_IMAGE: $IMAGE_SIZE; took $((SECONDS - STARTED)) s;" \
    "$(dropped_packets) packets from the stack to outside this machine dropped"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

main "$@"
