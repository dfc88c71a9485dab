"""The key Little Giant fiscal-support lists, row by row (data/key_little_giants_2024_lists.csv).

Each list becomes one graph: the published list (lg:PublishedList, its title as printed, its
size), one lg:ListEntry per printed row (序号, name and region as printed, the enterprise the
identity matching resolved it to), and one lg:FiscalSupport per firm and fiscal-support batch,
derived from the entry. Being on such a list makes a firm a national Little Giant, but no list
states the batch it was recognised in: no lg:Designation is made, and the recognition batch is
never taken from the fiscal one (第一批第三年 lists firms of recognition batch 2).

The rows were read through a copy (``via``: a public repository's extraction of the official
PDF attachments), so each list's graph cites that copy as its source and the PDF as the
primary source (``prov:hadPrimarySource``). The lists' publication dates are not known and are
not stated. Names that may be a known firm renamed are not merged: they go to the committed
review record (``data/review/``) and to a comment on the entry, for a person to decide.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ingest.build.curated.lookups import Lookups
from ingest.build.curated.rows import CuratedDataError, CuratedRow, read_rows
from ingest.firm_match import name_head, same_province
from ingest.registry_files import key_number
from ontology import rdf
from ontology.iris import Iris
from ontology.names import cn_number, split_name_notes
from ontology.namespaces import DCTERMS, LG, PROV, RDFS, XSD
from ontology.rdf import GraphBuilder

LISTS_FILE = "key_little_giants_2024_lists.csv"
REVIEW_FILE = "review/key_little_giants_2024_lists.csv"
BASIS_DOCUMENT = "财建〔2021〕2号"  # the fiscal support the lists select for
_COLUMNS = (
    "list_title", "fiscal_batch_year", "list_size", "seq", "region_as_printed", "name_zh",
    "source_url", "via", "via_date", "note",
)  # fmt: skip
REVIEW_FIELDS = (
    "list", "seq", "name_as_printed", "region_as_printed", "key", "candidate_key", "reason",
    "decision",
)  # fmt: skip
_FISCAL = re.compile(r"^第([一二三四五六七八九十\d]+)批第([一二三四五六七八九十\d]+)年$")


@dataclass(frozen=True)
class ReviewCase:
    """A row a person should decide: the key it got and a known firm it may be (renamed)."""

    list_slug: str
    seq: int
    name: str
    region: str
    key: str
    candidate: str
    reason: str

    def as_row(self) -> list[str]:
        return [self.list_slug, str(self.seq), self.name, self.region, self.key, self.candidate,
                self.reason, ""]  # fmt: skip


@dataclass
class ListGraph:
    """One published list's graph under construction, the row behind each node, its review."""

    slug: str  # keylg-b1-y3-list
    title: str
    fiscal_batch: int
    support_year: int
    via: str = ""  # the copy the rows were read through
    builder: GraphBuilder = field(default_factory=GraphBuilder)
    rows: dict[str, str] = field(default_factory=dict)
    review: list[ReviewCase] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # the firms its rows resolved to so far

    @property
    def graph_name(self) -> str:
        return f"list-{self.slug.removesuffix('-list')}"


def fiscal_batch_year(text: str, row: CuratedRow) -> tuple[int, int]:
    """第一批第三年 → (1, 3): the fiscal-support batch and the year of support.

    Raises:
        CuratedDataError: the text is not of that form.
    """
    m = _FISCAL.match(text)
    batch, year = (cn_number(m[1]), cn_number(m[2])) if m else (None, None)
    if batch is None or year is None:
        raise row.fail(f"fiscal_batch_year {text!r} is not of the form 第N批第M年")
    return batch, year


def describe_fiscal_batch(
    b: GraphBuilder, lk: Lookups, n: int, row: CuratedRow, source: URIRef
) -> URIRef:
    """The fiscal-support batch node, as every graph that names it states it (``source``: the
    page or copy this graph read, which names the batch)."""
    fb = lk.iris.fiscal_batch(n)
    b.add(fb, DCTERMS.source, source)
    b.type(fb, LG.FiscalSupportBatch)
    b.add(fb, LG.ordinal, rdf.typed(n, XSD.positiveInteger))
    b.add(fb, LG.program, LG.KeyLittleGiant)
    b.add(fb, LG.legalBasis, lk.document(BASIS_DOCUMENT, row))
    b.add(fb, RDFS.label, rdf.text(f"第{_zh(n)}批重点“小巨人”企业（中央财政支持）", "zh"))
    b.add(fb, RDFS.label, rdf.text(f"Key Little Giants, fiscal-support batch {n}", "en"))
    return fb


