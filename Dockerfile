# auditbook in a small image: `docker run --rm -v "$PWD:/work" auditbook build`.
# The builder compiles a static (musl) binary; the final image holds only that binary and the
# CA certificates.

FROM rust:1-alpine AS builder
# Unpinned on purpose: Alpine keeps only the current version of a package in its index.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --locked --release \
    && cp target/release/auditbook /auditbook

FROM alpine:3 AS certs
# hadolint ignore=DL3018
RUN apk add --no-cache ca-certificates

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /auditbook /usr/local/bin/auditbook
ENV PATH=/usr/local/bin
WORKDIR /work
ENTRYPOINT ["auditbook"]
