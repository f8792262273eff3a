# Aiguillage: a small image that runs as a non-root user (uid 10001), on a
# read-only root file system if you like (it writes only under its data
# volume), and finishes the requests in flight on SIGTERM.
#
#   docker build -t aiguillage:local .                  # compiles in the image (needs the Rust image)
#   cargo build --release --locked \
#     && docker build --target prebuilt -t aiguillage:local .   # packages the binary built outside
#   docker run --read-only -p 127.0.0.1:3000:3000 -v aiguillage-data:/var/lib/aiguillage/data aiguillage:local
#
# Base images are build arguments, so that a registry mirror (or images made
# in-house) can replace the public ones:
#   --build-arg RUST_IMAGE=registry.example/rust:1-slim-bookworm
#   --build-arg RUNTIME_IMAGE=registry.example/debian:bookworm-slim
# Both must be Debian 12 (bookworm): the binary links Debian's OpenSSL 3.
# `podman build` reads this file the same way. Two instances on Redis behind
# HAProxy: deploy/ (deploy/README.md).

ARG RUST_IMAGE=rust:1-slim-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- build: the release binary (templates, texts and static files are
# compiled in). openssl-sys (crates openssl and josekit) needs pkg-config and
# OpenSSL's headers, which the slim Rust image does not have.
FROM ${RUST_IMAGE} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends pkg-config libssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY templates templates
COPY static static
COPY locales locales
RUN cargo build --release --locked \
 && strip target/release/aiguillage \
 && install -D -m 0755 target/release/aiguillage /out/aiguillage

# --- runtime: Debian with the two libraries the binary needs (OpenSSL 3,
# the CA certificates for rediss://), a system user, and the data volume.
FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 aiguillage \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /var/lib/aiguillage --shell /usr/sbin/nologin aiguillage \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/aiguillage/data
WORKDIR /var/lib/aiguillage
# Listen on every interface of the container. Whatever the portal generates
# (keys a single instance was not given) goes to the data volume, the only
# place it writes: the root file system can be read-only (--read-only,
# compose's read_only: true). Several instances must be given their keys
# (deploy/make-secrets.sh): each generating its own would not share them.
ENV AIGUILLAGE__SERVER__HOST=0.0.0.0 \
    AIGUILLAGE__SERVER__PORT=3000 \
    AIGUILLAGE__PROVIDER__DATA_DIR=/var/lib/aiguillage/data
VOLUME ["/var/lib/aiguillage/data"]
EXPOSE 3000
USER 10001:10001
# The portal is process 1 (no shell in between): SIGTERM reaches it, it
# stops accepting connections and finishes the requests in flight (at most
# 30 s) before exiting with 0. Give the engine a longer grace period than
# its default 10 s (compose: stop_grace_period: 35s; docker stop -t 35).
STOPSIGNAL SIGTERM
# Liveness: GET /healthz; readiness: GET /readyz (the store answers).
ENTRYPOINT ["/usr/local/bin/aiguillage"]
CMD ["serve"]

# --- prebuilt: the runtime with a binary built outside the image
# (`cargo build --release --locked` on Debian 12, which needs pkg-config
# and libssl-dev there). `docker build --target prebuilt .`
FROM runtime AS prebuilt
COPY target/release/aiguillage /usr/local/bin/aiguillage

# --- release (the default target): the runtime with the binary built above.
FROM runtime AS release
COPY --from=build /out/aiguillage /usr/local/bin/aiguillage
