#!/bin/sh
# Vendor the pages' browser libraries from the npm registry into server/static/vendor/, so that
# no page ever loads anything from another host:
#   @zazuko/yasgui  (MIT licence)        the query page's editor and result table
#   echarts         (Apache-2.0 licence)  the charts, the tile-grid map and the timelines
#   swagger-ui-dist (Apache-2.0 licence)  /docs, the API's documentation (LICENSE, NOTICE kept)
# Each folder keeps the package's VERSION (and LICENSE/NOTICE where the package ships them).
set -eu
YASGUI="${YASGUI_VERSION:-4.6.2}"
ECHARTS="${ECHARTS_VERSION:-6.1.0}"
SWAGGER_UI="${SWAGGER_UI_VERSION:-5.35.0}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

mkdir -p "$WORK/yasgui" "$WORK/echarts"
(cd "$WORK/yasgui" && npm pack --silent "@zazuko/yasgui@$YASGUI" >/dev/null && tar xzf zazuko-yasgui-*.tgz)
mkdir -p "$HERE/vendor/yasgui"
cp "$WORK/yasgui/package/build/yasgui.min.js" "$WORK/yasgui/package/build/yasgui.min.css" "$HERE/vendor/yasgui/"
echo "$YASGUI" > "$HERE/vendor/yasgui/VERSION"

(cd "$WORK/echarts" && npm pack --silent "echarts@$ECHARTS" >/dev/null && tar xzf echarts-*.tgz)
mkdir -p "$HERE/vendor/echarts"
cp "$WORK/echarts/package/dist/echarts.min.js" "$WORK/echarts/package/LICENSE" \
   "$WORK/echarts/package/NOTICE" "$HERE/vendor/echarts/"
echo "$ECHARTS" > "$HERE/vendor/echarts/VERSION"

mkdir -p "$WORK/swagger-ui"
(cd "$WORK/swagger-ui" && npm pack --silent "swagger-ui-dist@$SWAGGER_UI" >/dev/null && tar xzf swagger-ui-dist-*.tgz)
mkdir -p "$HERE/vendor/swagger-ui"
for f in swagger-ui-bundle.js swagger-ui.css favicon-32x32.png LICENSE NOTICE; do
  cp "$WORK/swagger-ui/package/$f" "$HERE/vendor/swagger-ui/"
done
echo "$SWAGGER_UI" > "$HERE/vendor/swagger-ui/VERSION"
