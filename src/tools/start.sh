#!/usr/bin/env bash
# `npm start`: builds the extension and opens it in a real VS Code in the browser (code-server), with
# the example documents open. Prints the address to open; Ctrl+C stops it.
#
#   PORT=9000 npm start      listen on 9000 (default 8080, or a free port when 8080 is taken)
#   TCPSEQ_START_DIR=DIR     keep code-server's settings and extensions there (default .vscode-test/start)
#
# code-server does not take --extensionDevelopmentPath on its command line, so the repository is
# linked into its extensions folder as the installed extension tcpseq.tcpseq-VERSION: the plain
# address then simply works, and a rebuild plus "Developer: Reload Window" picks up changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
fi
echo "== build"
node src/tools/build.mjs

if ! bash src/tools/code-server.sh path >/dev/null 2>&1; then
  bash src/tools/setup.sh
fi
entry="$(dirname "$(readlink -f "$(bash src/tools/code-server.sh path)")")/entry.js"

state="${TCPSEQ_START_DIR:-$root/.vscode-test/start}"
mkdir -p "$state/user-data" "$state/extensions"
name="$(node -p "const p = require('./package.json'); p.publisher + '.' + p.name + '-' + p.version")"
# Only this extension's link is ours to replace; anything else in the folder stays.
find "$state/extensions" -maxdepth 1 -type l -name 'tcpseq.tcpseq-*' ! -name "$name" -delete
ln -sfn "$root" "$state/extensions/$name"
# code-server otherwise writes its own config (with a password) to ~/.config/code-server.
printf 'auth: none\ncert: false\n' >"$state/config.yaml"

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port="${PORT:-8080}"
if ! port_free "$port"; then
  if [ -n "${PORT:-}" ]; then
    echo "port $port is already in use: choose another with PORT=..." >&2
    exit 1
  fi
  port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
fi

folder="$(cd "$root/../shared/examples" 2>/dev/null && pwd || echo "$root")"
url="http://127.0.0.1:$port/?folder=$(node -p "encodeURIComponent(process.argv[1])" "$folder")"
echo "== tcpseq in VS Code (code-server), $folder open"
echo "   open $url"
echo "   (Ctrl+C stops it)"
exec node "$entry" --config "$state/config.yaml" --auth none --bind-addr "127.0.0.1:$port" \
  --user-data-dir "$state/user-data" --extensions-dir "$state/extensions" \
  --disable-telemetry --disable-update-check --disable-workspace-trust "$folder"
