#!/usr/bin/env bash
# Bulk-load an N-Quads file (.nq or .nq.gz) into the Virtuoso instance of DIR, the Virtuoso way.
#
#   deploy/virtuoso/load.sh [DIR] FILE.nq[.gz] [--replace] [--merge-graph IRI] [--loaders N]
#
# The file is linked (or copied) into DIR/load/, the one directory the instance's ini lets the
# loader read (DirsAllowed); ld_dir() registers it in DB.DBA.load_list, rdf_loader_run() loads
# it (N loaders in parallel, default 1: this machine has 2 cores), and a checkpoint makes it
# durable. Each quad goes to the graph it names.
#   --replace          first DROP every graph the file names, so loading again replaces, not adds
#   --merge-graph IRI  then copy the triples of those graphs into the graph IRI (a set: a triple
#                      two graphs state is stored once), for a service that uses that graph as its
#                      default graph; blank nodes keep their identity
# The bulk loader commits as it goes (row autocommit, no undo): a reader can see a half-loaded
# file, and a failed file stays half-loaded (load_list says which). Use it to build a store
# before it serves, not for changes while it does.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

dir_arg=var/virtuoso
if [[ $# -gt 0 && $1 != --* && $1 != *.nq && $1 != *.nq.gz ]]; then
	dir_arg=$1
	shift
fi
file=""
replace=0
merge_graph=""
loaders=1
while [[ $# -gt 0 ]]; do
	case $1 in
	--replace) replace=1 ;;
	--merge-graph)
		merge_graph=$2
		shift
		;;
	--loaders)
		loaders=$2
		shift
		;;
	--*) die "unknown option $1 (see the head of $0)" ;;
	*) file=$1 ;;
	esac
	shift
done
[[ -n $file && -f $file ]] || die "usage: $0 [DIR] FILE.nq[.gz] [--replace] [--merge-graph IRI]"
[[ $file == *.nq || $file == *.nq.gz ]] || die "$file: expected a .nq or .nq.gz file"
[[ $loaders =~ ^[1-9]$ ]] || die "--loaders takes 1-9"
DIR=$(instance_dir "$dir_arg")
load_instance "$DIR"
[[ -n $(server_pid "$DIR") ]] || die "no server running in $DIR: run setup.sh first"

file=$(cd "$(dirname "$file")" && pwd -P)/$(basename "$file")
name=$(basename "$file")
staged=$DIR/load/$name
rm -f "$staged"
ln "$file" "$staged" 2>/dev/null || cp "$file" "$staged"

# The graphs the file names (4th term of each line), with Python's standard library: a literal
# may contain spaces and '>', so splitting on blanks would be wrong.
graphs=$(
	python3 - "$staged" <<-'EOF'
		import gzip, re, sys
		term = re.compile(r'<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?')
		path = sys.argv[1]
		seen = set()
		with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as fh:
		    for line in fh:
		        terms = term.findall(line)
		        if len(terms) == 4 and terms[3].startswith("<"):
		            seen.add(terms[3][1:-1])
		print("\n".join(sorted(seen)))
	EOF
)
[[ -n $graphs ]] || die "$file names no graph (triples in the default graph are not loaded)"
for g in $graphs; do
	[[ $g != *"'"* ]] || die "graph IRI with a quote: $g"
done
echo "virtuoso: loading $name into $(wc -w <<<"$graphs") graph(s)"

started=$(date +%s.%N)
if ((replace)); then
	for g in $graphs; do
		isql_dba "log_enable(3, 1);" "SPARQL CLEAR GRAPH <$g>;" >/dev/null
	done
fi
# a file already registered (loaded before) is skipped by ld_dir: forget it first
isql_dba "delete from DB.DBA.load_list where ll_file = '$staged';" \
	"ld_dir('$DIR/load', '$name', 'urn:x-lg-load:no-graph');" >/dev/null
pids=()
for ((i = 1; i < loaders; i++)); do
	isql_dba "rdf_loader_run();" >/dev/null &
	pids+=($!)
done
isql_dba "rdf_loader_run();" >/dev/null
for pid in "${pids[@]}"; do wait "$pid"; done
isql_dba "checkpoint;" >/dev/null
loaded=$(date +%s.%N)

state=$(isql_dba "select ll_state, ll_error from DB.DBA.load_list where ll_file = '$staged';")
if grep -q -v -E '^[[:space:]]*2[[:space:]]+NULL[[:space:]]*$' <<<"$state"; then
	die "the loader reports for $name: $state"
fi
if [[ -n $merge_graph ]]; then
	for g in $graphs; do
		isql_dba "log_enable(3, 1);" \
			"SPARQL INSERT { GRAPH <$merge_graph> { ?s ?p ?o } } WHERE { GRAPH <$g> { ?s ?p ?o } };" \
			>/dev/null
	done
	isql_dba "checkpoint;" >/dev/null
fi
finished=$(date +%s.%N)

total=0
for g in $graphs; do
	n=$(isql_dba "SPARQL SELECT COUNT(*) WHERE { GRAPH <$g> { ?s ?p ?o } };")
	total=$((total + ${n//[[:space:]]/}))
	printf '  %10d  %s\n' "${n//[[:space:]]/}" "$g"
done
lines=$( (if [[ $staged == *.gz ]]; then gzip -dc "$staged"; else cat "$staged"; fi) | grep -c -v -E '^[[:space:]]*(#|$)')
printf 'virtuoso: %d quads in the file, %d triples now in its graphs; load %.1f s' \
	"$lines" "$total" "$(awk "BEGIN { print $loaded - $started }")"
if [[ -n $merge_graph ]]; then
	m=$(isql_dba "SPARQL SELECT COUNT(*) WHERE { GRAPH <$merge_graph> { ?s ?p ?o } };")
	printf ', merge into <%s> %.1f s (%d triples)' "$merge_graph" \
		"$(awk "BEGIN { print $finished - $loaded }")" "${m//[[:space:]]/}"
fi
echo
rm -f "$staged"
