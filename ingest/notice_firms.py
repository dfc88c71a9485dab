"""The firms a notice names, read from MIIT prose as it is written, and what is not a firm.

Chinese prose names firms in enumerations tied to the notice's act: after a verb or clause
(确定 / 认定 / 现将 … 列为 / 我市 / 经…，), separated by 、 and, before the last, 和 / 及 / 以及,
and followed by what the act does to them (等248家企业为… / （共75家） / 通过复核 / 因…被撤销 /
专精特新…称号). Attachment excerpts name them in a 企业名称 column, review lists after a city
label (杭州市：…). English prose names them as ``X Co., Ltd., Y Co., Ltd. and Z Co., Ltd.``.

A candidate is kept only when it is an organisation's name (``ontology.names.is_organisation_name``:
a legal or organisational form after a stem); anything else an act's enumeration holds is
reported, never read as a firm. Names inside 《…》 are titles of documents, not firms. Notes
printed after a name (（原名：…）) become former names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.notice_text import LABEL, NoticeLines, is_table_row, table_cells
from ontology.names import (
    LEGAL_FORMS_ZH,
    is_organisation_name,
    normalise_name,
    split_name_notes,
)


@dataclass(frozen=True)
class NamedFirm:
    """A firm as the notice prints it, with the former names its notes give."""

    name: str
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeFirms:
    """The firms read, in order of first mention, and what was seen but not read as a firm."""

    firms: tuple[NamedFirm, ...] = ()
    reported: tuple[str, ...] = ()


# words that open an enumeration of the act's firms
_LEAD_INS = (
    "决定撤销", "拟认定", "拟确定", "拟将", "现将", "确定", "认定", "同意", "撤销", "其中",
    "包括", "我市", "我省", "我区", "我县", "全市", "全省",
)  # fmt: skip
_LEAD_WITH_VERB = re.compile(r"^将(?=.+?(?:列为|认定为|确定为|纳入))")
# what follows the last name of an enumeration tied to the act
_ACT_TAIL = re.compile(
    r"^(?:等|共|因|入选|通过|未通过|被|列为|为第|拟列入|不再|专精特新|的专精特新|[（(]以下简称)"
)
# what may follow a name inside an item: the act's words, or a note in brackets
_NAME_STOP = re.compile(
    r"^(?:等|共|因|入选|通过|未通过|被|列为|为第|拟|不再|专精特新|的|于|已|获|荣获|自|在|、|[（(])"
)
_CONJUNCTIONS = ("以及", "和", "及", "与")
# a would-be name directly before the act's count (美联新材等3家企业): reported when not a name
_COUNTED = re.compile(r"^(?P<name>[^（()）]{2,30}?)(?:等\d*家|等企业|共\d+家)")
# a sentence that announces a list of firms after its colon (确定以下4家企业为…：A、B和C)
_INTRODUCES = re.compile(r"(?:以下|如下|下列)[^：:]*(?:企业|单位|名单)|名单如下")
_NUMBERED = re.compile(r"^[（(]?\d{1,4}[）)]?[．.、]\s*(?P<rest>.+?)[；;。]?$")
# company forms only: "Group" ends the names of working groups as often as of firms
_EN_FORM = (
    r"(?:Co\.,?\s*Ltd\.?|Company\s+Limited|Corporation(?:\s+Limited)?|Corp\.|Inc\.|Ltd\.|"
    r"Limited|LLC|PLC)"
)
_EN_WORD = r"(?:[A-Z][\w&'’-]*|\((?:[A-Z][\w'’-]*\s*)+\))"
_EN_NAME = re.compile(rf"{_EN_WORD}(?:\s+(?:{_EN_WORD}|of|and|&|for))*?\s+{_EN_FORM}")
_EN_FORMERLY = re.compile(
    r"\s*\((?:formerly|former name:?|previously)\s+(?P<former>[^()]+)\)", re.I
)
_EN_LEADING = re.compile(
    r"^(?:(?:The|A|An|Upon|In|On|By|For|And|Of|To|From|With|Among|Including|After|As)\s+)+"
)


@dataclass
class _Collector:
    firms: dict[str, NamedFirm] = field(default_factory=dict)
    reported: list[str] = field(default_factory=list)

    def accept(self, printed: str) -> bool:
        """Keep ``printed`` (notes split off) if it is an organisation name; False otherwise."""
        parts = split_name_notes(printed)
        if not is_organisation_name(parts.name):
            return False
        key = normalise_name(parts.name)
        known = self.firms.get(key)
        former = tuple(dict.fromkeys((*(known.former_names if known else ()), *parts.former_names)))
        self.firms[key] = NamedFirm(known.name if known else parts.name, former)
        return True

    def report(self, text: str, why: str) -> None:
        line = f"{text!r}: {why}; not read as a firm"
        if line not in self.reported:
            self.reported.append(line)

    def result(self) -> NoticeFirms:
        return NoticeFirms(tuple(self.firms.values()), tuple(self.reported))


def zh_firms(lines: NoticeLines) -> NoticeFirms:
    """The firms a Chinese notice's body names: prose enumerations, 企业名称 columns, city lists."""
    found = _Collector()
    column: int | None = None
    listed = False  # after "…以下企业…：" the numbered lines that follow are the act's firms
    for para in lines.paragraphs():
        if is_table_row(para):
            cells = table_cells(para)
            if "企业名称" in cells:
                column = cells.index("企业名称")
            elif (
                column is not None
                and len(cells) > column
                and cells[column]
                and not found.accept(cells[column])
            ):
                found.report(cells[column], "a 企业名称 cell without an organisational form")
            continue
        if (numbered := _NUMBERED.match(para)) is not None:
            if not found.accept(numbered["rest"]) and listed:
                found.report(numbered["rest"], "not an organisation name")
            continue
        if (label := LABEL.match(para)) is not None:
            for item in split_top(label["rest"], "、"):
                if not found.accept(item.strip()):
                    found.report(item.strip(), "not an organisation name")
            continue
        prose = re.sub(r"《[^》]*》", "《》", para)
        listed = _INTRODUCES.search(prose.rsplit("。", 1)[-1]) is not None
        for sentence in split_top(prose, "。；！？"):
            head, colon, after = _split_colon(sentence)
            for clause in split_top(head, "，,"):
                _clause(clause.strip(), found)
            introduced = bool(colon) and _INTRODUCES.search(head) is not None
            for clause in split_top(after, "，,："):
                _clause(clause.strip(), found, listed=introduced)
    return found.result()


