"""Status of a title on a date: the one SPARQL rendering of "holding the title on date D", and the
one rule that dates a title's end (three years under 工信部企业〔2022〕63号).

ontology/README.md defines it: a designation holds on D iff ``validFrom ≤ D``, some
``lg:validUntil`` (of the designation or of one of its lg:ReviewPassed events) is ``≥ D`` (or there
is none at all), and no lg:Revocation or lg:ReviewFailed event has ``eventDate ≤ D``. Pages, the
JSON-LD API and the dynamic-database queries all splice the fragments below so that they can never
disagree about who held the title when.
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

HOLDS_ON = f"""
  FILTER (?_from <= ?D)
  FILTER (EXISTS {{ {{ ?d <{_LG}validUntil> ?_u }}
                   UNION {{ ?_r <{_LG}designation> ?d ; a <{_LG}ReviewPassed> ;
                               <{_LG}validUntil> ?_u }}
                   FILTER (?_u >= ?D) }}
          || NOT EXISTS {{ {{ ?d <{_LG}validUntil> ?_u0 }}
                   UNION {{ ?_r0 <{_LG}designation> ?d ; a <{_LG}ReviewPassed> ;
                                <{_LG}validUntil> ?_u0 }} }})
  FILTER NOT EXISTS {{ ?_e <{_LG}designation> ?d ; a ?_k ; <{_LG}eventDate> ?_end .
                      VALUES ?_k {{ <{_LG}Revocation> <{_LG}ReviewFailed> }} FILTER (?_end <= ?D) }}
"""
"""Filters over ``?d`` (a designation), ``?_from`` (its lg:validFrom) and ``?D`` (an xsd:date).

The caller binds ``?d ... lg:validFrom ?_from`` and ``?D``; variables starting ``?_`` are private.
"""

STATUS_ON = f"""
  OPTIONAL {{ ?d <{_LG}validFrom> ?_sfrom }}
  BIND (IF(EXISTS {{ ?_se <{_LG}designation> ?d ; a <{_LG}Revocation> ; <{_LG}eventDate> ?_rv
                    FILTER (?_rv <= ?D) }}, <{_LG}StatusRevoked>,
        IF(EXISTS {{ ?_sf <{_LG}designation> ?d ; a <{_LG}ReviewFailed> ; <{_LG}eventDate> ?_rf
                    FILTER (?_rf <= ?D) }}, <{_LG}StatusNotRenewed>,
        IF(EXISTS {{ {{ ?d <{_LG}validUntil> ?_su0 }}
                    UNION {{ ?_sr0 <{_LG}designation> ?d ; a <{_LG}ReviewPassed> ;
                                  <{_LG}validUntil> ?_su0 }} }}
           && NOT EXISTS {{ {{ ?d <{_LG}validUntil> ?_su }}
                    UNION {{ ?_sr <{_LG}designation> ?d ; a <{_LG}ReviewPassed> ;
                                  <{_LG}validUntil> ?_su }}
                    FILTER (?_su >= ?D) }}, <{_LG}StatusExpired>,
        IF(!BOUND(?_sfrom) || ?_sfrom <= ?D, <{_LG}StatusActive>, ?_unbound)))) AS ?status)
"""
"""Binds ``?status`` (an lg:DesignationStatus) of designation ``?d`` on ``?D``.

Each test is correlated with ``?d`` (EXISTS), so the cost follows the designations asked about,
not the whole dataset. ``?status`` is unbound before the title starts (validFrom after D). A
designation with no validFrom counts as active until an end is known, agreeing with
:data:`HOLDS_ON` wherever dates are stated; pages show the missing date rather than hide it.
"""


def date_literal(day: dt.date | str) -> str:
    """A SPARQL xsd:date literal for ``day`` (a date or an ISO string, checked)."""
    value = day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
    return f'"{value.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'


def holds_on(day: dt.date | str) -> str:
    """HOLDS_ON with ``?D`` bound to ``day``; splice after binding ``?d`` and ``?_from``."""
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
