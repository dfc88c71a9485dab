"""The three-year validity rule (工信部企业〔2022〕63号): one function for every path that dates
a title's end, so that lists, notices and the curated data agree on 29 February too."""

from __future__ import annotations

import datetime as dt

import pytest

from ontology.temporal import renewed_until, valid_until


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param(dt.date(2019, 6, 5), dt.date(2022, 6, 4), id="batch-1"),
        pytest.param(dt.date(2021, 1, 1), dt.date(2023, 12, 31), id="new-year"),
        pytest.param(dt.date(2020, 2, 29), dt.date(2023, 2, 28), id="29-february"),
        pytest.param(dt.date(2021, 3, 1), dt.date(2024, 2, 29), id="ends-on-a-leap-day"),
    ],
)
def test_valid_until_is_the_inclusive_last_day(start: dt.date, end: dt.date) -> None:
    assert valid_until(start) == end


@pytest.mark.parametrize(
    ("end", "renewed"),
    [
        pytest.param(dt.date(2022, 6, 4), dt.date(2025, 6, 4), id="three-more-years"),
        pytest.param(dt.date(2028, 2, 28), dt.date(2031, 2, 28), id="from-29-february"),
        pytest.param(dt.date(2024, 2, 29), dt.date(2027, 2, 28), id="past-a-leap-day"),
    ],
)
def test_a_passed_review_adds_three_years_from_the_day_after(
    end: dt.date, renewed: dt.date
) -> None:
    assert renewed_until(end) == renewed
