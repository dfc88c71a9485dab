"""Issue 9, item 5: reconciliation precision on the labelled queries (``tests/data/reconcile``).

Each of the queries is sent the way OpenRefine sends it (batches of ten, ``type`` and a
``region`` property when the row gives them) to the real app over the default dataset built by
the real pipeline. ``match: true`` is claimed only for the labelled firm of a ``true`` row
(precision 1.0); for every row with a labelled firm, that firm is the first candidate.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from tests.server.support import app_client, memory_copy

QUERIES = Path(__file__).resolve().parents[1] / "data" / "reconcile" / "queries.csv"
ROWS = list(csv.DictReader(QUERIES.open(encoding="utf-8", newline="")))
# the one row whose firm no fact of the default data leads to (the README says so)
UNRECORDED = "the default data does not record it"


@pytest.fixture(scope="module")
def answers(curated_source: ox.Store) -> Iterator[list[list[dict[str, object]]]]:
    with app_client(memory_copy(curated_source)) as client:
        yield [result for i in range(0, len(ROWS), 10) for result in _batch(client, i)]


def _batch(client: TestClient, start: int) -> list[list[dict[str, object]]]:
    queries = {}
    for n, row in enumerate(ROWS[start : start + 10]):
        q: dict[str, object] = {"query": row["query"], "limit": 5}
        if row["type_hint"]:
            q["type"] = row["type_hint"]
        if row["region_hint"]:
            q["properties"] = [{"pid": "region", "v": row["region_hint"]}]
        queries[f"q{n}"] = q
    r = client.post("/reconcile", data={"queries": json.dumps(queries, ensure_ascii=False)})
    assert r.status_code == 200, r.text
    body = r.json()
    return [body[f"q{n}"]["result"] for n in range(len(queries))]


def test_the_labelled_set_covers_every_category() -> None:
    assert len(ROWS) >= 60
    assert {r["category"] for r in ROWS} >= {
        "exact", "width-variant", "bracket-variant", "space-variant", "case-variant", "english",
        "other-legal-form", "other-suffix", "no-legal-form", "short-name", "substring",
        "former-name", "miss",
    }  # fmt: skip


def test_precision_is_one_on_match_true(answers: list[list[dict[str, object]]]) -> None:
    wrong = [
        (row["query"], [c["id"] for c in result if c["match"]])
        for row, result in zip(ROWS, answers, strict=True)
        if [c["id"] for c in result if c["match"]]
        != ([row["expected_key"]] if row["expected_match"] == "true" else [])
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "n",
    [
        pytest.param(
            n,
            id=f"{n:03d}-{row['category']}",
            marks=[pytest.mark.xfail(strict=True, reason=row["note"])]
            if UNRECORDED in row["note"]
            else [],
        )
        for n, row in enumerate(ROWS)
        if row["expected_key"]
    ],
)
def test_the_labelled_firm_is_the_first_candidate(
    answers: list[list[dict[str, object]]], n: int
) -> None:
    row, result = ROWS[n], answers[n]
    assert result, row["query"]
    assert result[0]["id"] == row["expected_key"], (row["query"], result[:3])