def _split_colon(sentence: str) -> tuple[str, str, str]:
    """The sentence before and after its first colon outside brackets."""
    depth = 0
    for i, ch in enumerate(sentence):
        if ch in "（(“":
            depth += 1
        elif ch in "）)”":
            depth = max(0, depth - 1)
        elif ch in "：:" and depth == 0:
            return sentence[:i], ch, sentence[i + 1 :]
    return sentence, "", ""


def _clause(clause: str, found: _Collector, *, listed: bool = False) -> None:
    """The firms of one clause, if it is an enumeration tied to the act (``listed``: the clause
    follows a colon that a sentence naming the act put before its list of firms)."""
    rest, led = _strip_lead_in(clause)
    led = led or listed
    items = [item for chunk in split_top(rest, "、") for item in _split_conjunctions(chunk)]
    if not items:
        return
    ends = [_name_end(item) for item in items]
    tail = items[-1][ends[-1] :] if ends[-1] is not None else ""
    tied = led or (ends[-1] is not None and _ACT_TAIL.match(tail) is not None)
    if not tied:
        return
    accepted = [
        end is not None and found.accept(_with_notes(item, end))
        for item, end in zip(items, ends, strict=True)
    ]
    for item, end, ok in zip(items, ends, accepted, strict=True):
        if ok or not item:
            continue
        counted = _COUNTED.match(item) if end is None else None
        if any(accepted) or counted:
            name = _with_notes(item, end) if end is not None else item
            if counted:
                name = counted["name"]
            found.report(name, "not an organisation name (no legal or organisational form)")


