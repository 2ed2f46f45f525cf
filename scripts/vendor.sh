#!/usr/bin/env bash
# Refresh the vendored browser bundles from the npm registry, each with its licence; nothing is fetched from a CDN.
#   socket.io-client (MIT): the practice page talks to Rasa's socket.io channel with it.
#   chart.js (MIT): the scorecard, review and progress charts (drawn by bot/web/static/charts.js).
# Usage: scripts/vendor.sh [socket.io-client-version] [chart.js-version]
set -euo pipefail
cd "$(dirname "$0")/.."
socket_io=${1:-4.8.4}
chart_js=${2:-4.6.1}
vendor=bot/web/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME VERSION: unpack the package into $tmp/NAME
  mkdir -p "$tmp/$1"
  (cd "$tmp/$1" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}

fetch socket.io-client "$socket_io"
cp "$tmp/socket.io-client/package/dist/socket.io.min.js" "$vendor/socket.io.min.js"
cp "$tmp/socket.io-client/package/LICENSE" "$vendor/socket.io-client.LICENSE"
echo "vendored socket.io-client $socket_io"

fetch chart.js "$chart_js"
cp "$tmp/chart.js/package/dist/chart.umd.min.js" "$vendor/chart.umd.min.js"
cp "$tmp/chart.js/package/LICENSE.md" "$vendor/chart.js.LICENSE"
echo "vendored chart.js $chart_js"
