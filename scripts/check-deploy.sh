#!/usr/bin/env bash
# CI step for the deployment files (called from .ci/run; runnable alone):
#  1. the Helm chart: `helm lint --strict` and `helm template` with real Helm 4, with the default
#     values and with each values file in deploy/helm/logwarden/ci/, every rendered manifest
#     decoded strictly into the Kubernetes API types (scripts/validate-manifests), and the
#     chart's refusals (no Elasticsearch URL; actions without a token) checked to refuse;
#  2. the Dockerfile: built when a container engine answers; otherwise say so (its static checks
#     are in test/unit/deploy/dockerfile.test.ts, which `npm test` runs).
# Helm and the validator are built from the Go module proxy once and cached outside the repository
# ($LOGWARDEN_CACHE_DIR, default ~/.cache/logwarden); two runs at once each build into a staging
# folder and rename it into place.
set -euo pipefail
cd "$(dirname "$0")/.."
HELM_VERSION="${LOGWARDEN_HELM_VERSION:-v4.3.2}"
cache="${LOGWARDEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logwarden}"
chart=deploy/helm/logwarden
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

command -v go >/dev/null || { echo "check-deploy: Go is needed to build Helm $HELM_VERSION and the manifest validator (https://go.dev/dl/)" >&2; exit 1; }
mkdir -p "$cache"

# build <final binary> <command that writes the binary into the folder given as $1>
build_once() {
  local final="$1"; shift
  [ -x "$final" ] && return 0
  local staging; staging="$(mktemp -d "$cache/.build-XXXXXX")"
  "$@" "$staging" || { rm -rf "$staging"; return 1; }
  mkdir -p "$(dirname "$final")"
  mv -f "$staging/$(basename "$final")" "$final"   # rename(2): atomic, a concurrent winner is as good
  rm -rf "$staging"
}
install_helm() { echo "check-deploy: building Helm $HELM_VERSION from the Go module proxy (once, a few minutes)" >&2; GOBIN="$1" go install "helm.sh/helm/v4/cmd/helm@$HELM_VERSION"; }
build_validator() { go build -C scripts/validate-manifests -o "$1/validate-manifests" .; }

helm="$cache/helm-$HELM_VERSION/helm"
build_once "$helm" install_helm
validator_key="$(cat scripts/validate-manifests/go.mod scripts/validate-manifests/go.sum scripts/validate-manifests/*.go | sha256sum | cut -c1-16)"
validator="$cache/validate-manifests-$validator_key/validate-manifests"
build_once "$validator" build_validator

echo "check-deploy: $("$helm" version --short 2>/dev/null || echo "helm $HELM_VERSION")"
# The chart refuses to render without an Elasticsearch URL; "default values" means that one alone.
defaults=(--set elasticsearch.url=https://elasticsearch.example:9200)
check() { # check <name> <helm value arguments...>
  local name="$1"; shift
  "$helm" lint --strict "$chart" "$@" >/dev/null || { "$helm" lint --strict "$chart" "$@"; echo "FAIL: helm lint ($name)" >&2; return 1; }
  "$helm" template logwarden "$chart" --namespace security "$@" | "$validator" -name "$name"
}
check "default values" "${defaults[@]}"
for values in "$chart"/ci/*-values.yaml; do
  check "$(basename "$values")" -f "$values"
done

refuses() { # refuses <expected message> <helm value arguments...>
  local expected="$1"; shift
  local out
  if out="$("$helm" template logwarden "$chart" "$@" 2>&1)"; then echo "FAIL: the chart rendered although it should refuse: $expected" >&2; return 1; fi
  grep -qF "$expected" <<<"$out" || { echo "FAIL: expected \"$expected\", got: $out" >&2; return 1; }
  echo "refused as expected: $expected"
}
refuses "elasticsearch.url is required"
refuses "ops.actions needs ops.tokenSecret.name" "${defaults[@]}" --set ops.actions=true

if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker build --quiet -t logwarden:ci . >/dev/null
  echo "check-deploy: Dockerfile built (logwarden:ci)"
else
  echo "check-deploy: Dockerfile not built: no container engine answers here (docker info failed); its static checks run in npm test (test/unit/deploy/dockerfile.test.ts)"
fi