def describe_support(
    b: GraphBuilder, iris: Iris, key: str, name: str, fiscal_batch: int, year: int
) -> URIRef:
    """One firm's fiscal support in one fiscal batch, with the support year this source shows."""
    support = iris.support(key, fiscal_batch)
    b.type(support, LG.FiscalSupport)
    b.add(support, LG.holder, iris.enterprise(key))
    b.add(support, LG.fiscalBatch, iris.fiscal_batch(fiscal_batch))
    b.add(support, LG.supportYear, rdf.typed(year, XSD.positiveInteger))
    label = f"{name}：重点“小巨人”（第{_zh(fiscal_batch)}批财政支持）"
    b.add(support, RDFS.label, rdf.text(label, "zh"))
    return support


def fiscal_list_graphs(lk: Lookups) -> list[ListGraph]:
    """One graph per published list of the file, in the order the file gives them.

    Raises:
        CuratedDataError: a list whose 序号 do not run 1..list_size, a row that disagrees with
            its list, an unknown region, or a row the identity matching cannot place.
    """
    lists: dict[str, ListGraph] = {}
    sizes: dict[str, tuple[int, list[int]]] = {}
    for row in read_rows(lk.data_dir, LISTS_FILE, _COLUMNS):
        batch, year = fiscal_batch_year(row["fiscal_batch_year"], row)
        slug = f"keylg-b{batch}-y{year}-list"
        lg = lists.get(slug)
        if lg is None:
            lk.registry.new_source()
            lg = lists[slug] = ListGraph(slug, row["list_title"], batch, year)
            sizes[slug] = (_size(row), [])
            _describe_list(lg, lk, row)
        elif row["list_title"] != lg.title or _size(row) != sizes[slug][0]:
            raise row.fail(f"list_title or list_size differ from the list's first row ({slug})")
        seq = row.as_int("seq")
        if seq is None or seq < 1:
            raise row.fail(f"seq {row['seq']!r} is not a 序号 of the list")
        sizes[slug][1].append(seq)
        _entry(lg, lk, row, seq)
    for slug, (size, seqs) in sizes.items():
        if sorted(seqs) != list(range(1, size + 1)):
            raise CuratedDataError(
                f"data/{LISTS_FILE}: the 序号 of {slug} do not run 1..{size} without gap or repeat"
            )
        lg = lists[slug]
        doc = lk.iris.document(slug)
        known = sum(1 for t in lg.builder if t.predicate.value == str(LG.listedEnterprise))
        lg.builder.add(doc, LG.knownEntryCount, rdf.typed(known, XSD.nonNegativeInteger))
        lg.builder.triples[:] = list(dict.fromkeys(lg.builder.triples))
    return list(lists.values())


def _size(row: CuratedRow) -> int:
    size = row.as_int("list_size")
    if size is None:
        raise row.fail("a list row needs its list_size")
    return size


def _describe_list(lg: ListGraph, lk: Lookups, row: CuratedRow) -> None:
    """The published list, the copy it was read through and the official PDF it copies."""
    b, doc = lg.builder, lk.iris.document(lg.slug)
    via, pdf = _urls(row)
    lg.via = str(via)
    b.type(doc, LG.PublishedList, LG.RegulatoryDocument)
    lg.rows.setdefault(str(doc), row.where)
    b.add(doc, DCTERMS.title, rdf.text(lg.title, "zh"))
    b.add(doc, RDFS.label, rdf.text(lg.title, "zh"))
    b.add(doc, LG.documentKind, LG.KindList)
    b.add(doc, LG.fiscalBatch, describe_fiscal_batch(b, lk, lg.fiscal_batch, row, via))
    b.add(doc, LG.supportYear, rdf.typed(lg.support_year, XSD.positiveInteger))
    b.add(doc, LG.printedFiscalBatch, rdf.text(row["fiscal_batch_year"], "zh"))
    b.add(doc, LG.entryCount, rdf.typed(_size(row), XSD.nonNegativeInteger))
    b.add(doc, DCTERMS.source, via)
    b.add(doc, PROV.hadPrimarySource, pdf)
    note = (
        f"Read from a secondary copy ({via}, generated {row['via_date']}): a pdfplumber "
        f"extraction of the official MIIT PDF attachment {pdf}, which was not opened. The "
        "list's publication date is not known and is not stated."
    )
    b.add(doc, RDFS.comment, rdf.text(note, "en"))
    b.type(via, LG.SourcePage, *_class("SecondaryReport"))
    if (generated := row.as_date("via_date")) is not None:
        b.add(via, LG.sourceDate, rdf.date(generated))
    b.add(via, PROV.hadPrimarySource, pdf)
    b.type(pdf, LG.SourcePage, *_class("OfficialPublication"))


