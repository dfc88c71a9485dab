"""The default dataset: the curated fact files in ``data/`` turned into one graph per source.

Graphs (``ontology/README.md`` is the model they follow; ``data/README.md`` the file layout):
``reference`` (regions, authorities), ``documents``, ``batches`` (batches, review rounds, count
claims), ``enterprises`` (enterprises and their Little Giant designations), ``review-outcomes``
(lg:ReviewPassed events) and ``key-little-giants`` (lg:KeyLittleGiant designations).

Every fact carries the URL it was taken from (``dcterms:source``). Nothing is filled in that no
source states, with one documented exception: where no source gives a designation's end, it is
derived by the three-year rule of 工信部企业〔2022〕63号 and says so (``prov:wasDerivedFrom``).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from ingest import rdf
from ingest.identity import Registry, is_numbered_slug
from ingest.pipeline import Change, Source
from ingest.rdf import GraphBuilder
from ingest.regions import REGIONS_FILE, Region, RegionTable
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, ORG, PROV, RDFS, SKOS, XSD
from ontology.paths import DATA_DIR

__all__ = ["CuratedDataError", "build_default", "three_year_end"]

GATHERED = dt.date(2026, 11, 27)  # when the facts were taken from their sources (data/README.md)
RULE_DOCUMENT = "工信部企业〔2022〕63号"  # the 2022 Interim Measures: a title lasts three years
RULE_YEARS = 3

_KINDS = {
    "通告": LG.KindAnnouncement,
    "通知": LG.KindNotice,
    "办法": LG.KindMeasures,
    "公示": LG.KindPublicity,
    "名单": LG.KindList,
}
_NOTICE_KINDS = ("通知", "通告")
_REGION_TYPES = {
    "province": LG.Province,
    "planned-city": LG.PlannedCity,
    "corps": LG.ProductionConstructionCorps,
}
_DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TIER_LG = "little-giant"
_TIER_KEY = "key-little-giant"


class CuratedDataError(ValueError):
    """A curated file breaks its own layout or refers to something no other file defines."""


@dataclass(frozen=True)
class _Row:
    where: str  # "data/enterprises.csv::12", the form the pipeline reports rows in
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values[column].strip()

    def fail(self, message: str) -> CuratedDataError:
        return CuratedDataError(f"{self.where}: {message}")

    def as_date(self, column: str) -> dt.date | None:
        text = self[column]
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.fail(f"{column} {text!r} is not a date YYYY-MM-DD") from None

    def as_int(self, column: str) -> int | None:
        text = self[column]
        if not text:
            return None
        if not text.isdigit():
            raise self.fail(f"{column} {text!r} is not a whole number")
        return int(text)

    def as_list(self, column: str) -> list[str]:
        return [part.strip() for part in self[column].split(";") if part.strip()]


@dataclass(frozen=True)
class _BatchFacts:
    """What batches.csv says about one batch: the facts designations of the batch inherit."""

    ordinal: int
    announced_by: tuple[URIRef, ...]
    announcement_date: dt.date | None
    valid_from: dt.date | None
    valid_until: dt.date | None
    validity_source: str


@dataclass
class _Graph:
    """One source graph under construction, with the pages it cites and the rows behind nodes."""

    builder: GraphBuilder = field(default_factory=GraphBuilder)
    rows: dict[str, str] = field(default_factory=dict)
    pages: dict[str, dt.date | None] = field(default_factory=dict)

    def add(self, s: URIRef | str, p: URIRef, o: object) -> None:
        self.builder.add(s, p, o)  # type: ignore[arg-type]

    def node(self, iri: URIRef, row: _Row, *types: URIRef) -> URIRef:
        self.builder.type(iri, *types)
        self.rows.setdefault(str(iri), row.where)
        return iri

    def source(self, subject: URIRef, url: str, date: dt.date | None, row: _Row) -> None:
        """``dcterms:source <url>``, the URL typed lg:SourcePage with its date in this graph."""
        if not url:
            raise row.fail("no source_url: every fact needs the page it was taken from")
        self.add(subject, DCTERMS.source, URIRef(url))
        known = self.pages.get(url)
        if date and known and date != known:
            raise row.fail(f"{url} is dated {known} elsewhere, {date} here")
        self.pages[url] = date or known

    def comment(self, subject: URIRef, text: str) -> None:
        if text:
            self.add(subject, RDFS.comment, rdf.text(text, "en"))

    def finish(self) -> GraphBuilder:
        for url, date in sorted(self.pages.items()):
            self.builder.type(URIRef(url), LG.SourcePage)
            if date:
                self.add(URIRef(url), LG.sourceDate, rdf.date(date))
        seen: set[object] = set()
        unique = []
        for t in self.builder.triples:
            if t not in seen:
                seen.add(t)
                unique.append(t)
        self.builder.triples[:] = unique
        return self.builder


def three_year_end(start: dt.date, years: int = RULE_YEARS) -> dt.date:
    """The inclusive last day of a title that starts on ``start`` and lasts ``years`` years."""
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February: the period ends with February
        anniversary = dt.date(start.year + years, 3, 1)
    return anniversary - dt.timedelta(days=1)


def _lang(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


class _Builder:
    """Reads the curated files once and builds each graph; holds the cross-file lookups."""

    def __init__(self, iris: Iris, registry: Registry, data_dir: Path) -> None:
        self.iris = iris
        self.registry = registry
        self.data_dir = data_dir
        self.regions = RegionTable.load(data_dir / REGIONS_FILE)
        self.authorities: dict[str, URIRef] = {}  # every accepted name -> IRI
        self.documents: dict[str, URIRef] = {}  # 文号 or curated slug -> IRI
        self.batches: dict[int, _BatchFacts] = {}
        self.reviews: dict[int, tuple[int, ...]] = {}  # review year -> reviewed batches
        self.designations: set[URIRef] = set()

    # -- reading
    def read(self, name: str, columns: tuple[str, ...]) -> Iterator[_Row]:
        path = self.data_dir / name
        label = f"data/{name}"
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise CuratedDataError(f"{label}: missing column(s) {', '.join(missing)}")
            for n, values in enumerate(reader, start=2):
                yield _Row(f"{label}::{n}", {k: v or "" for k, v in values.items()})

    def document(self, ref: str, row: _Row) -> URIRef:
        """The IRI of a document named by its 文号 or curated slug in documents.csv."""
        if ref not in self.documents:
            raise row.fail(f"document {ref!r} is not in data/documents.csv")
        return self.documents[ref]

    def region(self, text: str, row: _Row) -> Region | None:
        if not text:
            return None
        region = self.regions.resolve(text)
        if region is None:
            raise row.fail(f"{text!r} is not a province, planned city or 新疆生产建设兵团")
        return region

    def enterprise(self, g: _Graph, row: _Row, name_en: str = "") -> tuple[str, URIRef]:
        """Resolve the row's firm to its key (minted once) and state what this source prints."""
        name_zh = row["name_zh"]
        if not name_zh and not name_en:
            raise row.fail("an enterprise needs a Chinese or an English name")
        region = self.region(row["region"], row)
        uscc = row.values.get("uscc", "").strip()
        resolution = self.registry.resolve(
            name=name_zh or None,
            english_name=name_en or None,
            uscc=uscc or None,
            region=region.code if region else None,
        )
        if resolution.key is None:
            raise row.fail(f"cannot tell which enterprise this is: {resolution.reason}")
        ent = g.node(self.iris.enterprise(resolution.key), row, LG.Enterprise)
        if name_zh:
            g.add(ent, LG.legalName, rdf.text(name_zh, "zh"))
            g.add(ent, RDFS.label, rdf.text(name_zh, "zh"))
        if name_en:
            g.add(ent, LG.englishName, rdf.text(name_en, "en"))
            g.add(ent, RDFS.label, rdf.text(name_en, "en"))
        if region is not None:
            g.add(ent, LG.reportingRegion, region.iri(self.iris))
        if uscc:
            g.add(ent, LG.uscc, rdf.text(self.registry.uscc_of(resolution.key)))
        g.source(ent, row["source_url"], row.as_date("source_date"), row)
        return resolution.key, ent

    # -- graphs
    def reference(self) -> _Graph:
        g = _Graph()
        for n, region in enumerate(self.regions, start=2):
            row = _Row(f"data/{REGIONS_FILE.as_posix()}::{n}", {})
            iri = g.node(region.iri(self.iris), row, _REGION_TYPES[region.kind], LG.ReportingRegion)
            if region.gb_code:
                g.add(iri, LG.gbCode, rdf.text(region.gb_code))
            for label, lang in ((region.name_zh, "zh"), (region.name_en, "en")):
                g.add(iri, SKOS.prefLabel, rdf.text(label, lang))
                g.add(iri, RDFS.label, rdf.text(label, lang))
            for alias in region.aliases:
                g.add(iri, SKOS.altLabel, rdf.text(alias, _lang(alias)))
            for prefix in region.uscc_prefixes:
                g.add(iri, LG.divisionCodePrefix, rdf.text(prefix))
            if region.within:
                province = self.regions.get(region.within)
                assert province is not None  # noqa: S101 - RegionTable checked it on load
                g.add(iri, LG.withinProvince, province.iri(self.iris))
            g.source(iri, region.source_url, None, row)
            g.comment(iri, region.note)
        columns = ("slug", "name_zh", "name_en", "aliases", "parent", "source_url", "note")
        rows = list(self.read("reference/authorities.csv", columns))
        for row in rows:
            iri = g.node(self.iris.authority(row["slug"]), row, LG.Authority)
            for name in (row["name_zh"], *row.as_list("aliases")):
                if name in self.authorities:
                    raise row.fail(f"authority name {name!r} is used twice")
                self.authorities[name] = iri
            g.add(iri, SKOS.prefLabel, rdf.text(row["name_zh"], "zh"))
            g.add(iri, RDFS.label, rdf.text(row["name_zh"], "zh"))
            if row["name_en"]:
                g.add(iri, SKOS.prefLabel, rdf.text(row["name_en"], "en"))
                g.add(iri, RDFS.label, rdf.text(row["name_en"], "en"))
            for alias in row.as_list("aliases"):
                g.add(iri, SKOS.altLabel, rdf.text(alias, _lang(alias)))
            g.source(iri, row["source_url"], None, row)
            g.comment(iri, row["note"])
        slugs = {row["slug"] for row in rows}
        for row in rows:
            if row["parent"]:
                if row["parent"] not in slugs:
                    raise row.fail(f"parent {row['parent']!r} is not an authority slug")
                iri = self.iris.authority(row["slug"])
                g.add(iri, ORG.subOrganizationOf, self.iris.authority(row["parent"]))
        return g

    def documents_graph(self) -> _Graph:
        columns = (
            "slug", "doc_number", "title_zh", "title_en", "description_en", "issuer",
            "date_written", "date_published", "kind", "cites", "source_url", "source_date", "note",
        )  # fmt: skip
        rows = list(self.read("documents.csv", columns))
        for row in rows:  # first pass: every document's IRI, so citations may point forward
            number, slug = row["doc_number"], row["slug"]
            if number:
                if not _DOC_NUMBER.match(number):
                    raise row.fail(f"{number!r} is not a 文号 of the form 前缀〔年份〕序号号")
                slug = self.registry.document_slug(number)
                key = number
            elif not slug or is_numbered_slug(slug):
                raise row.fail(f"a document without 文号 needs a curated slug, not {slug!r}")
            else:
                key = slug
            if key in self.documents:
                raise row.fail(f"document {key!r} is listed twice")
            self.documents[key] = self.iris.document(slug)
        g = _Graph()
        for row in rows:
            doc = self.documents[row["doc_number"] or row["slug"]]
            kind = row["kind"]
            if kind not in _KINDS:
                raise row.fail(f"kind {kind!r} is not one of {', '.join(_KINDS)}")
            types = (LG.RegulatoryDocument, LG.Notice) if kind in _NOTICE_KINDS else ()
            g.node(doc, row, *(types or (LG.RegulatoryDocument,)))
            g.add(doc, LG.documentKind, _KINDS[kind])
            if row["doc_number"]:
                g.add(doc, LG.documentNumber, rdf.text(row["doc_number"]))
                g.add(doc, RDFS.label, rdf.text(row["doc_number"], "zh"))
            if row["title_zh"]:
                g.add(doc, DCTERMS.title, rdf.text(row["title_zh"], "zh"))
                if not row["doc_number"]:
                    g.add(doc, RDFS.label, rdf.text(row["title_zh"], "zh"))
            if row["title_en"]:
                g.add(doc, LG.titleTranslation, rdf.text(row["title_en"], "en"))
            if row["description_en"]:
                if row["doc_number"] or row["title_zh"] or row["title_en"]:
                    raise row.fail("description_en is only for documents with no title or 文号")
                g.add(doc, LG.titleTranslation, rdf.text(row["description_en"], "en"))
                g.add(doc, RDFS.label, rdf.text(row["description_en"], "en"))
                g.comment(doc, "No title or 文号 found: the English title describes the document.")
            elif not (row["doc_number"] or row["title_zh"] or row["title_en"]):
                raise row.fail("a document needs a 文号, a title or a description_en")
            for issuer in row.as_list("issuer"):
                if issuer not in self.authorities:
                    raise row.fail(f"issuer {issuer!r} is not in data/reference/authorities.csv")
                g.add(doc, LG.issuer, self.authorities[issuer])
            written, published = row.as_date("date_written"), row.as_date("date_published")
            if written:
                g.add(doc, LG.dateWritten, rdf.date(written))
            if published:
                if written and published < written:
                    raise row.fail(f"published {published} before it was written {written}")
                g.add(doc, LG.datePublished, rdf.date(published))
            for cited in row.as_list("cites"):
                g.add(doc, LG.cites, self.document(cited, row))
            g.source(doc, row["source_url"], row.as_date("source_date"), row)
            g.comment(doc, row["note"])
        return g

    def batches_graph(self) -> _Graph:
        g = _Graph()
        columns = (
            "target", "year", "reviewed_batches", "announced_by", "announcement_date",
            "declared_count", "valid_from", "valid_until", "validity_source_url", "source_url",
            "source_date", "note",
        )  # fmt: skip
        targets: dict[str, URIRef] = {}
        for row in self.read("batches.csv", columns):
            kind, _, number = row["target"].partition(":")
            if kind not in ("batch", "review") or not number.isdigit():
                raise row.fail(f"target {row['target']!r} is neither batch:N nor review:YEAR")
            year = row.as_int("year")
            announced = tuple(self.document(ref, row) for ref in row.as_list("announced_by"))
            if kind == "batch":
                iri = self._batch(g, row, int(number), year, announced)
            else:
                iri = self._review(g, row, int(number), announced)
            if row["target"] in targets:
                raise row.fail(f"{row['target']} is described twice")
            targets[row["target"]] = iri
            for doc in announced:
                g.add(iri, LG.announcedBy, doc)
                g.add(doc, LG.announces, iri)
            g.source(iri, row["source_url"], row.as_date("source_date"), row)
            g.comment(iri, row["note"])
        claim_columns = (
            "target", "count", "count_basis", "doc_number", "date", "date_kind",
            "a_share_listed", "source_url", "source_date", "note",
        )  # fmt: skip
        for row in self.read("count_claims.csv", claim_columns):
            if row["target"] not in targets:
                raise row.fail(f"{row['target']!r} is not described in data/batches.csv")
            count, basis = row.as_int("count"), row["count_basis"] or "not stated"
            if count is None:
                raise row.fail("a count claim needs a count")
            claim = self.iris.claim(row["target"], str(count), basis, row["source_url"])
            if str(claim) in g.rows:
                raise row.fail("the same claim from the same source is listed twice")
            g.node(claim, row, LG.CountClaim)
            g.add(targets[row["target"]], LG.countClaim, claim)
            g.add(claim, LG.count, rdf.typed(count, XSD.nonNegativeInteger))
            g.add(claim, LG.countBasis, rdf.text(basis))
            g.add(claim, RDFS.label, rdf.text(f"{count} ({basis})", _lang(basis)))
            details = [row["note"]]
            if row["doc_number"]:
                details.append(f"Document: {row['doc_number']}.")
            if row["date"]:
                details.append(f"Date: {row['date']} ({row['date_kind'] or 'kind not stated'}).")
            if row["a_share_listed"]:
                details.append(f"A-share listed (unverified): {row['a_share_listed']}.")
            g.comment(claim, " ".join(d for d in details if d))
            g.source(claim, row["source_url"], row.as_date("source_date"), row)
        return g

    def _batch(
        self, g: _Graph, row: _Row, n: int, year: int | None, announced: tuple[URIRef, ...]
    ) -> URIRef:
        iri = g.node(self.iris.batch(n), row, LG.Batch)
        g.add(iri, LG.ordinal, rdf.typed(n, XSD.positiveInteger))
        g.add(iri, LG.tier, LG.LittleGiant)
        g.add(iri, RDFS.label, rdf.text(f"第{n}批专精特新“小巨人”企业", "zh"))
        g.add(iri, RDFS.label, rdf.text(f"Little Giant batch {n}", "en"))
        if year:
            g.add(iri, LG.year, rdf.gyear(year))
        declared = row.as_int("declared_count")
        if declared is not None:
            g.add(iri, LG.declaredCount, rdf.typed(declared, XSD.nonNegativeInteger))
        announced_on = row.as_date("announcement_date")
        if announced_on:
            g.add(iri, LG.announcementDate, rdf.date(announced_on))
        valid_from, valid_until = row.as_date("valid_from"), row.as_date("valid_until")
        if (valid_from or valid_until) and not row["validity_source_url"]:
            raise row.fail("a stated validity needs its validity_source_url")
        if valid_from and valid_until and valid_until < valid_from:
            raise row.fail(f"valid_until {valid_until} is before valid_from {valid_from}")
        if row["validity_source_url"]:
            g.source(iri, row["validity_source_url"], None, row)
        self.batches[n] = _BatchFacts(
            n, announced, announced_on, valid_from, valid_until, row["validity_source_url"]
        )
        return iri

    def _review(self, g: _Graph, row: _Row, year: int, announced: tuple[URIRef, ...]) -> URIRef:
        iri = g.node(self.iris.review(year), row, LG.ReviewRound)
        reviewed = tuple(int(b) for b in row.as_list("reviewed_batches") if b.isdigit())
        if not reviewed or len(reviewed) != len(row.as_list("reviewed_batches")):
            raise row.fail("a review round needs reviewed_batches such as 1 or 1;4")
        g.add(iri, LG.year, rdf.gyear(year))
        for b in reviewed:
            if b not in self.batches:
                raise row.fail(f"batch {b} is reviewed but not described above")
            g.add(iri, LG.reviewedBatch, self.iris.batch(b))
        listed = "、".join(f"第{b}批" for b in reviewed)
        g.add(iri, RDFS.label, rdf.text(f"{year}年{listed}专精特新“小巨人”企业复核", "zh"))
        batches = ", ".join(str(b) for b in reviewed)
        g.add(iri, RDFS.label, rdf.text(f"Review {year} of Little Giant batch {batches}", "en"))
        self.reviews[year] = reviewed
        return iri

    def _validity(self, facts: _BatchFacts) -> tuple[dt.date | None, dt.date | None, bool]:
        """(valid from, valid until, whether the end is derived by the three-year rule)."""
        start = facts.valid_from or facts.announcement_date
        if facts.valid_until:
            return start, facts.valid_until, False
        if start:
            return start, three_year_end(start), True
        return None, None, False

    def enterprises_graph(self) -> _Graph:
        g = _Graph()
        columns = (
            "name_zh", "name_en", "region", "batch", "uscc", "evidence", "awarded_by",
            "source_url", "source_date", "note",
        )  # fmt: skip
        known: dict[int, set[URIRef]] = {n: set() for n in self.batches}
        for row in self.read("enterprises.csv", columns):
            n = row.as_int("batch")
            if n not in self.batches:
                raise row.fail(f"batch {row['batch']!r} is not described in data/batches.csv")
            key, ent = self.enterprise(g, row, row["name_en"])
            g.comment(ent, row["note"])
            des = g.node(self.iris.designation(key, _TIER_LG, n), row, LG.Designation)
            known[n].add(des)
            self.designations.add(des)
            g.add(des, LG.holder, ent)
            g.add(des, LG.tier, LG.LittleGiant)
            g.add(des, LG.batch, self.iris.batch(n))
            if row["name_zh"]:
                label = rdf.text(f"{row['name_zh']}：第{n}批专精特新“小巨人”企业", "zh")
            else:
                label = rdf.text(f"{row['name_en']}: Little Giant, batch {n}", "en")
            g.add(des, RDFS.label, label)
            awarded = [self.document(ref, row) for ref in row.as_list("awarded_by")]
            for doc in awarded or self.batches[n].announced_by:
                g.add(des, LG.awardedBy, doc)
            if not (awarded or self.batches[n].announced_by):
                raise row.fail("no awarding document: fill awarded_by or the batch's announced_by")
            if row["evidence"]:
                g.add(des, LG.evidence, rdf.text(row["evidence"]))
            self._designation_validity(g, des, self.batches[n], row)
            g.source(des, row["source_url"], row.as_date("source_date"), row)
        for n, designations in known.items():
            g.add(
                self.iris.batch(n),
                LG.knownCount,
                rdf.typed(len(designations), XSD.nonNegativeInteger),
            )
        return g

    def _designation_validity(self, g: _Graph, des: URIRef, facts: _BatchFacts, row: _Row) -> None:
        start, end, derived = self._validity(facts)
        if start:
            g.add(des, LG.validFrom, rdf.date(start))
        if end:
            g.add(des, LG.validUntil, rdf.date(end))
        if derived:
            g.add(des, PROV.wasDerivedFrom, self.document(RULE_DOCUMENT, row))
        elif facts.validity_source:
            g.source(des, facts.validity_source, None, row)

    def review_outcomes_graph(self) -> _Graph:
        g = _Graph()
        columns = (
            "name_zh", "region", "batch", "review_round", "review_year", "outcome", "doc_number",
            "event_document", "date", "source_url", "source_date", "note",
        )  # fmt: skip
        for row in self.read("review_outcomes.csv", columns):
            if row["outcome"] != "passed (公示)":
                raise row.fail(f"outcome {row['outcome']!r}: only passes on a 公示 are modelled")
            n, year, day = row.as_int("batch"), row.as_int("review_year"), row.as_date("date")
            if year not in self.reviews or n not in self.reviews[year]:
                raise row.fail(f"no review round {year} of batch {n} in data/batches.csv")
            if day is None:
                raise row.fail("a review outcome needs its date")
            key, _ = self.enterprise(g, row)
            des = self.iris.designation(key, _TIER_LG, n)  # type: ignore[arg-type]
            if des not in self.designations:
                raise row.fail(f"no batch-{n} designation of this firm in data/enterprises.csv")
            parsed = self.iris.parse(str(des))
            assert parsed is not None  # noqa: S101 - minted under the same base just above
            event = self.iris.event("review-passed", parsed.local, day.isoformat())
            g.node(event, row, LG.ReviewPassed, LG.DesignationEvent)
            g.add(event, LG.designation, des)
            g.add(event, LG.eventDate, rdf.date(day))
            g.add(event, LG.reviewRound, self.iris.review(year))  # type: ignore[arg-type]
            g.add(event, LG.evidence, rdf.text("公示"))
            g.add(event, RDFS.label, rdf.text(f"{row['name_zh']}：{row['review_round']}通过", "zh"))
            if row["event_document"]:
                g.add(event, LG.eventDocument, self.document(row["event_document"], row))
            _, end, _ = self._validity(self.batches[n])  # type: ignore[index]
            if end:
                # passing a review extends the title by three years (工信部企业〔2022〕63号)
                g.add(event, LG.validUntil, rdf.date(three_year_end(end + dt.timedelta(days=1))))
                g.add(event, PROV.wasDerivedFrom, self.document(RULE_DOCUMENT, row))
            notes = [row["note"]]
            if row["doc_number"]:
                notes.append(f"Review launched by {row['doc_number']}.")
            g.comment(event, " ".join(x for x in notes if x))
            g.source(event, row["source_url"], row.as_date("source_date"), row)
        return g

    def key_little_giants_graph(self) -> _Graph:
        g = _Graph()
        columns = (
            "name_zh", "region", "list_title", "fiscal_batch", "fiscal_batch_key", "list_date",
            "basis_doc", "awarded_by", "evidence", "source_url", "source_date", "note",
        )  # fmt: skip
        for row in self.read("key_little_giants.csv", columns):
            fiscal = row["fiscal_batch_key"]
            if not re.fullmatch(r"\d+-\d+", fiscal):
                raise row.fail(f"fiscal_batch_key {fiscal!r} is not batch-year such as 2-2")
            key, ent = self.enterprise(g, row)
            des = g.node(self.iris.designation(key, _TIER_KEY, fiscal), row, LG.Designation)
            g.add(des, LG.holder, ent)
            g.add(des, LG.tier, LG.KeyLittleGiant)
            g.add(des, LG.fiscalBatch, rdf.text(row["fiscal_batch"], "zh"))
            g.add(des, LG.listTitle, rdf.text(row["list_title"], "zh"))
            g.add(
                des,
                RDFS.label,
                rdf.text(f"{row['name_zh']}：重点“小巨人”（{row['fiscal_batch']}）", "zh"),
            )
            if not row.as_list("awarded_by"):
                raise row.fail("no awarding list (awarded_by) for this designation")
            for ref in row.as_list("awarded_by"):
                g.add(des, LG.awardedBy, self.document(ref, row))
            if row["evidence"]:
                g.add(des, LG.evidence, rdf.text(row["evidence"]))
            notes = [row["note"]]
            if row["basis_doc"]:
                notes.append(f"Fiscal support under {row['basis_doc']}.")
            if row["list_date"]:
                notes.append(
                    f"List dated {row['list_date']}; the fiscal batch's start is not established."
                )
            g.comment(des, " ".join(x for x in notes if x))
            g.source(des, row["source_url"], row.as_date("source_date"), row)
        return g


