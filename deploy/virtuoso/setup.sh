#!/usr/bin/env bash
# Set up and start a private Virtuoso instance for Little Giant KG; safe to run again.
#
#   deploy/virtuoso/setup.sh [DIR] [--http-port 8890] [--isql-port 1111] [--host 127.0.0.1]
#                            [--timeout 30] [--max-rows 1000000] [--buffers 85000]
#                            [--user lg_writer]
#
# DIR (default var/virtuoso) holds everything: virtuoso.ini, db/, load/, instance.env and
# credentials.env (mode 600). Steps, each skipped when already done:
#   1. install Debian's virtuoso-opensource (debconf DBA password preseeded; the package's own
#      system instance is not used and is left as the package leaves it);
#   2. write DIR/virtuoso.ini (own database path, ports bound to --host, query limits);
#   3. start virtuoso-t in the background and wait until /sparql answers;
#   4. give dba a generated password, disable the WebDAV account dav, create the writer user
#      with SPARQL_UPDATE, and define /sparql-auth-basic and /sparql-graph-crud-auth-basic:
#      the stock authenticated endpoints, but taking HTTP Basic as well as Digest (the
#      anonymous /sparql stays read-only);
#   5. print the settings for the service (LG_SPARQL_*), also kept in DIR/credentials.env.
# Ports and limits given once are remembered in DIR/instance.env; give them again to change.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

dir_arg=var/virtuoso
if [[ $# -gt 0 && $1 != --* ]]; then
	dir_arg=$1
	shift
fi
DIR=$(instance_dir "$dir_arg")
if [[ -f $DIR/instance.env ]]; then
	# shellcheck source=/dev/null
	. "$DIR/instance.env"
fi
HTTP_PORT=${HTTP_PORT:-8890}
ISQL_PORT=${ISQL_PORT:-1111}
HOST=${HOST:-127.0.0.1}
# the engine-wide limit bounds the service's own whole-store reads (the dumps written at start
# and at each commit: 300k quads take ~30 s here); the public endpoint's limit (LG_QUERY_TIMEOUT_S)
# is sent with each query as Virtuoso's `timeout` parameter and enforced by the client as well
QUERY_TIMEOUT_S=${QUERY_TIMEOUT_S:-600}
MAX_ROWS=${MAX_ROWS:-1000000}
BUFFERS=${BUFFERS:-85000}
WRITER_USER=${WRITER_USER:-lg_writer}
while [[ $# -gt 0 ]]; do
	case $1 in
	--http-port) HTTP_PORT=$2 ;;
	--isql-port) ISQL_PORT=$2 ;;
	--host) HOST=$2 ;;
	--timeout) QUERY_TIMEOUT_S=$2 ;;
	--max-rows) MAX_ROWS=$2 ;;
	--buffers) BUFFERS=$2 ;;
	--user) WRITER_USER=$2 ;;
	*) die "unknown option $1 (see the head of $0)" ;;
	esac
	shift 2
