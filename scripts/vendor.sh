#!/usr/bin/env bash
# Refresh the vendored browser bundle of socket.io-client (MIT) from the npm registry.
# The page talks to Rasa's socket.io channel with it; nothing is fetched from a CDN.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-4.8.4}
tmp=$(mktemp -d)
(cd "$tmp" && npm pack --silent "socket.io-client@$version" >/dev/null && tar xzf socket.io-client-*.tgz)
cp "$tmp/package/dist/socket.io.min.js" bot/web/static/vendor/socket.io.min.js
cp "$tmp/package/LICENSE" bot/web/static/vendor/socket.io-client.LICENSE
rm -rf "$tmp"
echo "vendored socket.io-client $version"
