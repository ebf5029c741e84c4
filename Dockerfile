# The execassist image: built with the Go toolchain, run from Alpine as a non-root
# user (uid 65532) with nothing but the static binary and the sample settings. docker-compose.yml builds it; by hand:
#   docker build --build-arg VERSION=$(git describe --tags --always) \
#     --build-arg COMMIT=$(git rev-parse HEAD) --build-arg DATE=$(date -u +%FT%TZ) -t execassist .
# The settings (examples/execassist.yaml shows them all) are mounted at
# /etc/execassist/execassist.yaml; the store lives in the /var/lib/execassist volume.
# Pinned by exact tag; add @sha256:<digest> from your registry to pin by content.
ARG GO_IMAGE=golang:1.26.8-bookworm
ARG RUN_IMAGE=alpine:3.24

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
ARG DATE=unknown
# The same flags .ci/run builds with (it checks that binary's version line).
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -X github.com/execassist/execassist/internal/buildinfo.version=${VERSION} -X github.com/execassist/execassist/internal/buildinfo.commit=${COMMIT} -X github.com/execassist/execassist/internal/buildinfo.date=${DATE}" \
      -o /out/execassist ./cmd/execassist \
 && mkdir -p /out/data

FROM ${RUN_IMAGE}
RUN adduser -D -H -u 65532 -s /sbin/nologin execassist
COPY --from=build /out/execassist /usr/local/bin/execassist
COPY --from=build --chown=65532:65532 /out/data /var/lib/execassist
COPY examples/execassist.yaml /etc/execassist/execassist.yaml
USER 65532:65532
VOLUME ["/var/lib/execassist"]
ENV EXECASSIST_CONFIG=/etc/execassist/execassist.yaml
EXPOSE 9180
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["/usr/local/bin/execassist", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/execassist"]
CMD ["serve"]
