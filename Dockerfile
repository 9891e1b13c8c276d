# The manager image for those with a container engine: the same image as `make image`
# (hack/image/build.go), which builds it without one. Keep the two in step: the ldflags,
# the one file /manager, the user, the entrypoint and the labels.
#
# make docker-build passes VERSION, REVISION and CREATED; a bare `docker build .` gives a
# binary that reports version 0.0.0-dev. COPY --chmod needs BuildKit (Docker's builder
# since 23.0) or Buildah/Podman.

# Override BASE_IMAGE to build from another registry, e.g. docker.io/library/golang:1.26
ARG BASE_IMAGE=golang:1.26
FROM ${BASE_IMAGE} AS builder
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=0.0.0-dev
ARG REVISION=unknown

WORKDIR /workspace
# The module files first, so that the downloaded modules stay cached while the source changes.
COPY go.mod go.mod
COPY go.sum go.sum
RUN go mod download

# The Go source (.dockerignore lets through only go.mod, go.sum and the non-test .go files).
COPY . .

# A static binary (CGO_ENABLED=0), with no local paths (-trimpath) or debug symbols (-s -w),
# stamped like the Makefile's LDFLAGS. GOARCH has no default, so that the binary is built for
# the platform docker build targets (TARGETARCH) and matches the image it ships in.
RUN CGO_ENABLED=0 GOOS=${TARGETOS:-linux} GOARCH=${TARGETARCH} go build -trimpath \
	-ldflags="-s -w -X github.com/wassist-operator/wassist-operator/internal/version.Version=${VERSION} -X github.com/wassist-operator/wassist-operator/internal/version.Revision=${REVISION}" \
	-o manager ./cmd

# Nothing but the binary: no shell, no libc, no CA bundle. The binary needs no CA bundle
# because it carries root CAs itself (golang.org/x/crypto/x509roots/fallback, imported in
# cmd/main.go), used only when the system has none, so a bundle mounted at /etc/ssl/certs
# (or named by SSL_CERT_FILE) replaces them (docs/operations.md, The image).
FROM scratch
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
# The commit's time (RFC 3339), so that a rebuild of one commit gets the same label.
ARG CREATED=1970-01-01T00:00:00Z
LABEL org.opencontainers.image.title="wassist-operator" \
	org.opencontainers.image.description="Kubernetes operator for Wassist WhatsApp AI agents" \
	org.opencontainers.image.source="https://github.com/wassist-operator/wassist-operator" \
	org.opencontainers.image.url="https://github.com/wassist-operator/wassist-operator" \
	org.opencontainers.image.version="${VERSION}" \
	org.opencontainers.image.revision="${REVISION}" \
	org.opencontainers.image.licenses="Apache-2.0" \
	org.opencontainers.image.created="${CREATED}"
WORKDIR /
# Owned by root and not writable by the user the manager runs as.
COPY --from=builder --chmod=755 /workspace/manager /manager
# 65532:65532 is distroless's "nonroot"; the Deployment's runAsNonRoot needs a numeric user.
USER 65532:65532

ENTRYPOINT ["/manager"]
