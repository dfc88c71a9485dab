"""The embedded store publishes whole generations: readers see old or new, failed writes nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from ontology.settings import Settings
from ontology.store import EmbeddedStore, StoreLocked, open_store

ROOT = Path(__file__).resolve().parents[2]
G = "https://w3id.org/littlegiant/graph/test"
H = "https://w3id.org/littlegiant/graph/other"
X = "https://w3id.org/littlegiant/id/x"
P = "https://w3id.org/littlegiant/ontology#p"
HANG_S = 120.0  # a bound for a writer that never reaches its pause point: only a broken run


def quad(o: str, graph: str = G) -> ox.Quad:
    return ox.Quad(ox.NamedNode(X), ox.NamedNode(P), ox.Literal(o), ox.NamedNode(graph))


def nt(*values: str) -> bytes:
    return "".join(f'<{X}> <{P}> "{v}" .\n' for v in values).encode()


def values(store: EmbeddedStore) -> set[str]:
    return {q.object.value for q in store.quads()}


@pytest.fixture(params=["disk", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> EmbeddedStore:
    return EmbeddedStore(tmp_path / "s" if request.param == "disk" else None)


def test_replace_graph_replaces_it_whole(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a"), quad("b")]})
    store.replace_graphs({G: [quad("c")]})
    assert values(store) == {"c"}


def test_failed_transaction_leaves_no_trace(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a")]})
    before = store.generation()

    def refused() -> None:
        with store.transaction() as tx:
            tx.replace_graph(G, nt("b"))
            tx.replace_graph(H, nt("c"))
            raise RuntimeError("gate said no")

    with pytest.raises(RuntimeError, match="gate said no"):
        refused()
    assert store.generation() == before
    assert values(store) == {"a"}
    assert store.named_graphs() == [G]


def test_bad_ntriples_fail_the_commit_and_leave_no_trace(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a")]})
    before = store.generation()

    def bad_data() -> None:
        with store.transaction() as tx:
            tx.replace_graph(H, nt("fine"))
            tx.replace_graph(G, b"<not a triple\n")

    with pytest.raises(SyntaxError):
        bad_data()
    assert store.generation() == before
    assert values(store) == {"a"}


def test_failed_writer_block_leaves_no_trace(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a")]})
    before = store.generation()

    def refused() -> None:
        with store.writer() as draft:
            draft.add(quad("b"))
            raise RuntimeError("gate said no")

    with pytest.raises(RuntimeError, match="gate said no"):
        refused()
    assert store.generation() == before
    assert values(store) == {"a"}


def test_transaction_reads_the_store_as_it_was(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a")]})
    query = "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
    with store.transaction() as tx:
        tx.replace_graph(G, nt("b"))
        tx.drop_graph(G)
        tx.replace_graph(H, nt("c"))
        assert {row["o"].value for row in tx.select(query)} == {"a"}
    assert values(store) == {"c"}


def test_generation_changes_on_every_publish(store: EmbeddedStore) -> None:
    seen = {store.generation()}
    for value in ("a", "b", "c"):  # the same size each time: only a real marker tells them apart
        store.replace_graphs({G: [quad(value)]})
        seen.add(store.generation())
        assert len(store) == 1
    assert len(seen) == 4


def test_a_transaction_that_empties_the_store_publishes_it_empty(store: EmbeddedStore) -> None:
    store.replace_graphs({G: [quad("a")], H: [quad("b", H)]})
    with store.transaction() as tx:
        tx.drop_graph(G)
        tx.drop_graph(H)
    assert (len(store), store.named_graphs(), values(store)) == (0, [], set())
    assert not store.query("ASK { ?s ?p ?o }")  # nor anything left in the merge


def test_a_transaction_of_files_alone_publishes_them_with_the_same_graphs(
    store: EmbeddedStore, tmp_path: Path
) -> None:
    store.replace_graphs({G: [quad("a")]})
    first = store.generation()
    with store.transaction():
        pass  # nothing staged: nothing published
    assert store.generation() == first
    target = tmp_path / "registry" / "enterprises.csv"
    with store.transaction() as tx:
        tx.publish_file(target, b"key\n")
    assert store.generation() != first
    assert target.read_bytes() == b"key\n"
    assert values(store) == {"a"}
    assert store.named_graphs() == [G]
    store.replace_graphs({G: [quad("b")]})  # the next change starts from the published state
    assert values(store) == {"b"}
    assert store.named_graphs() == [G]


def test_second_writer_waits_then_fails_naming_the_holder(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path / "s")
    second = EmbeddedStore(tmp_path / "s")  # another handle, as another process would open it
    with first.transaction() as tx:
        tx.replace_graph(G, nt("a"))
        with pytest.raises(StoreLocked, match=f"pid {os.getpid()}"), second.transaction(wait_s=0.2):
            pass
    with second.transaction() as tx:  # free again once the first has published
        tx.replace_graph(G, nt("b"))
    assert values(first) == {"b"}


def test_second_writer_in_memory_fails_naming_the_holder() -> None:
    store = EmbeddedStore(None)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with store.transaction(wait_s=0.2):
                pass
        except StoreLocked as exc:
            failures.append(exc)

    with store.transaction() as tx:
        tx.replace_graph(G, nt("a"))
        thread = threading.Thread(target=second, name="second-writer")
        thread.start()
        thread.join()
    assert len(failures) == 1
    assert threading.current_thread().name in str(failures[0])


def test_waiting_writer_goes_on_once_the_first_publishes(store: EmbeddedStore) -> None:
    waiting = threading.Event()
    done: list[str] = []

    def second() -> None:
        waiting.set()
        with store.transaction(wait_s=HANG_S) as tx:
            tx.replace_graph(H, nt("second"))
        done.append(store.generation())

    with store.transaction() as tx:
        tx.replace_graph(G, nt("first"))
        thread = threading.Thread(target=second)
        thread.start()
        waiting.wait()
        first = store.generation()  # still the state before both
    thread.join()
    assert values(store) == {"first", "second"}
    assert len(done) == 1
    assert done[0] != first


def test_reader_keeps_its_view_until_a_new_generation_is_published(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "s")
    writer.replace_graphs({G: [quad("a")]})
    reader = EmbeddedStore(tmp_path / "s")
    assert len(reader) == 1
    with writer.transaction() as tx:
        tx.replace_graph(H, nt("b"))
        tx.finish()  # every load done, nothing published yet
        assert len(reader) == 1
    assert len(reader) == 2


def test_a_published_generation_is_never_written_again(tmp_path: Path) -> None:
    """A reader once failed with ``Corruption: IO error: No such file or directory: …/store/
    gen-000002/000095.sst``: ``writer()`` handed out the read-write store of the directory it then
    published, and its caller still held it, so RocksDB went on compacting the published
    generation and deleted SST files a reader's MANIFEST named. A published directory must never
    change, whatever is done later with the handle the writer gave out."""
    store = EmbeddedStore(tmp_path / "s")
    with store.writer() as draft:
        draft.bulk_extend(quad(f"v{i}") for i in range(2000))
    published = tmp_path / "s" / store.generation()
    files = {(p.name, p.stat().st_ino, p.stat().st_size) for p in published.iterdir()}
    with contextlib.suppress(OSError):  # the draft's directory is gone: writes may fail
        draft.bulk_extend(quad(f"late{i}") for i in range(2000))
        draft.optimize()
    assert {(p.name, p.stat().st_ino, p.stat().st_size) for p in published.iterdir()} == files
    assert len(EmbeddedStore(tmp_path / "s")) == 2000


def test_a_transaction_cannot_stage_after_its_block(store: EmbeddedStore) -> None:
    with store.transaction() as tx:
        tx.replace_graph(G, nt("a"))
    with pytest.raises(RuntimeError, match="transaction is over"):
        tx.replace_graph(G, nt("b"))
    assert values(store) == {"a"}


def test_named_graph_views_leave_the_merge_out(store: EmbeddedStore, tmp_path: Path) -> None:
    store.replace_graphs({G: [quad("a"), quad("b")], H: [quad("a", H)]})
    assert len(store) == 3
    assert store.named_graphs() == [H, G]
    assert len(list(store.quads())) == 3
    assert len(list(store.quads(ox.NamedNode(X)))) == 3
    assert len(list(store.quads(graph=ox.DefaultGraph()))) == 2  # asked for: the merge
    store.dump(tmp_path / "dump.nq")
    dumped = list(ox.parse(path=str(tmp_path / "dump.nq"), format=ox.RdfFormat.N_QUADS))
    assert sorted(map(str, dumped)) == sorted(map(str, store.quads()))


def test_open_store_takes_settings_or_a_path(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "s", pause_at="before-publish")
    assert open_store(settings).path == tmp_path / "s"
    assert open_store(tmp_path / "t").path == tmp_path / "t"
    assert open_store(None).path is None


def test_an_unknown_pause_point_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="before-pubilsh"):
        EmbeddedStore(tmp_path / "s", pause_at="before-pubilsh")


# -- a writer killed with SIGKILL, at a moment the test chooses
WRITE = textwrap.dedent(
    """
    import pathlib, sys
    from ontology.store import EmbeddedStore
    store = EmbeddedStore(pathlib.Path(sys.argv[1]), pause_at=sys.argv[2])
    with store.transaction() as tx:
        tx.replace_graph(sys.argv[3], sys.argv[4].encode())
    """
)


@contextlib.contextmanager
def paused_writer(path: Path, point: str, data: bytes) -> Iterator[subprocess.Popen[bytes]]:
    """A writer process stopped at ``point``; the block kills it or lets it go on."""
    command = [sys.executable, "-c", WRITE, str(path), point, G, data.decode()]
    proc = subprocess.Popen(command, cwd=ROOT)
    marker = path / f".paused-at-{point}"
    deadline = time.monotonic() + HANG_S
    try:
        while not marker.exists():
            assert proc.poll() is None, f"the writer ended ({proc.returncode}) before {point}"
            assert time.monotonic() < deadline, f"the writer never reached {point}"
            time.sleep(0.01)
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        marker.unlink(missing_ok=True)


@pytest.mark.parametrize("point", ["draft-created", "graphs-staged", "before-publish"])
def test_writer_killed_at_a_pause_point_leaves_the_store_as_before(
    tmp_path: Path, point: str
) -> None:
    path = tmp_path / "s"
    old = {f"old{i}" for i in range(50)}
    EmbeddedStore(path).replace_graphs({G: [quad(v) for v in old]})
    reading = EmbeddedStore(path).quads()
    first = next(reading)  # a reader in the middle of its read when the writer dies
    with paused_writer(path, point, nt(*[f"new{i}" for i in range(500)])) as proc:
        assert values(EmbeddedStore(path)) == old  # nothing is visible while it waits
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    assert {first.object.value, *(q.object.value for q in reading)} == old
    store = EmbeddedStore(path)
    assert values(store) == old
    store.replace_graphs({G: [quad("c")]})  # the next writer cleans up after the killed one
    assert values(store) == {"c"}
    leftovers = [p.name for p in path.iterdir() if p.name.startswith((".draft-", ".current-"))]
    assert leftovers == []
    assert len([p for p in path.iterdir() if p.name.startswith("gen-")]) <= 3


def test_writer_killed_after_publishing_leaves_the_new_state(tmp_path: Path) -> None:
    path = tmp_path / "s"
    EmbeddedStore(path).replace_graphs({G: [quad("a")]})
    with paused_writer(path, "published", nt("b")) as proc:
        os.kill(proc.pid, signal.SIGKILL)
    assert values(EmbeddedStore(path)) == {"b"}


def test_paused_writer_publishes_once_its_marker_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "s"
    EmbeddedStore(path).replace_graphs({G: [quad("a")]})
    reader = EmbeddedStore(path)
    with paused_writer(path, "before-publish", nt("b")) as proc:
        assert values(reader) == {"a"}
        (path / ".paused-at-before-publish").unlink()
        assert proc.wait() == 0
    assert values(reader) == {"b"}


def test_writer_killed_mid_write_leaves_store_as_before(tmp_path: Path) -> None:
    path = tmp_path / "s"
    EmbeddedStore(path).replace_graphs({G: [quad("a")]})
    script = textwrap.dedent(
        f"""
        import os, pathlib, pyoxigraph as ox
        from ontology.store import EmbeddedStore
        store = EmbeddedStore(pathlib.Path({str(path)!r}))
        with store.writer() as draft:
            draft.bulk_extend(
                ox.Quad(ox.NamedNode(f"https://w3id.org/littlegiant/id/{{i}}"),
                        ox.NamedNode({P!r}), ox.Literal("x"), ox.NamedNode({G!r}))
                for i in range(1000))
            os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=False)
    assert proc.returncode == -9
    store = EmbeddedStore(path)
    assert values(store) == {"a"}
    store.replace_graphs({G: [quad("c")]})
    assert values(store) == {"c"}


