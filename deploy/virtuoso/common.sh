# Shared by setup.sh, stop.sh and load.sh (sourced, not run).
#
# One instance lives in one working directory: its virtuoso.ini, database files, log, the
# ports it was set up with (instance.env) and the passwords it was given (credentials.env,
# readable by its owner only). Every script takes the directory as its first argument
# (default var/virtuoso, relative to the current directory).

VIRTUOSO_BIN=${VIRTUOSO_BIN:-/usr/bin/virtuoso-t}
ISQL_BIN=${ISQL_BIN:-/usr/bin/isql-vt}

die() {
	echo "virtuoso: $*" >&2
	exit 1
}

# The working directory as an absolute path (created if missing).
instance_dir() {
	local dir=${1:-var/virtuoso}
	mkdir -p "$dir"
	(cd "$dir" && pwd -P)
}

# Read what setup.sh recorded: HTTP_PORT, ISQL_PORT, HOST, and the passwords.
load_instance() {
	local dir=$1
	[[ -f $dir/instance.env ]] || die "$dir has no instance.env: run setup.sh $dir first"
	# shellcheck source=/dev/null
	. "$dir/instance.env"
	# shellcheck source=/dev/null
	[[ -f $dir/credentials.env ]] && . "$dir/credentials.env"
	return 0
}

# The pid of the server running from $dir, or nothing. The lock file holds VIRT_PID=<pid>
# while the server runs; the pid must still be a virtuoso-t process using this directory's ini.
server_pid() {
	local dir=$1 pid
	[[ -f $dir/db/virtuoso.lck ]] || return 0
	pid=$(sed -n 's/^VIRT_PID=\([0-9]*\).*/\1/p' "$dir/db/virtuoso.lck")
	[[ -n $pid && -r /proc/$pid/cmdline ]] || return 0
	if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$dir/virtuoso.ini"; then
		echo "$pid"
	fi
}

# isql as dba: isql_dba "SQL statement;" ...  Prints what the statements print; fails (after
# printing it) on the first SQL error, which isql itself reports with exit status 0.
isql_dba() {
	local sql out
	sql=$(printf '%s\n' "$@")
	out=$("$ISQL_BIN" "$HOST:$ISQL_PORT" dba "$VIRTUOSO_DBA_PASSWORD" \
		VERBOSE=OFF BANNER=OFF PROMPT=OFF ECHO=OFF ERRORS=STDOUT "EXEC=$sql" </dev/null 2>&1) || {
		echo "$out" >&2
		return 1
	}
	if grep -q '^\*\*\* Error' <<<"$out"; then
		echo "$out" >&2
		return 1
	fi
	[[ -z $out ]] || echo "$out"
}

# Succeeds when the ISQL port accepts dba with the given password.
dba_password_works() {
	"$ISQL_BIN" "$HOST:$ISQL_PORT" dba "$1" "EXEC=select 1;" </dev/null >/dev/null 2>&1
}

# Succeeds when /sparql answers a trivial query.
sparql_answers() {
	curl -fsS -o /dev/null --max-time 5 \
		--data-urlencode 'query=ASK {}' -H 'Accept: application/sparql-results+json' \
		"http://$HOST:$HTTP_PORT/sparql"
}
