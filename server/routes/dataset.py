"""Dataset metadata and publishing: VoID, DCAT, robots, sitemaps, dumps, @context, ontology, shapes.

VoID (https://www.w3.org/TR/void/) at ``/.well-known/void`` (§7.2 of the VoID note) and
``/dataset``; DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/) in the same description; sitemaps per
https://www.sitemaps.org/protocol.html (50,000 URLs a file, then an index); dumps are gzipped
N-Quads written at commit time by ``ontology.store.dumps`` and served with Range support.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from ontology.iris import Iris
from ontology.namespaces import (
    DCAT,
    DCTERMS,
    LG,
    ONTOLOGY_IRI,
    PREFIXES,
    RDF,
    VOID,
    XSD,
)
from ontology.paths import CONTEXT_JSONLD
from ontology.store import GraphStore
from ontology.store.dumps import DUMP_NAME, Dump, read_manifest, write_dumps
from server.deps import IrisDep, StoreDep
from server.describe import label_map, pick
from server.problems import NotFound
from server.render import CONTEXT_VERSION, get_and_head, page, represent, split_extension
from server.routes import vocabulary
from server.routes.resolve import format_list

router = APIRouter(tags=["dataset"])
router.include_router(vocabulary.router)
T = TypeVar("T")

SITEMAP_LIMIT = 50_000
SITEMAP_KINDS = ("enterprise", "province", "region", "batch", "document")
_SITEMAP_CLASSES = {
    "enterprise": LG.Enterprise,
    "province": LG.Province,
    "region": LG.ReportingRegion,
    "batch": LG.Batch,
    "document": LG.RegulatoryDocument,
}
_STATIC = Path(__file__).resolve().parent.parent / "static"


# -- IRIs of the dataset's own documents (minted by ontology.iris)
def dataset_iri(iris: Iris) -> str:
    return str(iris.dataset())


def dump_url(iris: Iris, name: str = DUMP_NAME) -> str:
    return str(iris.dump(name))


# -- the JSON-LD context
def _context_response(request: Request, max_age: int) -> Response:
    body = CONTEXT_JSONLD.read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}" + (", immutable" if max_age > 3600 else ""),
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "ETag",
    }
    if request.headers.get("if-none-match") in (etag, "W/" + etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/ld+json", headers=headers)


@get_and_head(router, "/context.jsonld")
def get_context(request: Request) -> Response:
    """The current JSON-LD @context (may change between versions; cache briefly)."""
    return _context_response(request, 3600)


@get_and_head(router, "/ns/context/{version}.jsonld")
def get_versioned_context(request: Request, version: str) -> Response:
    """A versioned JSON-LD @context: once published it never changes, so caches keep it a year."""
    if version != CONTEXT_VERSION:
        raise NotFound(f"No JSON-LD context version {version}; the current is {CONTEXT_VERSION}")
    return _context_response(request, 31_536_000)


# -- VoID and DCAT
def dataset_triples(store: GraphStore, iris: Iris, dump: Dump | None) -> list[ox.Triple]:
    """The VoID and DCAT description of the dataset as the store holds it now."""
    ds = ox.NamedNode(dataset_iri(iris))
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal):
        out.append(ox.Triple(s, ox.NamedNode(str(p)), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(str(XSD.integer)))

    add(ds, RDF.type, ox.NamedNode(str(VOID.Dataset)))
    add(ds, RDF.type, ox.NamedNode(str(DCAT.Dataset)))
    add(ds, DCTERMS.title, ox.Literal("专精特新“小巨人”企业知识图谱", language="zh"))
    add(ds, DCTERMS.title, ox.Literal("Little Giant Knowledge Graph", language="en"))
    add(
        ds,
        DCTERMS.description,
        ox.Literal(
            "Linked data on MIIT's 专精特新“小巨人” (Little Giant) enterprise program: documents, "
            "batches, enterprises and their designations, each with its sources.",
            language="en",
        ),
    )
    add(ds, DCTERMS.license, ox.NamedNode("https://www.apache.org/licenses/LICENSE-2.0"))
    add(ds, VOID.uriSpace, ox.Literal(iris.base + "/id/"))
    add(ds, VOID.vocabulary, ox.NamedNode(ONTOLOGY_IRI))
    add(ds, VOID.sparqlEndpoint, ox.NamedNode(iris.base + "/sparql"))
    add(ds, VOID.rootResource, ox.NamedNode(iris.base + "/"))
    add(ds, VOID.triples, integer(len(store)))
    add(ds, DCAT.landingPage, ox.NamedNode(iris.base + "/"))
    service = ox.NamedNode(iris.base + "/sparql")
    add(ds, DCAT.distribution, service)
    add(service, RDF.type, ox.NamedNode(str(DCAT.DataService)))
    add(service, DCAT.endpointURL, service)
    add(service, DCAT.servesDataset, ds)
    add(service, DCTERMS.conformsTo, ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    if dump is not None:
        dist = ox.NamedNode(dump_url(iris, dump.name))
        add(ds, VOID.dataDump, dist)
        add(ds, DCAT.distribution, dist)
        add(dist, RDF.type, ox.NamedNode(str(DCAT.Distribution)))
        add(dist, DCAT.downloadURL, dist)
        add(
            dist,
            DCAT.mediaType,
            ox.NamedNode("https://www.iana.org/assignments/media-types/application/n-quads"),
        )
        add(
            dist,
            DCAT.compressFormat,
            ox.NamedNode("https://www.iana.org/assignments/media-types/application/gzip"),
        )
        add(dist, DCAT.byteSize, integer(dump.size))
        add(dist, LG.sha256, ox.Literal(dump.sha256))
        add(dist, VOID.triples, integer(dump.quads))
        add(
            dist, DCTERMS.issued, ox.Literal(dump.created, datatype=ox.NamedNode(str(XSD.dateTime)))
        )
    for row in store.query(  # type: ignore[attr-defined]
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
    ):
        part = ox.BlankNode()
        add(ds, VOID.classPartition, part)
        add(part, VOID["class"], row["c"])
        add(part, VOID.entities, integer(int(row["n"].value)))
    for row in store.query(  # type: ignore[attr-defined]
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    ):
        graph = row["g"]
        add(ds, VOID.subset, graph)
        add(graph, RDF.type, ox.NamedNode(str(VOID.Dataset)))
        add(graph, VOID.triples, integer(int(row["n"].value)))
        for quad in store.quads(graph, None, None, graph):
            if quad.predicate.value in (str(DCTERMS.title), str(DCTERMS.source), str(LG.sha256)):
                add(graph, quad.predicate.value, quad.object)
    lg = str(LG)
    for row in store.query(  # type: ignore[attr-defined]
        f"""SELECT ?b ?declared (COUNT(DISTINCT ?e) AS ?known) WHERE {{
          ?b a <{lg}Batch> . OPTIONAL {{ ?b <{lg}declaredCount> ?declared }}
          OPTIONAL {{ ?d <{lg}batch> ?b ; <{lg}holder> ?e }}
        }} GROUP BY ?b ?declared ORDER BY ?b"""
    ):
        batch = row["b"]
        add(
            batch,
            LG.knownCount,
            ox.Literal(row["known"].value, datatype=ox.NamedNode(str(XSD.nonNegativeInteger))),
        )
        if row["declared"] is not None:
            add(batch, LG.declaredCount, row["declared"])
    return out


def _ensure_dump(store: GraphStore, directory: Path) -> Dump:
    dump = read_manifest(directory)
    if dump is None or dump.generation != store.generation():
        dump = write_dumps(store, directory)
    return dump


def dumps_directory(request: Request) -> Path:
    """Where this app's dumps live: ``{store}/dumps``, or a private directory for a memory store."""
    store = request.app.state.store
    path = getattr(store, "path", None)
    if path is not None:
        return Path(path) / "dumps"
    directory = getattr(request.app.state, "dump_dir", None)
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="lg-dumps-"))
        request.app.state.dump_dir = directory
    return directory


