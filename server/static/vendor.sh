#!/bin/sh
# Vendor the query-page editor (@zazuko/yasgui, MIT licence) into server/static/vendor/yasgui.
# Run at build time; the page never loads anything from a CDN.
set -eu
VERSION="${YASGUI_VERSION:-4.6.2}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack "@zazuko/yasgui@$VERSION" >/dev/null && tar xzf zazuko-yasgui-*.tgz)
mkdir -p "$HERE/vendor/yasgui"
cp "$WORK/package/build/yasgui.min.js" "$WORK/package/build/yasgui.min.css" "$HERE/vendor/yasgui/"
echo "$VERSION" > "$HERE/vendor/yasgui/VERSION"