def build_default(iris: Iris, registry: Registry, data_dir: Path = DATA_DIR) -> list[Change]:
    """Build the default dataset's graphs from the curated files, one Change per source graph.

    Keys come from the registry (minted for firms seen the first time: save the registry after a
    successful commit). A graph whose facts lean on another file (designations take their batch's
    validity from batches.csv) lists that file among its sources, so a change there rebuilds it.
    Raises CuratedDataError naming the file and row of a broken or dangling fact.
    """
    b = _Builder(iris, registry, data_dir)
    path = data_dir.joinpath
    plan = (
        ("reference", "Reference data: reporting regions and authorities", b.reference,
         (path(REGIONS_FILE), path("reference/authorities.csv"))),
        ("documents", "Curated regulatory documents", b.documents_graph,
         (path("documents.csv"),)),
        ("batches", "Curated batches, review rounds and count claims", b.batches_graph,
         (path("batches.csv"), path("count_claims.csv"))),
        ("enterprises", "Curated enterprises and their Little Giant designations",
         b.enterprises_graph, (path("enterprises.csv"), path("batches.csv"))),
        ("review-outcomes", "Curated re-review outcomes", b.review_outcomes_graph,
         (path("review_outcomes.csv"), path("batches.csv"))),
        ("key-little-giants", "Curated key Little Giant (fiscal support) lists",
         b.key_little_giants_graph, (path("key_little_giants.csv"),)),
    )  # fmt: skip
    changes = []
    for name, title, build, files in plan:
        graph = build()
        # the reference data is the standard's, not a page read on the gathering day
        gathered = None if name == "reference" else GATHERED
        source = Source(name, title, files=files, retrieval_date=gathered)
        changes.append(Change(source, graph.finish(), graph.rows))
    return changes
