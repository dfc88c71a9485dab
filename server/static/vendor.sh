#!/bin/sh
# Vendor the pages' third-party front-end code from the npm registry, so that no page loads
# anything from another host:
#   server/static/vendor/yasgui      @zazuko/yasgui (MIT), the query page's editor
#   server/static/vendor/swagger-ui  swagger-ui-dist (Apache-2.0, LICENSE and NOTICE kept), /docs
# Each directory records its VERSION. Run at build time, when upgrading.
set -eu
YASGUI="${YASGUI_VERSION:-4.6.2}"
SWAGGER_UI="${SWAGGER_UI_VERSION:-5.35.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

(cd "$WORK" && npm pack "@zazuko/yasgui@$YASGUI" >/dev/null && mkdir y && tar xzf zazuko-yasgui-*.tgz -C y)
mkdir -p "$HERE/vendor/yasgui"
cp "$WORK/y/package/build/yasgui.min.js" "$WORK/y/package/build/yasgui.min.css" "$HERE/vendor/yasgui/"
echo "$YASGUI" > "$HERE/vendor/yasgui/VERSION"

(cd "$WORK" && npm pack "swagger-ui-dist@$SWAGGER_UI" >/dev/null && mkdir s && tar xzf swagger-ui-dist-*.tgz -C s)
mkdir -p "$HERE/vendor/swagger-ui"
for f in swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
  cp "$WORK/s/package/$f" "$HERE/vendor/swagger-ui/"
done
echo "$SWAGGER_UI" > "$HERE/vendor/swagger-ui/VERSION"
