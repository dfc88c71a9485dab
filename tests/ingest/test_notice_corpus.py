"""Issue 9, item 4: the notice corpus (``tests/data/notices``), read as its sidecars say.

Each notice's ``.expected.json`` states exactly what a correct reader extracts; the first line
of every file is the fixture's marker, not part of the notice, and is not read. Every key is
compared, and no string a careless reader would mint (``not_enterprises``) may come out as a firm.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.parse_notice import ParsedNotice, parse_notice
from ontology.names import normalise_name

CORPUS = Path(__file__).resolve().parents[1] / "data" / "notices"
NOTICES = sorted(p.name.removesuffix(".expected.json") for p in CORPUS.glob("*.expected.json"))


def notice_text(name: str) -> bytes:
    """The notice without the fixture's marker line."""
    lines = (CORPUS / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[1:]).encode("utf-8")


def as_sidecar(n: ParsedNotice) -> dict[str, object]:
    """What the reader extracted, in the sidecar's terms."""
    return {
        "kind": n.kind,
        "language": n.language,
        "document_number": n.document,
        "title": n.title,
        "issuer": list(n.issuers),
        "date_written": n.date.isoformat() if n.date else None,
        "cites": [c.printed for c in n.cites],
        "batch": n.batch,
        "declared_count": n.count,
        "review_year": n.review_year,
        "reason": n.reason,
        "enterprises": [
            {"name": f.name, "former_names": list(f.former_names)} for f in n.enterprises
        ],
    }


def test_the_corpus_has_every_kind_in_both_languages() -> None:
    sidecars = [json.loads((CORPUS / f"{n}.expected.json").read_text()) for n in NOTICES]
    assert len(sidecars) >= 24
    assert {s["kind"] for s in sidecars} == {
        "batch", "review-passed", "review-failed", "revocation", "forwarding", "other"
    }  # fmt: skip
    assert {s["language"] for s in sidecars} == {"zh", "en"}


@pytest.mark.parametrize("name", NOTICES)
def test_notice_reads_as_its_sidecar_says(name: str) -> None:
    expected = json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    notice = parse_notice(notice_text(name), file=f"{name}.txt")
    got = as_sidecar(notice)
    assert got == {key: expected[key] for key in got}
    minted = {normalise_name(f.name) for f in notice.enterprises}
    assert not minted & {normalise_name(s) for s in expected["not_enterprises"]}


@pytest.mark.parametrize("name", NOTICES)
def test_a_preface_line_before_the_notice_changes_nothing(name: str) -> None:
    """Web pages and copies put text before a notice; the marker line stands in for it."""
    whole = parse_notice(CORPUS / f"{name}.txt")
    assert as_sidecar(whole) == as_sidecar(parse_notice(notice_text(name), file=name))
