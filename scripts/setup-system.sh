#!/usr/bin/env bash
# Installs the system packages LogWarden's demo and tests need that npm cannot provide, once per
# machine, and says which and why in one line. Run by `npm test` and `npm run demo` (pretest,
# predemo) and by .ci/run; a no-op when everything is present.
#   scripts/setup-system.sh demo   what `npm run demo` needs (a local Elasticsearch)
#   scripts/setup-system.sh test   that, plus what the test suite needs (default)
# As root on Debian/Ubuntu it runs apt-get; otherwise it prints the exact command to run and fails.
# LOGWARDEN_SKIP_SYSTEM_SETUP=1 skips it (a machine set up another way).
set -euo pipefail
purpose="${1:-test}"
[ -n "${LOGWARDEN_SKIP_SYSTEM_SETUP:-}" ] && exit 0

declare -a packages=() reasons=()
need() { # need <command> <package> <reason>
  command -v "$1" >/dev/null 2>&1 && return 0
  packages+=("$2"); reasons+=("$2 ($3)")
}

# A local Elasticsearch (when neither ES_URL nor Docker provides one) comes from Maven Central,
# is unpacked, runs on a JDK and, when we are root, as an unprivileged user through setpriv.
if [ -z "${ES_URL:-}" ]; then
  need mvn maven "downloads the Elasticsearch distribution from Maven Central"
  need unzip unzip "unpacks it"
  need java openjdk-17-jdk-headless "runs Elasticsearch 8"
  need setpriv util-linux "runs Elasticsearch as an unprivileged user and stops it with its parent"
fi
if [ "$purpose" = test ]; then
  need openssl openssl "makes the TLS certificates of the SMTP, HTTP and Elasticsearch client tests"
  # The status page is tested in a real headless browser (Debian's Chromium, driven by playwright-core).
  if [ -z "${LOGWARDEN_CHROMIUM:-}" ]; then need chromium chromium "the status page is tested in a real headless browser"; fi
fi
[ ${#packages[@]} -eq 0 ] && exit 0

IFS=', '; why="${reasons[*]}"; unset IFS
command=(apt-get install -y --no-install-recommends "${packages[@]}")
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${packages[*]} for \`npm ${purpose/demo/run demo}\`: $why." >&2
  echo "setup-system: install them as root, e.g.  sudo apt-get update && sudo ${command[*]}  (or set LOGWARDEN_SKIP_SYSTEM_SETUP=1)" >&2
  exit 1
fi
echo "setup-system: installing system packages with apt-get (once): $why" >&2
# Two runs at once on one machine (parallel CI jobs) take turns; apt itself also waits for its lock.
exec 9>/var/lock/logwarden-setup-system.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
apt-get -o DPkg::Lock::Timeout=600 -qq "${command[@]:1}" >&2
