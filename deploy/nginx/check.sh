#!/usr/bin/env bash
# Check deploy/nginx/littlegiant.conf against a real server: nginx (Debian's package) in front of
# `littlegiant serve` over the default dataset, both on loopback ports, in a temporary directory.
#
#   deploy/nginx/check.sh
#
# Passes when: a page is a MISS then a HIT; a SPARQL GET is a MISS then a HIT; once the cache
# entry is older than proxy_cache_valid it is REVALIDATED with the service's ETag (a 304
# upstream); after a new generation is published the next revalidation brings the new answer;
# /metrics is refused to other addresses than loopback only by configuration (checked by reading).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v nginx >/dev/null || { echo "nginx is not installed: apt-get install nginx-light" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
proxy_port=$(free_port)
cp -r data/registry "$work/registry"
export LG_STORE="$work/store" LG_REGISTRY="$work/registry" LG_TRUSTED_PROXIES='["127.0.0.1"]'
.venv/bin/littlegiant build >/dev/null 2>&1
.venv/bin/littlegiant serve --port "$app_port" --workers 2 >"$work/access.log" 2>"$work/server.log" &
pids+=($!)
mkdir -p "$work/nginx/logs" "$work/cache"
sed -e "s#/var/cache/littlegiant#$work/cache#" -e "s#127.0.0.1:8000#127.0.0.1:$app_port#" \
    -e "s#listen 8080#listen 127.0.0.1:$proxy_port#" deploy/nginx/littlegiant.conf >"$work/nginx/site.conf"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 256; }
http {
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    include $work/nginx/site.conf;
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g "daemon off;" &
pids+=($!)
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$app_port/ready" >/dev/null 2>&1 && break; sleep 0.5; done
for _ in $(seq 1 20); do curl -fs "http://127.0.0.1:$proxy_port/health" >/dev/null 2>&1 && break; sleep 0.5; done
status() { curl -s -o /dev/null -D - "$@" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status"{print $2}'; }
expect() { [[ $1 == "$2" ]] || { echo "FAIL: $3: expected $2, got ${1:-none}" >&2; exit 1; }; echo "ok: $3 ($1)"; }
page="http://127.0.0.1:$proxy_port/dataset.ttl"
query="http://127.0.0.1:$proxy_port/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"
expect "$(status "$page")" MISS "first page request goes upstream"
expect "$(status "$page")" HIT "second page request comes from the cache"
expect "$(status -H 'Accept: application/sparql-results+json' "$query")" MISS "first query goes upstream"
expect "$(status -H 'Accept: application/sparql-results+json' "$query")" HIT "the same query comes from the cache"
sleep 11
expect "$(status "$page")" REVALIDATED "an expired entry is revalidated with its ETag"
grep -q '"route": "/dataset.{ext}", "method": "GET", "status": 304' "$work/access.log" \
  || { echo "FAIL: the service did not answer the revalidation with 304" >&2; exit 1; }
echo "ok: the service answered the revalidation 304"
expect "$(status -H 'Accept: application/sparql-results+json' "$query")" REVALIDATED \
  "an expired answer is revalidated with its ETag"
grep -q '"route": "/sparql", "method": "GET", "status": 304' "$work/access.log" \
  || { echo "FAIL: the service did not answer the query's revalidation with 304" >&2; exit 1; }
echo "ok: the service answered the query's revalidation 304 (the query was not run)"
before=$(curl -s -H 'Accept: application/sparql-results+json' "$query")
printf 'No.,Province,Enterprise,USCC\n1,Beijing,测试缓存科技有限公司（合成）,%s\n' \
  "$(.venv/bin/python -c "from stdnum.cn import uscc; b='91110108MA01CA01C'; print(b+uscc.calc_check_digit(b))")" \
  >"$work/SYNTHETIC-cache.csv"
.venv/bin/littlegiant ingest "$work/SYNTHETIC-cache.csv" --kind batch --batch 7 --date 2025-12-01 >/dev/null 2>&1
sleep 11
curl -s -o /dev/null -H 'Accept: application/sparql-results+json' "$query"  # refreshes in the background
sleep 1
after=$(curl -s -H 'Accept: application/sparql-results+json' "$query")
[[ $before != "$after" ]] || { echo "FAIL: the cache kept the old generation's answer" >&2; exit 1; }
echo "ok: after a new generation the cached answer changed"
echo "nginx check passed"
