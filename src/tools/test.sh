#!/usr/bin/env bash
# `npm test`: installs what the tests need when it is missing, builds, and runs every suite.
#   unit       mocha in Node: core, render, capture, command line (no editor)
#   browser    mocha in Node driving Debian's Chromium: the preview page and Mermaid
#   grammar    vscode-tmgrammar-test on the TextMate grammar fixtures
#   extension  mocha inside a real VS Code (code-server), then Playwright UI tests of its workbench
set -euo pipefail
cd "$(dirname "$0")/../.."

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
npx mocha --reporter dot 'out/test/unit/**/*.test.js'

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
  npx mocha --reporter dot --timeout 60000 'out/test/browser/*.test.js'
fi

if [ -f out/test/vscode/run.js ]; then
  echo "== extension tests (real VS Code via code-server)"
  node out/test/vscode/run.js
fi