def _dataset_response(request: Request, store: GraphStore, iris: Iris, path: str) -> Response:
    _, offer = split_extension(path)
    directory = dumps_directory(request)
    dump = _ensure_dump(store, directory)  # the description always links a current dump
    triples = per_state(
        request, store, ("void", dump.sha256), lambda: dataset_triples(store, iris, dump)
    )
    nt = sorted(
        ox.serialize([t], format=ox.RdfFormat.N_TRIPLES) for t in triples if not _has_blank(t)
    )
    digest = hashlib.sha256(b"".join(nt) + store.generation().encode()).hexdigest()

    def html(lang: str) -> str:
        labels = label_map(
            store, [t.object.value for t in triples if isinstance(t.object, ox.NamedNode)]
        )
        rows = [
            {
                "subject": t.subject.value,
                "predicate": _short(t.predicate.value),
                "object": pick(labels.get(t.object.value), lang, t.object.value)
                if isinstance(t.object, ox.NamedNode)
                else t.object.value,
                "href": iris.relative(t.object.value) or t.object.value
                if isinstance(t.object, ox.NamedNode)
                else "",
            }
            for t in triples
            if not isinstance(t.subject, ox.BlankNode)
        ]
        response = page(
            request,
            "dataset.html",
            lang=lang,
            name="Little Giant KG — VoID / DCAT",
            rows=rows,
            dump=dump,
            dump_href=f"/dumps/{DUMP_NAME}",
            resource_path="/dataset",
            canonical=dataset_iri(iris) + ".html",
            canonical_iri=dataset_iri(iris),
            formats=format_list(),
        )
        return bytes(response.body).decode("utf-8")

    return represent(
        request,
        path="/dataset",
        offer=offer,
        triples=triples,
        digest=digest,
        last_modified=None,
        base=iris.base,
        html=html,
    )


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _short(iri: str) -> str:
    for prefix, ns in {**PREFIXES, "void": str(VOID), "dcat": str(DCAT)}.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


