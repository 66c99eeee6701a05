#!/usr/bin/env bash
# code-server is a real VS Code (1.100.3) whose workbench runs in a browser: the extension tests and
# `npm start` use it, because no desktop VS Code can be downloaded here.
#
#   code-server.sh install   install code-server 4.100.3 into .vscode-test/code-server/ (once)
#   code-server.sh path      print the path of its launcher (fails when it is not installed)
#
# 4.100.3 is the newest release whose engines.node accepts Node 20. Needs Debian's ripgrep and
# libkrb5-dev (src/tools/setup.sh installs them first).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=4.100.3
DIR="$PWD/.vscode-test/code-server"
BIN="$DIR/node_modules/code-server/out/node/entry.js"
LAUNCHER="$DIR/node_modules/.bin/code-server"

installed() {
  [ -f "$BIN" ] && [ -x "$LAUNCHER" ] &&
    [ "$(node -p "require('$DIR/node_modules/code-server/package.json').version" 2>/dev/null)" = "$VERSION" ]
}

case "${1:-}" in
  path)
    if ! installed; then
      echo "code-server is not installed: run bash src/tools/code-server.sh install" >&2
      exit 1
    fi
    echo "$LAUNCHER"
    ;;
  install)
    if installed; then exit 0; fi
    mkdir -p "$DIR"
    # Several test runs may start at once: one installs, the others wait and then find it done.
    exec 9>"$DIR.lock"
    flock 9
    if installed; then exit 0; fi
    echo "== installing code-server $VERSION into .vscode-test/code-server (about a minute)"

    # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
    # release asset: put Debian's rg there under the asset's name.
    rg_bin="$(command -v rg || true)"
    if [ -z "$rg_bin" ]; then
      echo "ripgrep is missing: install the Debian package ripgrep (src/tools/setup.sh does)" >&2
      exit 1
    fi
    cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
    asset="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
    if [ ! -f "$asset" ]; then
      echo "   ripgrep: caching Debian's $rg_bin"
      mkdir -p "$cache"
      staging="$(mktemp -d)"
      cp "$rg_bin" "$staging/rg"
      tar -czf "$asset" -C "$staging" rg
      rm -rf "$staging"
    fi

    # Its own package.json, so npm never touches the extension's manifest or node_modules.
    [ -f "$DIR/package.json" ] || echo '{ "name": "tcpseq-code-server", "private": true }' >"$DIR/package.json"
    echo "   npm install code-server@$VERSION (argon2 and kerberos compile from source)"
    log="$DIR/install.log"
    # unsafe_perm: its postinstall refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
    if ! (cd "$DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
          npm install --no-audit --no-fund --save-exact "code-server@$VERSION" >"$log" 2>&1); then
      tail -n 40 "$log" >&2
      echo "code-server install failed (full log: $log)" >&2
      exit 1
    fi
    if ! installed; then
      echo "code-server install finished but $BIN is missing (log: $log)" >&2
      exit 1
    fi
    echo "   code-server $VERSION installed"
    ;;
  *)
    echo "usage: $0 install|path" >&2
    exit 2
    ;;
esac