def _class(name: str) -> tuple[URIRef, ...]:
    """A source class of the model, where the ontology defines it (official / secondary)."""
    return (LG[name],) if name in LG.__annotations__ else ()


def _urls(row: CuratedRow) -> tuple[URIRef, URIRef]:
    via, pdf = row["via"], row["source_url"]
    if not via.startswith("https://") or not pdf.startswith("https://"):
        raise row.fail("a list row needs the official source_url and the via it was read through")
    return URIRef(via), URIRef(pdf)


def _entry(lg: ListGraph, lk: Lookups, row: CuratedRow, seq: int) -> None:
    """One printed row: the entry, the firm it resolves to, and that firm's fiscal support."""
    b, iris = lg.builder, lk.iris
    via, pdf = _urls(row)
    entry = iris.list_entry(lg.slug, seq)
    printed, region_text = row["name_zh"], row["region_as_printed"]
    region = lk.region(region_text, row)
    b.type(entry, LG.ListEntry)
    lg.rows.setdefault(str(entry), row.where)
    b.add(entry, LG.inList, iris.document(lg.slug))
    b.add(entry, LG.position, rdf.typed(seq, XSD.positiveInteger))
    b.add(entry, LG.printedName, rdf.text(printed, "zh"))
    b.add(entry, RDFS.label, rdf.text(f"{lg.title} 第{seq}号：{printed}", "zh"))
    if region_text:
        b.add(entry, LG.printedRegion, rdf.text(region_text, "zh"))
    if region is not None:
        b.add(entry, LG.reportedBy, region.iri(iris))
    b.add(entry, DCTERMS.source, via)
    b.add(entry, PROV.hadPrimarySource, pdf)
    if row["note"]:
        b.add(entry, RDFS.comment, rdf.text(row["note"], "en"))
    parts = split_name_notes(printed)
    res = lk.registry.resolve(name=printed, region=region.code if region else None)
    if res.key is None:
        for candidate in res.candidates:
            lg.review.append(ReviewCase(lg.slug, seq, printed, region_text, "", candidate,
                                        "ambiguous"))  # fmt: skip
        why = f"Not resolved: {res.reason}; listed for review (data/{REVIEW_FILE})."
        b.add(entry, RDFS.comment, rdf.text(why, "en"))
        return
    similar = _renamed_candidates(lk, lg, res.key, parts.name, region.code if region else "")
    for candidate in similar:
        lg.review.append(ReviewCase(lg.slug, seq, printed, region_text, res.key, candidate,
                                    "possible renaming"))  # fmt: skip
    if similar:
        note = (f"May be {', '.join(similar)} renamed; not merged: listed for review "
                f"(data/{REVIEW_FILE}).")  # fmt: skip
        b.add(entry, RDFS.comment, rdf.text(note, "en"))
    lg.keys.add(res.key)
    ent = iris.enterprise(res.key)
    b.add(entry, LG.listedEnterprise, ent)
    b.type(ent, LG.Enterprise)
    lg.rows.setdefault(str(ent), row.where)
    b.add(ent, RDFS.label, rdf.text(parts.name, "zh"))
    for former in parts.former_names:
        b.add(ent, LG.formerName, rdf.text(former, "zh"))
    b.add(ent, DCTERMS.source, via)
    support = describe_support(b, iris, res.key, parts.name, lg.fiscal_batch, lg.support_year)
    lg.rows.setdefault(str(support), row.where)
    b.add(support, PROV.wasDerivedFrom, entry)
    b.add(support, DCTERMS.source, via)
    b.add(support, PROV.hadPrimarySource, pdf)  # its list's PDF: the copy holds three lists


def _renamed_candidates(lk: Lookups, lg: ListGraph, key: str, name: str, region: str) -> list[str]:
    """Firms known before this one (lower keys) that share its name head in its province and
    are not on the same list (a list never prints one firm twice): possibly it, renamed. The
    same answer whether the registry already holds this firm or mints it now, so the review
    record does not depend on the registry's history."""
    head = name_head(name, lk.registry.regions)
    if not head:
        return []
    return [
        other
        for other in lk.registry.keys_headed(head)
        if other != key
        and key_number(other) < key_number(key)
        and other not in lg.keys
        and same_province(lk.registry.region_of(other), region, lk.registry.regions)
    ]


def review_rows(graphs: Iterable[ListGraph]) -> list[list[str]]:
    """The review record's rows for these lists, in list and 序号 order."""
    return [case.as_row() for g in graphs for case in sorted(g.review, key=lambda c: c.seq)]


def write_review(path: Path, graphs: Iterable[ListGraph]) -> None:
    """Write the review record (header and rows), as ``data/`` commits it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(REVIEW_FIELDS)
        w.writerows(review_rows(graphs))


def _zh(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
