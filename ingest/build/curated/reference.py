"""The ``reference`` graph: reporting regions (GB/T 2260, planned cities, XPCC), authorities."""

from __future__ import annotations

from ingest.build.curated.graph import CuratedGraph
from ingest.build.curated.lookups import Lookups
from ingest.build.curated.rows import CuratedRow, read_rows
from ingest.regions import REGIONS_FILE
from ontology import rdf
from ontology.names import language_of
from ontology.namespaces import LG, ORG, RDFS, SKOS

_REGION_TYPES = {
    "province": LG.Province,
    "planned-city": LG.PlannedCity,
    "corps": LG.ProductionConstructionCorps,
}
_AUTHORITY_COLUMNS = ("slug", "name_zh", "name_en", "aliases", "parent", "source_url", "note")


def reference_graph(lk: Lookups) -> CuratedGraph:
    """Regions and authorities; records every accepted authority name in ``lk.authorities``."""
    g = CuratedGraph(catalogue=lk.book.catalogue)
    _regions(g, lk)
    _authorities(g, lk)
    return g


def _regions(g: CuratedGraph, lk: Lookups) -> None:
    for n, region in enumerate(lk.regions, start=2):
        row = CuratedRow(f"data/{REGIONS_FILE.as_posix()}::{n}", {})
        iri = g.node(region.iri(lk.iris), row, _REGION_TYPES[region.kind], LG.ReportingRegion)
        if region.gb_code:
            g.add(iri, LG.gbCode, rdf.text(region.gb_code))
        for label, lang in ((region.name_zh, "zh"), (region.name_en, "en")):
            g.add(iri, SKOS.prefLabel, rdf.text(label, lang))
            g.add(iri, RDFS.label, rdf.text(label, lang))
        for alias in region.aliases:
            g.add(iri, SKOS.altLabel, rdf.text(alias, language_of(alias)))
        for prefix in region.uscc_prefixes:
            g.add(iri, LG.divisionCodePrefix, rdf.text(prefix))
        if region.within:
            province = lk.regions.province_of(region)  # RegionTable checked it on load
            g.add(iri, LG.withinProvince, province.iri(lk.iris))
        g.source(iri, row, region.source_url, None)
        g.comment(iri, region.note)


def _authorities(g: CuratedGraph, lk: Lookups) -> None:
    rows = list(read_rows(lk.data_dir, "reference/authorities.csv", _AUTHORITY_COLUMNS))
    for row in rows:
        iri = g.node(lk.iris.authority(row["slug"]), row, LG.Authority)
        for name in (row["name_zh"], *row.as_list("aliases")):
            if name in lk.authorities:
                raise row.fail(f"authority name {name!r} is used twice")
            lk.authorities[name] = iri
        g.add(iri, SKOS.prefLabel, rdf.text(row["name_zh"], "zh"))
        g.add(iri, RDFS.label, rdf.text(row["name_zh"], "zh"))
        if row["name_en"]:
            g.add(iri, SKOS.prefLabel, rdf.text(row["name_en"], "en"))
            g.add(iri, RDFS.label, rdf.text(row["name_en"], "en"))
        for alias in row.as_list("aliases"):
            g.add(iri, SKOS.altLabel, rdf.text(alias, language_of(alias)))
        g.source(iri, row, row["source_url"], None)
        g.comment(iri, row["note"])
    slugs = {row["slug"] for row in rows}
    for row in rows:
        if row["parent"]:
            if row["parent"] not in slugs:
                raise row.fail(f"parent {row['parent']!r} is not an authority slug")
            iri = lk.iris.authority(row["slug"])
            g.add(iri, ORG.subOrganizationOf, lk.iris.authority(row["parent"]))
