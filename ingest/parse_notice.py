"""Notice text (通知 / 通告), Chinese or English, into the facts it states, and those into a graph.

The reader extracts what the text itself says: the notice's own 文号 when printed, issuer, date,
cited documents (《…》(工信厅企业函〔2018〕381号) / "(CIC Letter [2018] No. 381)"), batch ordinal
(第一批 / "first batch"), declared count (248家 / "248 enterprises"), the enterprises named in the
text, and the kind of act (a batch, re-review results, a revocation). What it cannot find is listed
in ``missing``, never filled in. English citations are matched to a document already in the store
by year and number only (never by translating the prefix); unmatched ones are reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ingest import rdf
from ingest.identity import Registry
from ingest.parse_list import ListRow, RowError, cn_number, detect_batch
from ingest.pipeline import Change, Source
from ontology.iris import Iris
from ontology.namespaces import DCTERMS, LG, RDFS, XSD
from ontology.store import EmbeddedStore

ACTS = ("batch", "review", "revocation")
_ZH_DOC = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")
_EN_DOC = re.compile(
    r"(?P<prefix>[A-Z][A-Za-z. ]*?(?:Letter|Document|Notice)?)\s*\[(?P<year>\d{4})\]\s*"
    r"No\.\s*(?P<number>\d+)"
)
_ZH_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_EN_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2}),?\s+(\d{4})\b", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ISSUERS = (
    # (printed form, authority slug) -- longest first so the General Office wins over MIIT
    ("工业和信息化部办公厅", "miit-general-office"),
    (
        "General Office of the Ministry of Industry and Information Technology",
        "miit-general-office",
    ),
    ("工业和信息化部中小企业局", "miit-sme-bureau"),
    ("工业和信息化部", "miit"),
    ("Ministry of Industry and Information Technology", "miit"),
)
_CO_LTD = "\x00"  # stands in for "Co., Ltd." while a list of names is split on commas


@dataclass(frozen=True)
class Citation:
    """A document the notice cites: its 文号 (Chinese) or its printed English reference."""

    printed: str
    number: str | None  # the 文号 when printed in Chinese
    year: int | None
    serial: int | None
    title: str | None


@dataclass(frozen=True)
class ParsedNotice:
    """The facts one notice text states; ``missing`` names those it does not."""

    file: str
    language: str
    title: str | None
    document: str | None
    issuer: str | None
    issuer_slug: str | None
    date: dt.date | None
    cites: tuple[Citation, ...]
    batch: int | None
    count: int | None
    enterprises: tuple[str, ...]
    act: str | None
    reason: str | None
    missing: tuple[str, ...]
    data: bytes = b""


def parse_notice(source: Path | str | bytes, *, file: str | None = None) -> ParsedNotice:
    """Read a notice from a file path or its UTF-8 bytes.

    Raises:
        ValueError: the bytes are not UTF-8 (the message gives the offset).
    """
    if isinstance(source, bytes):
        data, name = source, file or "<notice>"
    else:
        path = Path(source)
        data, name = path.read_bytes(), file or path.name
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{name}: byte 0x{data[exc.start : exc.start + 1].hex()} at offset {exc.start} is "
            "not UTF-8 (encoding rule); save the notice as UTF-8"
        ) from None
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    zh = len(_CJK.findall(text)) > len(text) / 10
    reader = _read_zh if zh else _read_en
    facts = reader(lines)
    missing = tuple(
        k
        for k in ("title", "document", "issuer", "date", "batch", "count", "enterprises", "act")
        if not facts.get(k)
    )
    return ParsedNotice(
        file=name,
        language="zh" if zh else "en",
        title=facts.get("title"),
        document=facts.get("document"),
        issuer=facts.get("issuer"),
        issuer_slug=_issuer_slug(facts.get("issuer")),
        date=facts.get("date"),
        cites=tuple(facts.get("cites", ())),
        batch=facts.get("batch"),
        count=facts.get("count"),
        enterprises=tuple(facts.get("enterprises", ())),
        act=facts.get("act"),
        reason=facts.get("reason"),
        missing=missing,
        data=data,
    )


def _issuer_slug(issuer: str | None) -> str | None:
    if not issuer:
        return None
    return next((slug for printed, slug in _ISSUERS if printed.lower() == issuer.lower()), None)


def _signature(lines: list[str]) -> tuple[str | None, int]:
    """The issuer printed on its own line near the end (the signature block) and its index."""
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        for printed, _ in _ISSUERS:
            if lines[i].strip("（）() ").lower() == printed.lower():
                return printed, i
    return None, -1


def _read_zh(lines: list[str]) -> dict:
    text = "\n".join(lines)
    facts: dict = {}
    title = next((line for line in lines if line.startswith("关于") or "关于" in line[:20]), None)
    if title and re.search(r"(通知|通告|公告)$", title):
        facts["title"] = title
        kind_text = title
    else:
        kind_text = lines[0] if lines else ""
    # the notice's own number: a 文号 on its own line, not one cited after 《…》
    for line in lines[:6]:
        m = _ZH_DOC.fullmatch(line.strip("（）() "))
        if m:
            facts["document"] = m.group(0)
            break
    cites = []
    for m in re.finditer(r"《([^》]+)》\s*[（(]\s*([^）)]*?〔\d{4}〕\d+号)\s*[）)]", text):
        num = m.group(2)
        y, n = _year_serial(num)
        cites.append(Citation(m.group(0), num, y, n, m.group(1)))
    for m in _ZH_DOC.finditer(text):
        if m.group(0) != facts.get("document") and all(c.number != m.group(0) for c in cites):
            y, n = _year_serial(m.group(0))
            cites.append(Citation(m.group(0), m.group(0), y, n, None))
    facts["cites"] = cites
    issuer, sig = _signature(lines)
    facts["issuer"] = issuer
    dates = [m for line in lines[sig if sig >= 0 else -3 :] for m in _ZH_DATE.finditer(line)]
    if dates:
        facts["date"] = _date(*dates[-1].groups())
    act = _act_zh(kind_text)
    facts["act"] = act
    body = "\n".join(lines[1:]) if title else text
    m = re.search(r"((?:[^，。；：\n]*?、)*[^，。；：\n、]*?)等\s*(\d+)\s*家", body)
    if m:
        facts["count"] = int(m.group(2))
        names = [n.strip() for n in m.group(1).split("、")]
        facts["enterprises"] = [n for n in names if _CJK.search(n) and len(n) >= 4]
    elif (m := re.search(r"(\d+)\s*家[^。]*?企业", body)) is not None:
        facts["count"] = int(m.group(1))
    facts["batch"] = detect_batch(kind_text) or _batch_in_body(body)
    if act == "revocation" and (r := re.search(r"(?:因|由于)([^，。]+?)(?:，|。)", body)):
        facts["reason"] = r.group(1)
    return facts


def _act_zh(title: str) -> str | None:
    if re.search(r"撤销|撤消", title):
        return "revocation"
    if "复核" in title:
        return "review"
    if re.search(r"第[一二三四五六七八九十0-9]+批.*(?:小巨人|名单)", title):
        return "batch"
    return None


def _batch_in_body(body: str) -> int | None:
    m = re.search(r"(?:认定为|确定为|为)第\s*([一二三四五六七八九十0-9]+)\s*批", body)
    return cn_number(m.group(1)) if m else None


def _read_en(lines: list[str]) -> dict:
    text = "\n".join(lines)
    facts: dict = {}
    title = next(
        (line for line in lines if re.match(r"(Notice|Announcement|Circular)\b", line)), None
    )
    facts["title"] = title
    kind_text = title or ""
    cites = []
    for m in _EN_DOC.finditer(text):
        prefix = " ".join(m.group("prefix").split())
        before = text[: m.start()]
        t = re.search(r"[“\"](.+)[”\"]\s*\($", before.rsplit("\n", 1)[-1])
        cites.append(
            Citation(
                f"{prefix} [{m.group('year')}] No. {m.group('number')}",
                None,
                int(m.group("year")),
                int(m.group("number")),
                t.group(1) if t else None,
            )
        )
    facts["cites"] = cites
    issuer, sig = _signature(lines)
    facts["issuer"] = issuer
    tail = lines[sig:] if sig >= 0 else lines[-3:]
    dates = [m for line in tail for m in _EN_DATE.finditer(line)]
    if dates:
        mo, d, y = dates[-1].groups()
        facts["date"] = dt.date(int(y), _MONTHS[mo.lower()], int(d))
    act = _act_en(kind_text)
    facts["act"] = act
    body = text[text.index(title) + len(title) :] if title else text
    m = re.search(
        r"(\d[\d,]*)\s+enterprises\s+including\s+(.+?)\s+(?:were|was|are|have been)\b", body, re.S
    )
    if m:
        facts["count"] = int(m.group(1).replace(",", ""))
        listed = m.group(2).replace("Co., Ltd.", "Co" + _CO_LTD)
        names = re.split(r",\s*(?:and\s+)?|\s+and\s+", listed)
        facts["enterprises"] = [
            n.replace("Co" + _CO_LTD, "Co., Ltd.").strip() for n in names if n.strip()
        ]
    elif (m := re.search(r"(\d[\d,]*)\s+(?:enterprises|companies)\b", body)) is not None:
        facts["count"] = int(m.group(1).replace(",", ""))
    facts["batch"] = detect_batch(kind_text) or detect_batch(body.split(".")[0])
    if act == "revocation" and (r := re.search(r"\b(?:due to|because of|for)\s+([^.;]+)", body)):
        facts["reason"] = r.group(1).strip()
    return facts


def _act_en(title: str) -> str | None:
    t = title.lower()
    if re.search(r"revok|revocation|withdraw", t):
        return "revocation"
    if re.search(r"re-?review|re-?examination", t):
        return "review"
    if re.search(
        r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|\d+(st|nd|rd|th))\s+batch", t
    ):
        return "batch"
    return None


def _year_serial(number: str) -> tuple[int | None, int | None]:
    m = re.search(r"〔(\d{4})〕(\d+)号", number)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


# -- building the notice's graph --------------------------------------------------------------


def find_document(store: EmbeddedStore, year: int, serial: int) -> list[str]:
    """Documents in the store whose 文号 has this year and serial (any prefix)."""
    needle = f"〔{year}〕{serial}号"
    q = (
        "SELECT DISTINCT ?d WHERE { ?d <" + str(LG.documentNumber) + "> ?n . "
        'FILTER(STRENDS(STR(?n), "' + needle + '")) }'
    )
    return sorted(s["d"].value for s in store.query(q))  # type: ignore[attr-defined]


def build_notice(
    notice: ParsedNotice,
    *,
    iris: Iris,
    registry: Registry,
    store: EmbeddedStore,
    document: str | None = None,
    date: dt.date | None = None,
    batch: int | None = None,
    source_url: str | None = None,
    notes: list[str] | None = None,
) -> Change:
    """The notice's graph: the document, what it cites and announces, and the acts it states.

    A batch notice records a count claim for the batch and awards the enterprises it names; a
    revocation notice revokes the titles of those it names (each must already be in the store).

    Raises:
        ingest.lists.IngestError: facts missing or contradicted, or a named title unknown.
    """
    from ingest.lists import Facts, IngestError, _award, _Context, _event

    problems: list[str] = []
    number = notice.document
    if document and number and document != number:
        problems.append(f"document: the notice prints {number}, the command line says {document}")
    number = document or number
    day = date or notice.date
    if date and notice.date and date != notice.date:
        problems.append(f"date: the notice says {notice.date}, the command line says {date}")
    if day is None:
        problems.append("the notice states no date; give --date YYYY-MM-DD")
    if batch is not None and notice.batch is not None and batch != notice.batch:
        problems.append(f"batch: the notice says {notice.batch}, the command line says {batch}")
    ordinal = batch if batch is not None else notice.batch
    if notice.act == "batch" and ordinal is None:
        problems.append("the notice announces a batch but does not say which; give --batch N")
    if problems:
        raise IngestError(notice.file, problems)
    slug = registry.document_slug(number) if number else None
    name = notice_graph_name(notice, slug)
    graph = str(iris.graph(name))
    kind = {"batch": "batch", "revocation": "revocation"}.get(notice.act or "", "notice")
    facts = Facts(kind, ordinal, number, day, source_url)  # type: ignore[arg-type]
    ctx = _Context(store, iris, registry, graph, facts)
    ctx.source_page()
    label = notice.title or notice.file
    doc = ctx.document(number, label, "通告" if notice.title and "通告" in notice.title else "通知")
    b = ctx.b
    d = doc.value
    known = ctx.exists(d) and not any(t.subject == doc for t in b)
    if notice.title:
        if notice.language == "zh":
            if not _has_obj(store, d, DCTERMS.title):
                b.add(doc, DCTERMS.title, rdf.text(notice.title, "zh"))
        else:
            b.add(doc, LG.titleTranslation, rdf.text(notice.title, "en"))
    if notice.issuer_slug:
        b.add(doc, LG.issuer, iris.authority(notice.issuer_slug))
    if notice.date and not _has_obj(store, d, LG.dateWritten):
        b.add(doc, LG.dateWritten, rdf.date(notice.date))
    if known:
        b.add(doc, DCTERMS.source, ctx.source)
    notes = notes if notes is not None else []
    notes += [f"the notice does not state its {m}" for m in notice.missing]
    for c in notice.cites:
        if c.number:
            b.add(doc, LG.cites, iris.document(registry.document_slug(c.number)))
            continue
        found = find_document(store, c.year or 0, c.serial or 0)
        if len(found) == 1:
            b.add(doc, LG.cites, ox.NamedNode(found[0]))
        else:
            notes.append(f"citation {c.printed!r} matches {len(found)} documents; not recorded")
    if ordinal is not None and notice.act == "batch":
        batch_node = ctx.batch(ordinal)
        b.add(doc, LG.announces, batch_node)
        if notice.count is not None:
            claim = iris.claim(d, "batch", str(ordinal), str(notice.count))
            b.type(claim, LG.CountClaim)
            b.add(
                claim,
                RDFS.label,
                rdf.text(f"{notice.count} enterprises in batch {ordinal}, as {label} states", "en"),
            )
            b.add(claim, LG.count, rdf.typed(notice.count, XSD.nonNegativeInteger))
            b.add(claim, LG.countBasis, rdf.text("final list"))
            b.add(claim, DCTERMS.source, ctx.source)
            b.add(batch_node, LG.countClaim, claim)
    # only acts whose consequence for a named firm is plain: an award or a revocation (a
    # re-review notice's named firms may have passed or failed; its list says which)
    rows = [
        ListRow("", 0, str(i), "", n, "", notice.reason or "")
        for i, n in enumerate(notice.enterprises, 1)
        if notice.act in ("batch", "revocation")
    ]
    for row in rows:
        where = f"{notice.file}: named enterprise {row.seq} {row.name!r}"
        zh = bool(_CJK.search(row.name))
        res = registry.resolve(
            name=row.name if zh else None,
            english_name=None if zh else row.name,
            mint=notice.act == "batch",
            today=day,
        )
        if res.key is None:
            problems.append(f"{where}: {res.reason or 'not in the store'}; not recorded by guess")
            continue
        if notice.act == "batch" and ordinal is not None:
            _award(ctx, res.key, row, where, ordinal, doc)
        elif notice.act == "revocation" and (
            msg := _event(ctx, res.key, row, where, "revocation", None, doc)
        ):
            problems.append(msg)
    if problems:
        raise IngestError(notice.file, problems)
    source = Source(name, label, data=notice.data, url=source_url)
    return Change(source, b, ctx.rows)


def notice_graph_name(notice: ParsedNotice, slug: str | None) -> str:
    """``notice-{document slug}`` for the original, ``…-en`` for a translation: two sources."""
    if slug:
        return f"notice-{slug}" + ("-en" if notice.language == "en" else "")
    stem = re.sub(r"[^a-z0-9]+", "-", notice.file.rsplit(".", 1)[0].lower()).strip("-")
    if not stem:
        stem = hashlib.sha1(notice.file.encode()).hexdigest()[:12]  # noqa: S324 - an id
    return f"notice-{stem}"


def _has_obj(store: EmbeddedStore, s: str, p: object) -> bool:
    return next(iter(store.quads(ox.NamedNode(s), rdf.node(str(p)), None)), None) is not None


def notice_errors(notice: ParsedNotice) -> list[RowError]:
    """What the reader could not extract, as reportable lines (not errors unless the ingest needs
    the fact)."""
    return [
        RowError(notice.file, "", 0, "not-stated", f"the notice does not state its {m}")
        for m in notice.missing
    ]
