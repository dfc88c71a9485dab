#!/bin/sh
# Serve littlegiant/.htaccess with a local Apache 2.4 (mod_rewrite) the way w3id.org does, and
# check every redirect it gives: status and Location, for each kind of path and Accept header.
#   sh docs/w3id/check-with-apache.sh            (needs apache2 and curl; Debian: apt-get install apache2)
# Exit status 0 when every answer is the expected one.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PORT=${PORT:-8089}
TARGET=http://deployment.local:8000
WORK=$(mktemp -d)
trap 'apache2 -f "$WORK/httpd.conf" -k stop >/dev/null 2>&1 || true; sleep 1; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/root/littlegiant" "$WORK/logs"
sed "s#https://DEPLOYMENT-HOST#$TARGET#" "$HERE/littlegiant/.htaccess" > "$WORK/root/littlegiant/.htaccess"
MODULES=/usr/lib/apache2/modules
cat > "$WORK/httpd.conf" <<EOF
ServerRoot "/etc/apache2"
ServerName localhost
Listen 127.0.0.1:$PORT
PidFile $WORK/httpd.pid
LoadModule mpm_event_module $MODULES/mod_mpm_event.so
LoadModule authz_core_module $MODULES/mod_authz_core.so
LoadModule rewrite_module $MODULES/mod_rewrite.so
ErrorLog $WORK/logs/error.log
DocumentRoot $WORK/root
<Directory $WORK/root>
  AllowOverride All
  Require all granted
</Directory>
EOF
if [ "$(id -u)" = 0 ]; then
  printf 'User www-data\nGroup www-data\n' >> "$WORK/httpd.conf"
  chmod -R a+rX "$WORK"
  chown -R www-data "$WORK/logs"
fi
apache2 -f "$WORK/httpd.conf" -k start
sleep 1
failed=0
check() {  # path, Accept, expected status, expected Location
  got=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -H "Accept: $2" \
    "http://127.0.0.1:$PORT/littlegiant/$1")
  if [ "$got" = "$3 $4" ]; then
    echo "ok    $1 [$2] -> $got"
  else
    echo "FAIL  $1 [$2] -> $got (expected $3 $4)"
    failed=1
  fi
}
BROWSER='text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
E=id/enterprise/E000001
check "$E" "$BROWSER" 303 "$TARGET/$E.html"
check "$E" text/turtle 303 "$TARGET/$E.ttl"
check "$E" application/ld+json 303 "$TARGET/$E.jsonld"
check "$E" application/json 303 "$TARGET/$E.jsonld"
check "$E" application/n-triples 303 "$TARGET/$E.nt"
check "$E" application/rdf+xml 303 "$TARGET/$E.rdf"
check "$E" '*/*' 302 "$TARGET/$E"
check "$E" '' 302 "$TARGET/$E"
check "$E.ttl" '*/*' 302 "$TARGET/$E.ttl"
check ontology text/turtle 303 "$TARGET/ontology.ttl"
check ontology "$BROWSER" 303 "$TARGET/ontology.html"
check shapes application/rdf+xml 303 "$TARGET/shapes.rdf"
check graph/enterprises application/n-triples 303 "$TARGET/graph/enterprises.nt"
check id/event/award/E000001-little-giant-1/2019-06-05 text/turtle 303 \
  "$TARGET/id/event/award/E000001-little-giant-1/2019-06-05.ttl"
check id/uscc/91330200MA2AB1234X text/turtle 302 "$TARGET/id/uscc/91330200MA2AB1234X"
check id/name/abc text/turtle 302 "$TARGET/id/name/abc"
check sparql application/sparql-results+json 302 "$TARGET/sparql"
check 'sparql?query=ASK%7B%7D' '*/*' 302 "$TARGET/sparql?query=ASK%7B%7D"
check '' '*/*' 302 "$TARGET/"
exit $failed
