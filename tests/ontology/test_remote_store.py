"""The remote store speaks to a real SPARQL engine (Oxigraph server) exactly as the embedded one."""

from __future__ import annotations

import os
import threading

import pyoxigraph as ox
import pytest

from ontology.store import EmbeddedStore, RemoteStore, StoreLocked
from ontology.store.remote import STATE_GRAPH

G = "https://w3id.org/littlegiant/graph/remote-test"
E = "https://w3id.org/littlegiant/id/enterprise/E000001"
NAME = "https://w3id.org/littlegiant/ontology#legalName"


def quads(*values: str) -> list[ox.Quad]:
    return [
        ox.Quad(ox.NamedNode(E), ox.NamedNode(NAME), ox.Literal(v, language="zh"), ox.NamedNode(G))
        for v in values
    ]


def nt(*values: str) -> bytes:
    return "".join(f'<{E}> <{NAME}> "{v}"@zh .\n' for v in values).encode()


def test_remote_and_embedded_answer_alike(remote: RemoteStore) -> None:
    embedded = EmbeddedStore(None)
    for store in (remote, embedded):
        store.replace_graphs({G: quads("示例甲有限公司", "示例乙有限公司")})
        store.replace_graphs({G: quads("示例丙有限公司")})
    query = f"SELECT ?n WHERE {{ ?e <{NAME}> ?n }}"
    remote_rows = [r["n"] for r in remote.select(query)]
    embedded_rows = [r["n"] for r in embedded.select(query)]
    assert remote_rows == embedded_rows == [ox.Literal("示例丙有限公司", language="zh")]
    assert remote.named_graphs() == embedded.named_graphs() == [G]
    assert len(remote) == len(embedded) == 1
    assert list(remote.quads(graph=ox.NamedNode(G))) == list(embedded.quads())
    assert list(remote.quads()) == list(embedded.quads())
    ask = f"ASK {{ <{E}> ?p ?o }}"
    assert remote.ask(ask) is embedded.ask(ask) is True
    construct = f"CONSTRUCT WHERE {{ <{E}> ?p ?o }}"
    assert remote.construct(construct) == embedded.construct(construct)


def test_generation_changes_on_every_commit_even_when_the_size_does_not(
    remote: RemoteStore,
) -> None:
    assert remote.generation() == ""
    assert remote.is_empty()
    seen = set()
    for value in ("甲", "乙", "丙"):
        remote.replace_graphs({G: quads(value)})
        seen.add(remote.generation())
        assert len(remote) == 1
    assert len(seen) == 3
    assert not remote.is_empty()


def test_failed_transaction_sends_nothing(remote: RemoteStore) -> None:
    remote.replace_graphs({G: quads("甲")})
    before = remote.generation()

    def refused() -> None:
        with remote.transaction() as tx:
            tx.replace_graph(G, nt("乙"))
            raise RuntimeError("gate said no")

    with pytest.raises(RuntimeError, match="gate said no"):
        refused()
    assert remote.generation() == before
    assert [q.object.value for q in remote.quads()] == ["甲"]
    with remote.transaction() as tx:  # the lease was given back
        tx.replace_graph(G, nt("丙"))
    assert [q.object.value for q in remote.quads()] == ["丙"]


def test_transaction_reads_the_store_as_it_was(remote: RemoteStore) -> None:
    remote.replace_graphs({G: quads("甲")})
    with remote.transaction() as tx:
        tx.drop_graph(G)
        rows = tx.select(f"SELECT ?n WHERE {{ GRAPH <{G}> {{ ?e <{NAME}> ?n }} }}")
        assert [r["n"].value for r in rows] == ["甲"]
    assert remote.is_empty()


def test_second_remote_writer_waits_then_fails_naming_the_holder(remote: RemoteStore) -> None:
    other = RemoteStore(remote.query_endpoint, remote.update_endpoint)
    failures: list[StoreLocked] = []

    def second() -> None:
        try:
            with other.transaction(wait_s=0.5):
                pass
        except StoreLocked as exc:
            failures.append(exc)

    with remote.transaction() as tx:
        tx.replace_graph(G, nt("甲"))
        thread = threading.Thread(target=second)
        thread.start()
        thread.join()
    assert len(failures) == 1
    assert f"pid {os.getpid()}" in str(failures[0])
    assert [q.object.value for q in remote.quads()] == ["甲"]


