"""The embedded store publishes whole generations: readers see old or new, failed writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from ontology.store import EmbeddedStore

G = "https://w3id.org/littlegiant/graph/test"


def quad(o: str) -> ox.Quad:
    return ox.Quad(
        ox.NamedNode("https://w3id.org/littlegiant/id/x"),
        ox.NamedNode("https://w3id.org/littlegiant/ontology#p"),
        ox.Literal(o),
        ox.NamedNode(G),
    )


@pytest.mark.parametrize("on_disk", [True, False], ids=["disk", "memory"])
def test_replace_graph_replaces_it_whole(tmp_path: Path, on_disk: bool) -> None:
    store = EmbeddedStore(tmp_path / "s" if on_disk else None)
    store.replace_graphs({G: [quad("a"), quad("b")]})
    store.replace_graphs({G: [quad("c")]})
    assert {q.object.value for q in store.quads()} == {"c"}


@pytest.mark.parametrize("on_disk", [True, False], ids=["disk", "memory"])
def test_failed_write_leaves_no_trace(tmp_path: Path, on_disk: bool) -> None:
    store = EmbeddedStore(tmp_path / "s" if on_disk else None)
    store.replace_graphs({G: [quad("a")]})
    before = store.generation()

    def failing_write() -> None:
        with store.writer() as draft:
            draft.add(quad("b"))
            raise RuntimeError("gate said no")

    with pytest.raises(RuntimeError):
        failing_write()
    assert store.generation() == before
    assert {q.object.value for q in store.quads()} == {"a"}


def test_reader_keeps_its_view_until_a_new_generation_is_published(tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path / "s")
    writer.replace_graphs({G: [quad("a")]})
    reader = EmbeddedStore(tmp_path / "s")
    assert len(reader) == 1
    with writer.writer() as draft:
        draft.add(quad("b"))
        assert len(reader) == 1  # the draft is invisible until published
    assert len(reader) == 2


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
                        ox.NamedNode("https://w3id.org/littlegiant/ontology#p"), ox.Literal("x"),
                        ox.NamedNode({G!r})) for i in range(1000))
            os.kill(os.getpid(), 9)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    assert proc.returncode == -9
    store = EmbeddedStore(path)
    assert {q.object.value for q in store.quads()} == {"a"}
    # the next writer cleans up after the killed one
    store.replace_graphs({G: [quad("c")]})
    assert {q.object.value for q in store.quads()} == {"c"}
    assert len([p for p in os.listdir(path) if p.startswith("gen-")]) <= 3