def _strip_lead_in(clause: str) -> tuple[str, bool]:
    led = False
    changed = True
    while changed:
        changed = False
        for word in _LEAD_INS:
            if clause.startswith(word) and len(clause) > len(word):
                clause, led, changed = clause[len(word) :], True, True
        if _LEAD_WITH_VERB.match(clause):
            clause, led, changed = clause[1:], True, True
    return clause, led


def _form_ends(item: str) -> list[int]:
    """Positions just after a legal or organisational form, outside brackets."""
    ends, depth = [], 0
    for i, ch in enumerate(item):
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and any(item.endswith(form, 0, i + 1) for form in LEGAL_FORMS_ZH):
            ends.append(i + 1)
    return ends


def _name_end(item: str) -> int | None:
    """Where the name in ``item`` ends: the first form end the act's words or a note follow,
    else the last form end (厂 inside 北京厂甸… is not an end: 甸 follows it)."""
    ends = _form_ends(item)
    for end in ends:
        stops = end == len(item) or _NAME_STOP.match(item[end:]) is not None
        if stops and not any(later > end and _continues(item[end:later]) for later in ends):
            return end
    return ends[-1] if ends else None


def _continues(between: str) -> bool:
    """Whether the text between two form ends continues one name (厂 + 有限责任公司,
    （集团）有限公司)."""
    return re.fullmatch(r"(?:[（(]集团[）)])?[^，、；。（(]{0,8}", between) is not None and any(
        between.endswith(form) for form in LEGAL_FORMS_ZH
    )


def _with_notes(item: str, end: int) -> str:
    """The name up to ``end`` with the bracketed notes printed right after it."""
    name, rest = item[:end], item[end:]
    while (m := re.match(r"\s*([（(][^（）()]*[）)])", rest)) is not None:
        name, rest = name + m.group(1), rest[m.end() :]
    return name


def _split_conjunctions(chunk: str) -> list[str]:
    """Split ``X有限公司和Y有限公司`` at a conjunction that follows a complete name (and the
    notes printed after it)."""
    parts, start = [], 0
    for form_end in _form_ends(chunk):
        end = len(_with_notes(chunk, form_end))
        for word in _CONJUNCTIONS:
            rest = chunk[end + len(word) :]
            if end >= start and chunk.startswith(word, end) and rest and rest[0] not in "（(":
                parts.append(chunk[start:end])
                start = end + len(word)
                break
    parts.append(chunk[start:])
    return [p.strip() for p in parts if p.strip()]


def split_top(text: str, separators: str) -> list[str]:
    """Split at separators outside brackets (（）, (), “”)."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "（(“":
            depth += 1
        elif ch in "）)”":
            depth = max(0, depth - 1)
        if ch in separators and depth == 0:
            out.append("".join(current))
            current = []
        else:
            current.append(ch)
    out.append("".join(current))
    return [part for part in out if part.strip()]


def english_firms(body: str) -> NoticeFirms:
    """Firms an English notice's body names: capitalised words ending in a company form, with
    a former name printed after one (``X Co., Ltd. (formerly Y Co., Ltd.)``)."""
    found = _Collector()
    skip_to = 0
    for m in _EN_NAME.finditer(body):
        if m.start() < skip_to:
            continue
        name = " ".join(_EN_LEADING.sub("", m.group(0)).split())
        note = _EN_FORMERLY.match(body, m.end())
        if note is not None:
            skip_to = note.end()
            name += " " + " ".join(note.group(0).split())
        if not found.accept(name):
            found.report(name, "not an organisation name")
    return found.result()