def test_the_state_graph_is_no_named_graph_of_the_data(remote: RemoteStore) -> None:
    remote.replace_graphs({G: quads("甲", "乙")})
    engine = remote.client.query(f"ASK {{ GRAPH <{STATE_GRAPH}> {{ ?s ?p ?o }} }}", None)
    assert bool(engine)  # it is there for the engine ...
    assert not remote.ask(f"ASK {{ GRAPH <{STATE_GRAPH}> {{ ?s ?p ?o }} }}")  # not for readers
    assert remote.named_graphs() == [G]  # ... and left out of every view of the data
    assert len(remote) == 2
    assert {q.graph_name for q in remote.quads()} == {ox.NamedNode(G)}


def test_graphs_written_by_a_bulk_loader_are_adopted_with_their_merge(
    remote: RemoteStore,
) -> None:
    """A bulk loader writes the data graphs straight into the engine; ``adopt`` publishes them
    (a new generation) with the merge built in the engine, so the default graph answers."""
    before = remote.generation()
    remote.client.update(f'INSERT DATA {{ GRAPH <{G}> {{ <{E}> <{NAME}> "甲"@zh }} }}')
    assert remote.named_graphs() == []  # written, not yet published
    remote.adopt([G], build_merge=True)
    assert remote.generation() != before
    assert remote.named_graphs() == [G]
    rows = remote.select(f"SELECT ?n WHERE {{ ?e <{NAME}> ?n }}")
    assert [r["n"].value for r in rows] == ["甲"]
    with remote.transaction() as tx:  # the lease was given back
        tx.replace_graph(G, nt("乙"))
    assert [q.object.value for q in remote.quads()] == ["乙"]


def test_a_blank_node_pattern_matches_nothing_rather_than_everything(remote: RemoteStore) -> None:
    # written into a query, a blank node is a fresh variable: it would match every subject
    remote.replace_graphs({G: quads("示例甲有限公司")})
    assert list(remote.quads(ox.BlankNode(), None, None, None)) == []
    assert list(remote.quads(None, None, ox.BlankNode(), None)) == []
    assert len(list(remote.quads(ox.NamedNode(E), None, None, None))) == 1


def test_the_gate_context_over_the_engine_is_the_embedded_one(remote: RemoteStore) -> None:
    # a firm pointing at a blank node in another graph, and a region it points at
    from ingest.neighbourhood import neighbourhood

    region = "https://w3id.org/littlegiant/id/region/330200"
    other = "https://w3id.org/littlegiant/graph/other"
    data = (
        f'<{E}> <{NAME}> "示例甲有限公司"@zh .\n'
        f"<{E}> <https://w3id.org/littlegiant/ontology#reportingRegion> <{region}> .\n"
        f'<{E}> <http://www.w3.org/ns/prov#qualifiedAttribution> [ <{NAME}> "旧名"@zh ] .\n'
        f'<{region}> <{NAME}> "宁波市"@zh .\n'
        f"<{region}> <http://www.w3.org/2000/01/rdf-schema#seeAlso>"
        f' [ <{NAME}> "计划单列市"@zh ] .\n'
    )
    parsed = list(ox.parse(data.encode(), format=ox.RdfFormat.TURTLE))
    graph = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(other)) for t in parsed]
    embedded = EmbeddedStore(None)
    contexts = []
    for store in (remote, embedded):
        store.replace_graphs({other: graph})
        changed = {G: nt("示例乙有限公司")}
        context = neighbourhood(store, {E}, changed=changed, ontology=G + "-ontology")
        contexts.append(sorted(_named_blank_nodes(context)))
    assert contexts[0] == contexts[1]
    # the change's triple; the firm's three and the region's two, with what their blank nodes say
    assert len(contexts[0]) == 8


def _named_blank_nodes(store: ox.Store) -> list[str]:
    """The store's quads as N-Quads lines with each blank node named by what it says."""
    said = {
        q.subject: str(q.object)
        for q in store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.BlankNode)
    }
    lines = []
    for q in store.quads_for_pattern(None, None, None):
        s = said[q.subject] if isinstance(q.subject, ox.BlankNode) else str(q.subject)
        o = said[q.object] if isinstance(q.object, ox.BlankNode) else str(q.object)
        lines.append(f"{s} {q.predicate} {o} {q.graph_name}")
    return lines