@get_and_head(router, "/dataset")
def get_dataset(request: Request, store: StoreDep, iris: IrisDep) -> Response:
    """The VoID and DCAT description of the dataset (negotiated)."""
    return _dataset_response(request, store, iris, "/dataset")


@get_and_head(router, "/dataset.{ext}")
def get_dataset_format(request: Request, store: StoreDep, iris: IrisDep, ext: str) -> Response:
    """The dataset description in the format its extension names."""
    return _dataset_response(request, store, iris, f"/dataset.{ext}")


@get_and_head(router, "/.well-known/void")
def get_well_known_void(request: Request, store: StoreDep, iris: IrisDep) -> Response:
    """VoID's well-known location (VoID §7.2): the same description as ``/dataset``."""
    return _dataset_response(request, store, iris, "/dataset")


# -- dumps
@router.get("/dumps")
def get_dump_manifest(request: Request, store: StoreDep, iris: IrisDep) -> Response:
    """The dumps on offer, with their sha256 and size (JSON)."""
    dump = _ensure_dump(store, dumps_directory(request))
    body = {
        "dumps": [
            {**dump.__dict__, "url": dump_url(iris, dump.name), "href": f"/dumps/{dump.name}"}
        ]
    }
    return Response(
        json.dumps(body, indent=2),
        media_type="application/json",
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"},
    )


