"""The ``littlegiant`` command: build, ingest, merge, validate, serve, dump.

Users script against these forms; keep them stable. Every step is also a plain function. Commands
that belong to another part of the project (``serve`` is the server's) are installed as entry
points in the ``littlegiant.commands`` group and found by name, so ingest never imports them.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

import pyoxigraph as ox
from pydantic import ValidationError

from ingest.build.curated import build_default
from ingest.consistency import compare_registry
from ingest.facts import IngestError
from ingest.identity import Registry
from ingest.ingest_file import IngestResult, ingest_file
from ingest.limits import ReadLimits
from ingest.load import CommitOutcome, ValidationFailed, commit, default_gate, turtle_graph
from ingest.merge import merge_keys
from ingest.progress import Progress
from ingest.read_tables import UnreadableFile, read_input
from ingest.registry_files import seeded
from ingest.report import FIRST_CASES, shape_errors, success_lines, summary, write_errors
from ingest.row_errors import RowError, clip
from ingest.writer import writing
from ontology.iris import Iris
from ontology.paths import DATA_DIR, ONTOLOGY_TTL
from ontology.settings import Settings
from ontology.store import EmbeddedStore, GraphStore, StoreLocked, open_store

INGEST_KINDS = ("notice", "batch", "review-passed", "review-failed", "revocation")
COMMANDS_GROUP = "littlegiant.commands"


def build_store(
    settings: Settings,
    store: GraphStore,
    *,
    clean: bool = False,
    data_dir: Path = DATA_DIR,
    wait_s: float | None = None,
    waiting: Callable[[str], None] | None = None,
) -> CommitOutcome:
    """(Re)build the default dataset's graphs: the ontology and the curated facts in ``data/``.

    Like every writer, under the store's lock from before the registry is read until the
    result is published with it (``ingest.writer``).
    """
    iris = Iris(settings.base_uri)
    wait = settings.write_wait_s if wait_s is None else wait_s
    progress = Progress(delay_s=settings.progress_delay_s)
    try:
        registry = Registry(seeded(settings.registry))  # an installation's first run: a copy
        with writing(store, registry, wait_s=wait, waiting=waiting) as w:
            progress.step("build")
            graphs = [turtle_graph("ontology", "Little Giant ontology", ONTOLOGY_TTL)]
            graphs += build_default(iris, w.registry, data_dir)
            outcome = commit(w, iris, graphs, replace_all=clean, identity=True, progress=progress)
    finally:
        progress.close()
    if outcome.changed:
        publish_dumps(settings, store)
    return dataclasses.replace(outcome, generation=store.generation())


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
        "Settings come from LG_* environment variables (LG_STORE, LG_REGISTRY, ...).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="(re)build the store from the shipped default dataset")
    b.add_argument("--clean", action="store_true", help="drop every other graph (ingested lists)")
    _wait_option(b)
    i = sub.add_parser("ingest", help="ingest a notice or an attachment list")
    i.add_argument("file", type=Path)
    i.add_argument("--kind", choices=INGEST_KINDS)
    i.add_argument("--batch", type=int)
    i.add_argument("--document", help="文号 of the notice the list belongs to")
    i.add_argument("--date", type=_date, help="YYYY-MM-DD")
    i.add_argument("--source-url", dest="source_url")
    i.add_argument(
        "--encoding",
        help="the encoding of a CSV or HTML list that is not UTF-8 (gbk, gb18030); never guessed",
    )
    i.add_argument("--errors", type=Path, metavar="FILE.csv", help="write every problem here")
    _wait_option(i)
    m = sub.add_parser("merge", help="record that KEY is the same firm as --into KEY")
    m.add_argument("key", help="the enterprise key to merge (it keeps answering, 301)")
    m.add_argument("--into", required=True, metavar="KEY", help="the key that survives")
    m.add_argument("--reason", default="", help="why they are one firm")
    m.add_argument("--source-url", dest="source_url", default="", help="the page that says so")
    m.add_argument("--date", type=_date, help="the day of the decision (default: today)")
    _wait_option(m)
    sub.add_parser("validate", help="validate the store and its registry; exit 1 on violations")
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


def _wait_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="how long to wait while another writer holds the store (default LG_WRITE_WAIT_S, "
        "300); 0 fails at once",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is 0 on success, 1 on rejected input (or a store another
    writer kept), 2 on usage, 3 on an unexpected error (one line; the report goes to a file)."""
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        _err(f"littlegiant: a setting is not valid: {clip(str(exc).replace(chr(10), ' '), 300)}")
        return 2
    try:
        store = open_store(settings)
        return _COMMANDS[args.command](args, settings, store)
    except ValidationFailed as exc:
        return _rejected(args, shape_errors(_file_name(args), _violations(exc)))
    except IngestError as exc:
        return _rejected(args, exc.errors)
    except UnreadableFile as exc:
        return _rejected(args, [exc.error])
    except StoreLocked as exc:
        _err(
            f"littlegiant {args.command}: {exc}; nothing was written (--wait SECONDS waits longer)"
        )
        return 1
    except KeyboardInterrupt:
        _err(f"littlegiant {args.command}: interrupted; nothing was written")
        return 130
    except Exception as exc:  # the last line of defence: one line, the traceback in a file
        report = crash_report(settings, args, exc)
        _err(
            f"littlegiant {args.command}: unexpected error ({type(exc).__name__}: "
            f"{clip(str(exc), 160)}); nothing was written; the full report is in {report}"
        )
        return 3


