#!/usr/bin/env bash
# `npm test`: installs what the tests need when it is missing, builds, and runs every suite.
#   unit       mocha in Node: core, render, capture, command line (no editor)
#   browser    mocha in Node driving Debian's Chromium: the preview page and Mermaid
#   grammar    vscode-tmgrammar-test on the TextMate grammar fixtures
#   extension  mocha inside a real VS Code (code-server), then Playwright UI tests of its workbench
set -euo pipefail
cd "$(dirname "$0")/../.."
# Every runner's output also goes to a log, summed up in one line at the end.
log="$(mktemp)"
extlog="$(mktemp)"
trap 'rm -f "$log" "$extlog"' EXIT

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund
fi
bash src/tools/setup.sh

echo "== build"
node src/tools/build.mjs
npx tsc -p . 
npx tsc -p src/core
for cfg in webview/tsconfig.json src/markdown/preview/tsconfig.json; do
  [ -f "$cfg" ] && npx tsc -p "$cfg"
done

echo "== unit tests"
npx mocha --reporter dot --timeout 30000 'out/test/unit/**/*.test.js' | tee -a "$log"

if compgen -G 'test/grammar/*' >/dev/null; then
  echo "== grammar tests"
  npx vscode-tmgrammar-test -g syntaxes/tcpseq.tmLanguage.json 'test/grammar/*.tcpseq'
  # The Markdown injection is tested against VS Code's own Markdown grammar (from code-server);
  # the languages Markdown embeds are not loaded, so their "grammar not found" lines are dropped.
  md_grammar=.vscode-test/code-server/node_modules/code-server/lib/vscode/extensions/markdown-basics/syntaxes/markdown.tmLanguage.json
  npx vscode-tmgrammar-test -g "$md_grammar" 'test/grammar/*.md' 2> >(grep -v '^grammar not found for' >&2)
fi

if compgen -G 'out/test/browser/*.test.js' >/dev/null; then
  echo "== browser tests (Chromium)"
  npx mocha --no-package --reporter dot --timeout 60000 'out/test/browser/*.test.js' | tee -a "$log"
fi

if [ -f out/test/vscode/run.js ]; then
  echo "== extension tests (real VS Code via code-server)"
  node out/test/vscode/run.js | tee -a "$extlog"
fi

# Reached only when every suite passed (set -e): mocha's "N passing" lines and the extension
# runner's "extension tests: N passed, N failed" line, added up.
passed=$(grep -oE '^ *[0-9]+ passing' "$log" | awk '{s += $1} END {print s + 0}')
ext=$(grep -oE 'extension tests: [0-9]+ passed' "$extlog" | awk '{s += $3} END {print s + 0}')
echo "tests: $((passed + ext)) passed, 0 failed"