done
[[ $WRITER_USER =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--user must be a plain identifier"

new_password() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24; }

install_package() {
	if [[ -x $VIRTUOSO_BIN && -x $ISQL_BIN ]]; then
		return
	fi
	echo "virtuoso: installing Debian's virtuoso-opensource (about two minutes)"
	# The package's configure step asks for the password of its own system instance (which
	# this script does not use); without an answer it would prompt. The answer is thrown away:
	# the package clears it from debconf after use.
	local throwaway
	throwaway=$(new_password)
	debconf-set-selections <<-EOF
		virtuoso-opensource-7 virtuoso-opensource-7/dba-password password $throwaway
		virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password $throwaway
	EOF
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends virtuoso-opensource >/dev/null
	[[ -x $VIRTUOSO_BIN && -x $ISQL_BIN ]] || die "virtuoso-opensource installed no $VIRTUOSO_BIN"
}

write_ini() {
	mkdir -p "$DIR/db" "$DIR/load"
	local buffers_dirty=$((BUFFERS * 3 / 4))
	cat >"$DIR/virtuoso.ini.new" <<-EOF
		; Written by deploy/virtuoso/setup.sh; rewritten on every run (edit the script, not this).
		[Database]
		DatabaseFile       = $DIR/db/virtuoso.db
		ErrorLogFile       = $DIR/db/virtuoso.log
		LockFile           = $DIR/db/virtuoso.lck
		TransactionFile    = $DIR/db/virtuoso.trx
		xa_persistent_file = $DIR/db/virtuoso.pxa
		ErrorLogLevel      = 7
		FileExtend         = 200
		MaxCheckpointRemap = 2000
		Striping           = 0
		TempStorage        = TempDatabase

		[TempDatabase]
		DatabaseFile       = $DIR/db/virtuoso-temp.db
		TransactionFile    = $DIR/db/virtuoso-temp.trx
		MaxCheckpointRemap = 2000
		Striping           = 0

		[Parameters]
		ServerPort               = $HOST:$ISQL_PORT
		LiteMode                 = 0
		DisableUnixSocket        = 1
		DisableTcpSocket         = 0
		MaxClientConnections     = 20
		CheckpointInterval       = 60
		O_DIRECT                 = 0
		CaseMode                 = 2
		MaxStaticCursorRows      = 5000
		CheckpointAuditTrail     = 0
		AllowOSCalls             = 0
		SchedulerInterval        = 10
		; ld_dir (load.sh) reads only from these directories
		DirsAllowed              = ., $DIR/load, /usr/share/virtuoso-opensource-7/vad
		ThreadCleanupInterval    = 0
		ThreadThreshold          = 10
		ResourcesCleanupInterval = 0
		FreeTextBatchSize        = 100000
		SingleCPU                = 0
		VADInstallDir            = /usr/share/virtuoso-opensource-7/vad/
		PrefixResultNames        = 0
		RdfFreeTextRulesSize     = 100
		IndexTreeMaps            = 64
		MaxQueryMem              = 2G
		VectorSize               = 1000
		MaxVectorSize            = 1000000
		AdjustVectorSize         = 0
		ThreadsPerQuery          = 2
		AsyncQueueMaxThreads     = 10
		; 8 KiB pages: $BUFFERS buffers = $((BUFFERS * 8 / 1024)) MiB of cache
		NumberOfBuffers          = $BUFFERS
		MaxDirtyBuffers          = $buffers_dirty

		[HTTPServer]
		ServerPort                  = $HOST:$HTTP_PORT
		ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
		MaxClientConnections        = 20
		DavRoot                     = DAV
		EnabledDavVSP               = 0
		HTTPProxyEnabled            = 0
		TempASPXDir                 = 0
		ServerThreads               = 20
		MaxKeepAlives               = 10
		KeepAliveTimeout            = 10
		MaxCachedProxyConnections   = 10
		ProxyConnectionCacheTimeout = 15
		HTTPThreadSize              = 280000
		HttpPrintWarningsInOutput   = 0
		Charset                     = UTF-8
		MaintenancePage             = atomic.html
		EnabledGzipContent          = 1

		[AutoRepair]
		BadParentLinks = 0

		[Client]
		SQL_PREFETCH_ROWS  = 100
		SQL_PREFETCH_BYTES = 16000
		SQL_QUERY_TIMEOUT  = 0
		SQL_TXN_TIMEOUT    = 0

		[VDB]
		ArrayOptimization           = 0
		NumArrayParameters          = 10
		VDBDisconnectTimeout        = 1000
		KeepConnectionOnFixedThread = 0

		[Replication]
		ServerName   = lg-virtuoso
		ServerEnable = 1
		QueueMax     = 50000

		[Zero Config]
		ServerName = lg-virtuoso

		[URIQA]
		DynamicLocal = 0
		DefaultHost  = $HOST:$HTTP_PORT

		[SPARQL]
		; rows beyond this are cut off silently (see README: page through large results)
		ResultSetMaxRows           = $MAX_ROWS
		; the query time limit, in seconds: the estimate check refuses a query up front,
		; the execution limit stops it (with partial results, see README)
		MaxQueryCostEstimationTime = $QUERY_TIMEOUT_S
		MaxQueryExecutionTime      = $QUERY_TIMEOUT_S
		DefaultQuery               = SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 10
		DeferInferenceRulesInit    = 0
	EOF
	mv "$DIR/virtuoso.ini.new" "$DIR/virtuoso.ini"
	cat >"$DIR/instance.env" <<-EOF
		HTTP_PORT=$HTTP_PORT
		ISQL_PORT=$ISQL_PORT
		HOST=$HOST
		QUERY_TIMEOUT_S=$QUERY_TIMEOUT_S
		MAX_ROWS=$MAX_ROWS
		BUFFERS=$BUFFERS
		WRITER_USER=$WRITER_USER
	EOF
}

start_server() {
	local pid
	pid=$(server_pid "$DIR")
	if [[ -n $pid ]]; then
		echo "virtuoso: already running (pid $pid); run stop.sh first for ini changes to apply"
	else
		echo "virtuoso: starting on http://$HOST:$HTTP_PORT (isql $HOST:$ISQL_PORT)"
		# +wait: the command returns once the server has started and gone to the background
		(cd "$DIR/db" && "$VIRTUOSO_BIN" +configfile "$DIR/virtuoso.ini" +wait) ||
			die "virtuoso-t did not start; see $DIR/db/virtuoso.log"
	fi
	local waited=0
	until sparql_answers; do
		((waited++ < 120)) || die "/sparql did not answer in 120 s; see $DIR/db/virtuoso.log"
		sleep 1
	done
}

secure_dba() {
	# A new database has dba/dba; the first run replaces it with a generated password.
	if [[ -n ${VIRTUOSO_DBA_PASSWORD:-} ]] && dba_password_works "$VIRTUOSO_DBA_PASSWORD"; then
		return
	fi
	dba_password_works dba ||
		die "dba accepts neither the recorded password nor the initial one ($DIR/credentials.env)"
	local fresh
	fresh=$(new_password)
	# recorded first: if the change fails, the next run still finds dba/dba and tries again
	VIRTUOSO_DBA_PASSWORD=$fresh write_credentials
	VIRTUOSO_DBA_PASSWORD=dba
	isql_dba "USER_SET_PASSWORD('dba', '$fresh');" >/dev/null
	VIRTUOSO_DBA_PASSWORD=$fresh
}

lock_dav() {
	# A new database's WebDAV account dav has the password dav (PROPFIND /DAV/ answers 207);
	# the service needs no WebDAV, so the account is disabled (the same request then gets 401).
	isql_dba "USER_SET_OPTION('dav', 'DISABLED', 1);" >/dev/null
}

grant_writer() {
	# SPARQL_UPDATE is the role /sparql-auth checks before it runs an update; write permission
	# on all graphs (3 = read + write) keeps graph-level security from refusing the writer if
	# it is ever switched on. All of it is safe to repeat.
	local exists
	exists=$(isql_dba "select count(*) from DB.DBA.SYS_USERS where U_NAME = '$WRITER_USER';")
	if [[ ${exists//[[:space:]]/} == 0 ]]; then
		isql_dba "DB.DBA.USER_CREATE('$WRITER_USER', '$WRITER_PASSWORD');" >/dev/null
	fi
	isql_dba "USER_SET_PASSWORD('$WRITER_USER', '$WRITER_PASSWORD');" >/dev/null
	local granted
	granted=$(isql_dba "select count(*) from DB.DBA.SYS_ROLE_GRANTS where GI_DIRECT = 1" \
		"and GI_SUPER = (select U_ID from DB.DBA.SYS_USERS where U_NAME = '$WRITER_USER')" \
		"and GI_SUB = (select U_ID from DB.DBA.SYS_USERS where U_NAME = 'SPARQL_UPDATE');")
	if [[ ${granted//[[:space:]]/} == 0 ]]; then
		isql_dba "GRANT SPARQL_UPDATE TO \"$WRITER_USER\";" >/dev/null
	fi
	isql_dba "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('$WRITER_USER', 3);" "checkpoint;" >/dev/null
}

define_basic_endpoints() {
	# The stock /sparql-auth and /sparql-graph-crud-auth accept HTTP Digest only (their security
	# level is 'digest', which makes DB.DBA.HTTP_AUTH_CHECK_USER refuse Basic). These twins differ
	# only in that level, so they accept Basic (sent up front, one round trip) as well; they run
	# the same handlers with the same role checks.
	local path target opts
	for path in /sparql-auth-basic /sparql-graph-crud-auth-basic; do
		target=/!sparql/
		opts="vector('noinherit', 1)"
		if [[ $path == /sparql-graph-crud-auth-basic ]]; then
			target=/!sparql-graph-crud/
			opts="vector('noinherit', 1, 'exec_as_get', 1)"
		fi
		isql_dba "DB.DBA.VHOST_REMOVE (lpath => '$path');" \
			"DB.DBA.VHOST_DEFINE (lpath => '$path', ppath => '$target', is_dav => 1," \
			"vsp_user => 'dba', opts => $opts, auth_fn => 'DB.DBA.HP_AUTH_SPARQL_USER'," \
			"realm => 'SPARQL', sec => 'basic');" >/dev/null
	done
}

write_credentials() {
	local umask_was
	umask_was=$(umask)
	umask 077
	cat >"$DIR/credentials.env" <<-EOF
		VIRTUOSO_DBA_PASSWORD=$VIRTUOSO_DBA_PASSWORD
		LG_SPARQL_ENDPOINT=http://$HOST:$HTTP_PORT/sparql
		LG_SPARQL_UPDATE_ENDPOINT=http://$HOST:$HTTP_PORT/sparql-auth-basic
		LG_SPARQL_GRAPH_STORE=http://$HOST:$HTTP_PORT/sparql-graph-crud-auth-basic
		LG_SPARQL_USER=$WRITER_USER
		LG_SPARQL_PASSWORD=$WRITER_PASSWORD
	EOF
	umask "$umask_was"
}

install_package
if [[ -f $DIR/credentials.env ]]; then
	# shellcheck source=/dev/null
	. "$DIR/credentials.env"
fi
WRITER_PASSWORD=${LG_SPARQL_PASSWORD:-$(new_password)}
write_ini
start_server
secure_dba
lock_dav
write_credentials # recorded before it is set: a failed run is repaired by the next one
grant_writer
define_basic_endpoints
echo "virtuoso: ready; settings for the service (also in $DIR/credentials.env):"
grep '^LG_' "$DIR/credentials.env" | sed 's/^/  /'
echo "  (Basic auth; the stock /sparql-auth and /sparql-graph-crud-auth take Digest only)"