def _file_name(args: argparse.Namespace) -> str:
    file = getattr(args, "file", None)
    return file.name if isinstance(file, Path) else args.command


def _violations(exc: ValidationFailed) -> list[tuple[str, str, str, str, str]]:
    return [
        (exc.rows.get(r.focus, r.focus), r.shape, r.path or "", r.value or "", r.message)
        for r in exc.report.results
        if r.severity == "Violation"
    ]


def _rejected(args: argparse.Namespace, errors: list[RowError]) -> int:
    """The rejection summarised by rule on stderr; every case in ``--errors`` if given."""
    _err(summary(_file_name(args), errors))
    target = getattr(args, "errors", None)
    if target is not None:
        n = write_errors(target, errors)
        _err(f"every problem ({n:,}) is in {target}")
    elif len(errors) > FIRST_CASES:
        _err("give --errors FILE.csv to get every problem")
    return 1


def crash_report(settings: Settings, args: argparse.Namespace, exc: BaseException) -> Path:
    """Write the traceback of an unexpected error to a file of its own, and return its path."""
    where = settings.store.parent / "crash" if settings.store is not None else None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    text = f"littlegiant {' '.join(sys.argv[1:])}\n{args}\n\n" + "".join(
        traceback.format_exception(exc)
    )
    for directory in (where, Path(tempfile.gettempdir())):
        if directory is None:
            continue
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"littlegiant-{args.command}-{stamp}-{os.getpid()}.txt"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path("(nowhere: no directory could be written)")


def _cmd_build(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    started = time.perf_counter()
    outcome = build_store(settings, store, clean=args.clean, wait_s=args.wait, waiting=_err)
    _report(outcome, time.perf_counter() - started, len(store))
    return 0


def _cmd_ingest(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    limits = ReadLimits.of(settings)
    read_input(args.file, limits)  # a directory, FIFO or device is refused here, unopened
    wait = settings.write_wait_s if args.wait is None else args.wait

    def build_if_empty() -> None:
        if store.is_empty():
            build_store(settings, store, wait_s=wait, waiting=_err)

    started = time.perf_counter()
    progress = Progress(delay_s=settings.progress_delay_s)
    try:
        result = _ingest(args, settings, store, limits, wait, build_if_empty, progress)
    finally:
        progress.close()
    for note in result.notes:
        _err(f"note: {note}")
    if result.outcome.changed:
        publish_dumps(settings, store)
    for line in success_lines(result):
        _err(line)
    _report(result.outcome, time.perf_counter() - started, len(store))
    return 0


def _ingest(
    args: argparse.Namespace,
    settings: Settings,
    store: GraphStore,
    limits: ReadLimits,
    wait: float,
    build_if_empty: Callable[[], None],
    progress: Progress,
) -> IngestResult:
    return ingest_file(
        store,
        Iris(settings.base_uri),
        Registry(seeded(settings.registry)),
        args.file,
        kind=args.kind,
        batch=args.batch,
        document=args.document,
        date=args.date,
        source_url=args.source_url,
        encoding=args.encoding,
        limits=limits,
        wait_s=wait,
        waiting=_err,
        parsed=build_if_empty,
        progress=progress,
    )


def _cmd_merge(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    wait = settings.write_wait_s if args.wait is None else args.wait
    if store.is_empty():
        build_store(settings, store, wait_s=wait, waiting=_err)
    started = time.perf_counter()
    try:
        merged = merge_keys(
            store,
            Registry(settings.registry),
            args.key,
            args.into,
            on=args.date or dt.date.today(),
            reason=args.reason,
            source_url=args.source_url,
            wait_s=wait,
        )
    except ValueError as exc:
        _err(f"merge refused: {exc}")
        return 1
    _err(f"merged {merged.merged} into {merged.into}")
    for graph in merged.rewritten:
        _err(f"rewrote {graph}")
    if merged.outcome.changed:
        publish_dumps(settings, store)
    _report(merged.outcome, time.perf_counter() - started, len(store))
    return 0


def _cmd_validate(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    started = time.perf_counter()
    store = _validation_copy(store)
    report = default_gate().validate(store)
    _out(report.text())
    disagreements = compare_registry(store, Registry.load(settings.registry), settings.base_uri)
    for line in disagreements[:FIRST_CASES]:
        _out(f"registry: {line}")
    if len(disagreements) > FIRST_CASES:
        _out(f"registry: … and {len(disagreements) - FIRST_CASES:,} more")
    _err(f"validated {len(store)} triples in {time.perf_counter() - started:.2f} s")
    return 0 if report.conforms and not disagreements else 1


def _validation_copy(store: GraphStore) -> EmbeddedStore:
    """The store as the gate reads it: the embedded one itself, a remote one copied into memory."""
    if isinstance(store, EmbeddedStore):
        return store
    graphs: dict[str, list[ox.Quad]] = {}
    for quad in store.quads():
        graphs.setdefault(str(quad.graph_name.value), []).append(quad)  # type: ignore[union-attr]
    copy = EmbeddedStore(None)
    copy.replace_graphs(graphs)
    return copy


def _cmd_serve(args: argparse.Namespace, settings: Settings, store: GraphStore) -> int:
    serve = installed_command("serve")
    if serve is None:
        _err(f"serve is not installed (no {COMMANDS_GROUP} entry point); pip install -e .")
        return 1
    if store.is_empty():
        _err("store is empty: building it from the default dataset")
        build_store(settings, store, waiting=_err)
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
    "merge": _cmd_merge,
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