@get_and_head(router, "/dumps/{name}")
def get_dump(request: Request, store: StoreDep, name: str) -> Response:
    """A dump file (Range requests supported) or its ``.sha256`` checksum line."""
    directory = dumps_directory(request)
    dump = _ensure_dump(store, directory)
    if name == f"{dump.name}.sha256":
        return PlainTextResponse(f"{dump.sha256}  {dump.name}\n")
    if name != dump.name:
        raise NotFound(f"No dump named {name!r}; try /dumps/{dump.name}")
    headers = {
        "ETag": f'"{dump.sha256[:32]}"',
        "Digest": "sha-256=" + _b64(dump.sha256),
        "Access-Control-Allow-Origin": "*",
        "Cache-Control": "public, max-age=300",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return FileResponse(
        directory / dump.name,
        media_type="application/n-quads",
        headers=headers,
        filename=dump.name,
        content_disposition_type="attachment",
    )


def _b64(hexdigest: str) -> str:
    return base64.b64encode(bytes.fromhex(hexdigest)).decode("ascii")


# -- robots and sitemaps
@router.get("/robots.txt", include_in_schema=False)
def get_robots(iris: IrisDep) -> PlainTextResponse:
    """Crawlers may read every page; the query and reconciliation services are for tools."""
    text = (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /sparql\n"
        "Disallow: /reconcile\n"
        "Disallow: /dumps/\n"
        f"Sitemap: {iris.base}/sitemap.xml\n"
    )
    return PlainTextResponse(text, headers={"Cache-Control": "public, max-age=86400"})


def per_state(
    request: Request, store: GraphStore, key: tuple[str, ...], build: Callable[[], T]
) -> T:
    """``build()`` once per published store state (aggregates over the whole store are costly:
    ~0.5 s each for the sitemap and VoID at 20k enterprises), kept in the app's state."""
    generation = store.generation()
    stamp = (generation, len(store) if generation == "memory" else 0)  # memory stores: tests
    cache = getattr(request.app.state, "per_state", None)
    if cache is None or cache[0] != stamp:
        cache = (stamp, {})
        request.app.state.per_state = cache
    if key not in cache[1]:
        cache[1][key] = build()
    return cache[1][key]


def sitemap_urls(store: GraphStore, iris: Iris) -> Iterator[str]:
    """Every page a crawler should index: the home page, then each resource's HTML page."""
    yield iris.base + "/"
    seen: set[str] = set()
    for kind in SITEMAP_KINDS:
        cls = _SITEMAP_CLASSES[kind]
        for row in store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s"):  # type: ignore[attr-defined]
            iri = row["s"].value
            if iri in seen or iris.parse(iri) is None:
                continue
            seen.add(iri)
            yield iri + ".html"


def sitemap_pages(urls: list[str], limit: int = SITEMAP_LIMIT) -> list[list[str]]:
    """Split URLs into sitemap files of at most ``limit`` each (the protocol allows 50,000)."""
    return [urls[i : i + limit] for i in range(0, len(urls), limit)] or [[]]


def _urlset(urls: list[str]) -> str:
    items = "".join(f"<url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</urlset>\n"
    )


def _xml(text: str) -> Response:
    return Response(
        text, media_type="application/xml", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/sitemap.xml", include_in_schema=False)
def get_sitemap(request: Request, store: StoreDep, iris: IrisDep) -> Response:
    """A urlset, or a sitemap index once the pages exceed one file's 50,000 URLs."""
    limit = getattr(request.app.state, "sitemap_limit", SITEMAP_LIMIT)
    pages = sitemap_pages(
        per_state(request, store, ("sitemap",), lambda: list(sitemap_urls(store, iris))), limit
    )
    if len(pages) == 1:
        return _xml(_urlset(pages[0]))
    items = "".join(
        f"<sitemap><loc>{escape(iris.base)}/sitemaps/{n}.xml</loc></sitemap>\n"
        for n in range(1, len(pages) + 1)
    )
    return _xml(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}</sitemapindex>\n"
    )


@router.get("/sitemaps/{n}.xml", include_in_schema=False)
def get_sitemap_page(request: Request, store: StoreDep, iris: IrisDep, n: int) -> Response:
    """One file of the sitemap index."""
    limit = getattr(request.app.state, "sitemap_limit", SITEMAP_LIMIT)
    pages = sitemap_pages(
        per_state(request, store, ("sitemap",), lambda: list(sitemap_urls(store, iris))), limit
    )
    if not 1 <= n <= len(pages):
        raise NotFound(f"No sitemap {n}; there are {len(pages)}")
    return _xml(_urlset(pages[n - 1]))


# -- static
@router.get("/static/site.css", include_in_schema=False)
def get_css() -> FileResponse:
    """The one stylesheet (pages read fine without it)."""
    return FileResponse(
        _STATIC / "site.css",
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=86400"},
    )


__all__ = [
    "dataset_iri",
    "dataset_triples",
    "dump_url",
    "dumps_directory",
    "router",
    "sitemap_pages",
    "sitemap_urls",
]