_SP = b"<https://w3id.org/littlegiant/id/x> <https://w3id.org/littlegiant/ontology#p> "
AWKWARD = (  # terms whose text holds what the N-Quads of a graph's N-Triples must not mistake
    b'_:a <https://w3id.org/littlegiant/ontology#p> "ends in a dot .\\n then a line" .\n'
    + _SP
    + b"_:a .\n"
    + _SP
    + b'"q\\" ." .\n'
    + _SP
    + b'"1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
    + _SP
    + '"中 .\\t"@zh .\n'.encode()
)


def test_nquads_is_the_named_graphs_as_their_quads_serialise(store: EmbeddedStore) -> None:
    with store.transaction() as tx:
        tx.replace_graph(G, AWKWARD)
        tx.replace_graph(H, nt("a", "b ."))
    text = store.nquads()
    expected = ox.serialize(store.quads(), format=ox.RdfFormat.N_QUADS) or b""
    assert sorted(text.splitlines()) == sorted(expected.splitlines())
    assert len(ox.Dataset(ox.parse(text, ox.RdfFormat.N_QUADS))) == len(store) == 7


def merge_of(store: EmbeddedStore) -> set[str]:
    """The values the default graph (the merge of the named graphs) holds."""
    return {q.object.value for q in store.quads(graph=ox.DefaultGraph())}


def test_new_graphs_load_together_and_later_changes_apply_after(store: EmbeddedStore) -> None:
    store.replace_graphs({H: [quad("e")]})
    one, two = f"{G}/1", f"{G}/2"
    with store.transaction() as tx:
        tx.replace_graph(one, nt("a", "b"))  # new: waits to load with the next new graph
        tx.replace_graph(two, nt("b", "c"))
        tx.replace_graph(one, nt("d"))  # the same graph again, in the same transaction
        tx.replace_graph(f"{G}/3", b'<urn:x> <urn:p> "f".\n')  # not as pyoxigraph writes it
        tx.replace_graph(f"{G}/4", nt("e"))  # new, and states what H's drop retires
        tx.drop_graph(H)
    assert {q.object.value for q in store.quads(graph=ox.NamedNode(one))} == {"d"}
    assert {q.object.value for q in store.quads(graph=ox.NamedNode(two))} == {"b", "c"}
    assert values(store) == {"b", "c", "d", "e", "f"}
    assert merge_of(store) == {"b", "c", "d", "e", "f"}
    assert H not in store.named_graphs()
