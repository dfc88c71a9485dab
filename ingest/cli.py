"""The ``littlegiant`` command: build, ingest, validate, serve, dump.

Users script against these forms; keep them stable. Every step is also a plain function. Commands
that belong to another part of the project (``serve`` is the server's) are installed as entry
points in the ``littlegiant.commands`` group and found by name, so ingest never imports them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

import pyoxigraph as ox

from ingest.build.curated import build_default
from ingest.facts import IngestError
from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ingest.load import CommitOutcome, ValidationFailed, commit, default_gate, turtle_graph
from ontology.iris import Iris
from ontology.paths import DATA_DIR, ONTOLOGY_TTL
from ontology.settings import Settings
from ontology.store import EmbeddedStore, GraphStore, open_store

INGEST_KINDS = ("notice", "batch", "review-passed", "review-failed", "revocation")
COMMANDS_GROUP = "littlegiant.commands"


def build_store(
    settings: Settings, store: GraphStore, *, clean: bool = False, data_dir: Path = DATA_DIR
) -> CommitOutcome:
    """(Re)build the default dataset's graphs: the ontology and the curated facts in ``data/``."""
    iris = Iris(settings.base_uri)
    registry = Registry.load(settings.registry)
    graphs = [turtle_graph("ontology", "Little Giant ontology", ONTOLOGY_TTL)]
    graphs += build_default(iris, registry, data_dir)
    outcome = commit(store, iris, graphs, registry=registry, replace_all=clean)
    if outcome.changed:
        publish_dumps(settings, store)
    return outcome


def publish_dumps(settings: Settings, store: GraphStore) -> None:
    """Regenerate the bulk download after a commit (where the store has a dumps directory)."""
    from ontology.store.dumps import dumps_directory, write_dumps

    directory = dumps_directory(store, settings.dumps_dir)
    if directory is not None:
        write_dumps(store, directory)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="littlegiant",
        description="Little Giant KG: build, ingest, validate, serve and dump the knowledge graph. "
        "Settings come from LG_* environment variables (LG_STORE, LG_BASE_URI, ...).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="(re)build the store from the shipped default dataset")
    b.add_argument("--clean", action="store_true", help="drop every other graph (ingested lists)")
    i = sub.add_parser("ingest", help="ingest a notice or an attachment list")
    i.add_argument("file", type=Path)
    i.add_argument("--kind", choices=INGEST_KINDS)
    i.add_argument("--batch", type=int)
    i.add_argument("--document", help="文号 of the notice the list belongs to")
    i.add_argument("--date", type=_date, help="YYYY-MM-DD")
    i.add_argument("--source-url", dest="source_url")
    sub.add_parser("validate", help="validate the store; exit 1 on violations")
    s = sub.add_parser("serve", help="serve; builds the store first if it is empty")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument(
        "--workers",
        type=int,
        default=None,
        help="web processes over the one store (default: the number of cores)",
    )
    d = sub.add_parser("dump", help="write all graphs as N-Quads")
    d.add_argument("file", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success, 1 on rejected input, 2 on usage."""
    args = _parser().parse_args(argv)
    settings = Settings()
    store = open_store(settings)
    try:
        return _COMMANDS[args.command](args, settings, store)
    except ValidationFailed as exc:
        _err(str(exc))
        return 1


def _cmd_build(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    started = time.perf_counter()
    outcome = build_store(settings, store, clean=args.clean)
    _report(outcome, time.perf_counter() - started, len(store))
    return 0


def _cmd_ingest(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    if not args.file.is_file():
        _err(f"{args.file}: no such file")
        return 1
    if store.is_empty():
        build_store(settings, store)
    iris = Iris(settings.base_uri)
    registry = Registry.load(settings.registry)
    started = time.perf_counter()
    try:
        result = ingest_file(
            store,
            iris,
            registry,
            args.file,
            kind=args.kind,
            batch=args.batch,
            document=args.document,
            date=args.date,
            source_url=args.source_url,
        )
    except IngestError as exc:
        _err(str(exc))
        return 1
    for note in result.notes:
        _err(f"note: {note}")
    outcome = result.outcome
    if outcome.changed:
        publish_dumps(settings, store)
    _report(outcome, time.perf_counter() - started, len(store))
    return 0


def _cmd_validate(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    started = time.perf_counter()
    report = default_gate().validate(_validation_copy(store))
    _out(report.text())
    _err(f"validated {len(store)} triples in {time.perf_counter() - started:.2f} s")
    return 0 if report.conforms else 1


def _validation_copy(store: GraphStore) -> ox.Store:
    """The store as the gate reads it: the embedded one itself, a remote one copied in."""
    if isinstance(store, EmbeddedStore):
        return store.raw
    copy = ox.Store()
    copy.bulk_extend(store.quads())
    return copy


def _cmd_serve(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    serve = installed_command("serve")
    if serve is None:
        _err(f"serve is not installed (no {COMMANDS_GROUP} entry point); pip install -e .")
        return 1
    if store.is_empty():
        _err("store is empty: building it from the default dataset")
        build_store(settings, store)
    del store  # the server opens its own view of the store
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


def installed_command(name: str) -> Callable[..., None] | None:
    """The command ``name`` of the ``littlegiant.commands`` entry points, or None if none is."""
    found = entry_points(group=COMMANDS_GROUP, name=name)
    return next((ep.load() for ep in found), None)


def _cmd_dump(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    store.dump(args.file)
    _err(f"wrote {len(store)} quads to {args.file}")
    return 0


_COMMANDS = {
    "build": _cmd_build,
    "ingest": _cmd_ingest,
    "validate": _cmd_validate,
    "serve": _cmd_serve,
    "dump": _cmd_dump,
}


def _report(outcome: CommitOutcome, seconds: float, total: int) -> None:
    for graph in outcome.replaced:
        _err(f"replaced {graph}")
    for graph in outcome.unchanged:
        _err(f"unchanged {graph}")
    if outcome.report is not None and outcome.report.warnings:
        _err(f"{len(outcome.report.warnings)} warning(s):")
        for w in outcome.report.warnings:
            _err(f"  {w.focus}: {w.message}")
    _err(f"{outcome.triples} triples written in {seconds:.2f} s; store holds {total} quads")


def _out(text: str) -> None:
    sys.stdout.write(text + ("\n" if not text.endswith("\n") else ""))


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


if __name__ == "__main__":
    sys.exit(main())
