"""The URI scheme: designation IRIs carry a tier slug, and IRIs are read back only by Iris."""

from __future__ import annotations

import pytest

from ontology.iris import KEY_LITTLE_GIANT, LITTLE_GIANT, TIER_SLUGS, Iris
from ontology.namespaces import LG

IRIS = Iris("https://w3id.org/littlegiant")


def test_tier_slugs_name_the_tiers() -> None:
    assert TIER_SLUGS[LITTLE_GIANT] == LG.LittleGiant
    assert TIER_SLUGS[KEY_LITTLE_GIANT] == LG.KeyLittleGiant
    assert len(TIER_SLUGS) == 2
    d = IRIS.designation("E000001", KEY_LITTLE_GIANT, "2-2")
    assert str(d) == "https://w3id.org/littlegiant/id/designation/E000001-key-little-giant-2-2"


def test_an_unknown_tier_slug_is_refused() -> None:
    with pytest.raises(ValueError, match="not a tier slug: 'littlegiant'"):
        IRIS.designation("E000001", "littlegiant", 1)


@pytest.mark.parametrize(
    ("iri", "ordinal"),
    [
        pytest.param(str(IRIS.batch(3)), 3, id="batch"),
        pytest.param(str(IRIS.review(2022)), None, id="review-round"),
        pytest.param("https://example.net/id/batch/3", None, id="not-ours"),
    ],
)
def test_batch_ordinal_is_read_from_a_batch_iri_only(iri: str, ordinal: int | None) -> None:
    assert IRIS.batch_ordinal(iri) == ordinal


def test_parse_splits_kind_and_local() -> None:
    parsed = IRIS.parse(str(IRIS.event("award", "E000001-little-giant-1", "2019-06-05")))
    assert parsed is not None
    assert (parsed.kind, parsed.local) == ("event", "award/E000001-little-giant-1/2019-06-05")
    assert IRIS.parse(str(IRIS.graph("documents"))) == type(parsed)("graph", "documents")
