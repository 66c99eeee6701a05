#!/usr/bin/env bash
# Installs the machine-level tools the tests and `npm start` need, only when they are missing:
# Debian's Chromium (browser and UI tests), rsvg-convert (checks exported SVGs outside a browser),
# tcpdump/tshark (captures), a Chinese font, and code-server (a real VS Code, see src/tools/code-server.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
command -v rg >/dev/null || need+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || [ -f /usr/include/krb5.h ] || need+=(libkrb5-dev)
command -v tcpdump >/dev/null || need+=(tcpdump)
command -v editcap >/dev/null || need+=(tshark)
command -v ip >/dev/null || need+=(iproute2)
# Chinese text in diagrams and the zh-cn workbench: without a CJK font Chromium draws empty boxes.
[ -n "$(fc-list :lang=zh 2>/dev/null)" ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -f src/tools/code-server.sh ]; then
  bash src/tools/code-server.sh install
fi
