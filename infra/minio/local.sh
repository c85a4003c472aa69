#!/usr/bin/env bash
# A real MinIO server binary for the evidence store's S3 tests, without Docker: built from its Go
# module with the machine's Go toolchain (the Go module proxy serves it; the build cache makes a
# second install quick). The tests start and stop their own server with it (test/support/minio.ts).
#
#   infra/minio/local.sh install   build it once into .minio-local/bin/minio (CI does this)
#   infra/minio/local.sh path      print where the binary is (after install)
#
# Environment: MINIO_LOCAL_DIR (default <repo>/.minio-local). Tests use MINIO_BIN when it is set
# (a MinIO server binary from anywhere, e.g. a release download), else this one.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
state="${MINIO_LOCAL_DIR:-$repo/.minio-local}"
# Pinned: the module's newest version when this was written (MinIO publishes pseudo-versions).
version="v0.0.0-20260212201848-7aac2a2c5b7c"
bin="$state/bin/minio"

fail() { echo "local minio: $*" >&2; exit 1; }

install() {
  if [[ -x "$bin" && -f "$state/bin/.version" && "$(cat "$state/bin/.version")" == "$version" ]]; then return; fi
  command -v go >/dev/null 2>&1 ||
    fail "go is not installed; MinIO is built from source with Go 1.24 or later (or set MINIO_BIN to a MinIO server binary)"
  echo "local minio: building github.com/minio/minio@$version into $state/bin (a few minutes the first time)"
  mkdir -p "$state/bin"
  GOBIN="$state/bin" GOFLAGS=-mod=mod go install "github.com/minio/minio@$version"
  echo "$version" >"$state/bin/.version"
}

case "${1:-}" in
  install) install ;;
  path) echo "$bin" ;;
  *) fail "usage: $0 install|path" ;;
esac
