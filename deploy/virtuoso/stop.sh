#!/usr/bin/env bash
# Stop the Virtuoso instance of DIR (default var/virtuoso); does nothing if it is not running.
#
#   deploy/virtuoso/stop.sh [DIR]
#
# A clean shutdown through isql (checkpoint, then exit); if that does not end the server within
# 60 s, SIGTERM to the pid in DIR's lock file, which Virtuoso also handles as a shutdown.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

DIR=$(instance_dir "${1:-var/virtuoso}")
pid=$(server_pid "$DIR")
if [[ -z $pid ]]; then
	echo "virtuoso: not running in $DIR"
	exit 0
fi
load_instance "$DIR"
echo "virtuoso: stopping pid $pid"
# the connection drops as the server exits, so isql reports an error even when it worked
isql_dba "shutdown;" >/dev/null 2>&1 || true
for _ in $(seq 60); do
	[[ -d /proc/$pid ]] || {
		echo "virtuoso: stopped"
		exit 0
	}
	sleep 1
done
echo "virtuoso: no clean exit in 60 s; sending SIGTERM to $pid"
kill -TERM "$pid"
for _ in $(seq 60); do
	[[ -d /proc/$pid ]] || exit 0
	sleep 1
done
die "pid $pid is still running"
