"""Status of a title on a date: the one SPARQL rendering of "held the title on date D", the status
every page and API answer gives, and the one rule that dates a title's end (three years under
工信部企业〔2022〕63号).

Both read the validity terms that each commit derives into the derived graph (the ingest side;
ontology/README.md, "Status on a date"): a designation holds on D iff one of its ``lg:term``s
covers D and it has not ended (``lg:endedOn``) on or before D. Pages, the JSON-LD API, the
collection filters and the documented example query all use the fragments below, so they can
never disagree about who held the title when.
"""

from __future__ import annotations

import datetime as dt

from ontology.namespaces import LG

__all__ = [
    "HOLDS_ON",
    "RULE_DOCUMENT",
    "STATUS_ON",
    "VALIDITY_YEARS",
    "date_literal",
    "holds_on",
    "renewed_until",
    "status_on",
    "valid_until",
]

RULE_DOCUMENT = "工信部企业〔2022〕63号"
"""《优质中小企业梯度培育管理暂行办法》 (2022): a title lasts three years, and passing its re-review
extends it by three more. Where no source states a title's end, ingest derives it by this rule and
says so (``prov:wasDerivedFrom`` the document)."""
VALIDITY_YEARS = 3

_LG = str(LG)

_COVERED = f"""?d <{_LG}term> ?_t . ?_t <{_LG}termStart> ?_s ; <{_LG}termEnd> ?_e .
  FILTER (?_s <= ?D && ?D <= ?_e)"""
_NOT_ENDED = f"FILTER NOT EXISTS {{ ?d <{_LG}endedOn> ?_x FILTER (?_x <= ?D) }}"

HOLDS_ON = f"""
  {_COVERED}
  {_NOT_ENDED}
"""
"""The three lines of "designation ``?d`` holds its title on ``?D`` (an xsd:date)".

The caller binds ``?d`` and ``?D``; variables starting ``?_`` are private. ontology/README.md and
``ontology/examples/06-title-holders-on-a-date.rq`` print the same lines.
"""

STATUS_ON = f"""
  OPTIONAL {{ ?d <{_LG}endedOn> ?_sx ; <{_LG}endCause> ?_sc FILTER (?_sx <= ?D) }}
  OPTIONAL {{ ?d <{_LG}effectiveUntil> ?_su }}
  OPTIONAL {{ ?d <{_LG}statusAfterTerm> ?_sa }}
  OPTIONAL {{ ?d <{_LG}earliestStart> ?_sn }}
  BIND (COALESCE(?_sc,
        IF(EXISTS {{ {_COVERED} }}, <{_LG}StatusActive>,
        IF(BOUND(?_su), IF(?_su < ?D, ?_sa, ?_unbound),
        IF(!BOUND(?_sn) || ?_sn <= ?D, <{_LG}StatusUnknown>, ?_unbound)))) AS ?status)
"""
"""Binds ``?status`` (an lg:DesignationStatus) of designation ``?d`` on ``?D``.

In order: the status an ending act left (revoked, not renewed, expired) from its day on; active
when :data:`HOLDS_ON` holds; after the last term, what follows it (``lg:statusAfterTerm``:
expired only where the data shows no renewal, else unknown); unknown for a title with no start
date from its earliest possible start. ``?status`` is unbound before the title starts. Each test
is correlated with ``?d``, so the cost follows the designations asked about.
"""


def date_literal(day: dt.date | str) -> str:
    """A SPARQL xsd:date literal for ``day`` (a date or an ISO string, checked)."""
    value = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    return f'"{value.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'


def holds_on(day: dt.date | str) -> str:
    """HOLDS_ON with ``?D`` bound to ``day``; splice after binding ``?d``."""
    return f"BIND ({date_literal(day)} AS ?D)\n{HOLDS_ON}"


def status_on(day: dt.date | str) -> str:
    """The STATUS_ON block with ``?D`` bound to ``day``; splice after binding ``?d``."""
    return f"BIND ({date_literal(day)} AS ?D)\n{STATUS_ON}"


def valid_until(start: dt.date) -> dt.date:
    """The inclusive last day (``lg:validUntil``) of a title valid from ``start``.

    Three years less a day: 2019-06-05 → 2022-06-04. A title from 29 February ends on 28 February,
    the day before the anniversary (1 March) in a year without one.
    """
    try:
        anniversary = start.replace(year=start.year + VALIDITY_YEARS)
    except ValueError:  # 29 February
        anniversary = dt.date(start.year + VALIDITY_YEARS, 3, 1)
    return anniversary - dt.timedelta(days=1)


def renewed_until(end: dt.date) -> dt.date:
    """The new last day of a title ending on ``end`` that passes its re-review: three more years."""
    return valid_until(end + dt.timedelta(days=1))
