# Aiguillage: a small image that runs as a non-root user.
#   docker build -t aiguillage .
#   docker run -p 3000:3000 -e AIGUILLAGE__SERVER__PUBLIC_URL=http://localhost:3000/ aiguillage
# Two instances on Redis behind a load balancer: deploy/ (README "Exploitation").

# Build: the release binary (templates, texts and static files are compiled in).
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY templates templates
COPY static static
COPY locales locales
RUN cargo build --release --locked && strip target/release/aiguillage

# Run: Debian slim with only CA certificates (federations, rediss://) added.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 aiguillage \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/aiguillage --create-home aiguillage \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/aiguillage/data
COPY --from=build /src/target/release/aiguillage /usr/local/bin/aiguillage
USER 10001:10001
WORKDIR /var/lib/aiguillage
# Listen on every interface of the container; generated keys (single
# instance only: several instances must be given theirs) go to the volume.
ENV AIGUILLAGE__SERVER__HOST=0.0.0.0 \
    AIGUILLAGE__SERVER__PORT=3000 \
    AIGUILLAGE__OIDC__DATA_DIR=/var/lib/aiguillage/data
VOLUME ["/var/lib/aiguillage/data"]
EXPOSE 3000
# Liveness: GET /healthz; readiness: GET /readyz (the store answers).
ENTRYPOINT ["aiguillage"]
CMD ["serve"]
