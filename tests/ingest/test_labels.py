"""Both languages have a label for what the pages list: every designation and designation event,
built from the shipped data or ingested from a list, is labelled in Chinese and in English (the
firm's English name where one is known, else its name as printed), and a document's English
title is its English label on the pages.

The lists here are SYNTHETIC test data (invented firms marked 测试, credit codes computed to be
valid), run through the real parser, registry, gate and store on top of the default dataset.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from stdnum.cn import uscc

from ingest.identity import Registry
from ingest.ingest_file import ingest_file
from ontology.iris import Iris
from ontology.namespaces import LG, RDFS
from ontology.store import EmbeddedStore
from server.describe import label_map

LABELLED = (LG.Designation, LG.DesignationEvent, LG.Award, LG.ReviewPassed, LG.ReviewFailed)
LABEL = ox.NamedNode(str(RDFS.label))


def code(region6: str, serial: str) -> str:
    stem = "91" + region6 + f"MA{serial:0>7}"
    return stem + uscc.calc_check_digit(stem)


def missing_labels(store: EmbeddedStore) -> dict[str, list[str]]:
    """Each labelled class: its members lacking a @zh or an @en rdfs:label."""
    out: dict[str, list[str]] = {}
    for cls in LABELLED:
        members = {
            row["s"].value for row in store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }}")
        }
        for member in sorted(members):
            langs = {
                q.object.language
                for q in store.quads(ox.NamedNode(member), LABEL, None, None)
                if isinstance(q.object, ox.Literal)
            }
            if not {"zh", "en"} <= langs:
                out.setdefault(str(cls), []).append(member)
    return out


def test_the_shipped_data_labels_designations_and_events_in_both_languages(
    default_store: EmbeddedStore,
) -> None:
    assert missing_labels(default_store) == {}


SYNTHETIC = "专精特新“小巨人”企业名单（测试用合成数据）\n"
LISTS = [
    ("batch", dt.date(2025, 7, 1), None, "第七批" + SYNTHETIC),
    ("review-passed", dt.date(2028, 6, 1), None, "通过复核的第七批" + SYNTHETIC),
    ("review-failed", dt.date(2028, 6, 1), None, "未通过复核的第七批" + SYNTHETIC),
    (
        "revocation",
        dt.date(2026, 5, 20),
        "工信厅企业函〔2026〕999号",
        "撤销专精特新“小巨人”企业称号名单（测试用合成数据）\n",
    ),
]


@pytest.mark.parametrize(("kind", "day", "document", "title"), LISTS[1:])
def test_ingested_lists_label_designations_and_events_in_both_languages(
    tmp_path: Path,
    default_store: EmbeddedStore,
    registry: Registry,
    iris: Iris,
    kind: str,
    day: dt.date,
    document: str | None,
    title: str,
) -> None:
    firm = ("北京测试甲科技有限公司", code("110108", "1"))
    rows = f"序号,省份,企业名称,统一社会信用代码\n1,北京市,{firm[0]},{firm[1]}\n"
    batch_kind, batch_day, _, batch_title = LISTS[0]
    for name, (k, d, doc, t) in {
        "b7.csv": (batch_kind, batch_day, None, batch_title),
        "then.csv": (kind, day, document, title),
    }.items():
        path = tmp_path / name
        path.write_text(t + rows, encoding="utf-8")
        ingest_file(
            default_store, iris, registry, path, kind=k, date=d, document=doc,
            review_dir=tmp_path / "review",
        )  # fmt: skip
    assert missing_labels(default_store) == {}


def test_a_documents_english_title_is_its_english_label(default_store: EmbeddedStore) -> None:
    rows = default_store.query(
        f"SELECT DISTINCT ?d WHERE {{ ?d <{LG.titleTranslation}> ?t FILTER(LANG(?t) = 'en') }}"
    )
    documents = [row["d"].value for row in rows]
    assert documents
    labels = label_map(default_store, documents)
    assert [d for d in documents if not labels.get(d, {}).get("en")] == []
