"""How ages and languages read on staff pages."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.templating import child_age, language_name


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(2026, 11, 22), date(2026, 11, 22), "0 days"),
        (date(2026, 11, 21), date(2026, 11, 22), "1 day"),
        (date(2026, 11, 9), date(2026, 11, 22), "13 days"),
        (date(2026, 11, 8), date(2026, 11, 22), "2 weeks"),
        (date(2026, 9, 23), date(2026, 11, 22), "8 weeks"),
        (date(2026, 9, 22), date(2026, 11, 22), "2 months"),
        (date(2026, 1, 31), date(2026, 2, 28), "4 weeks"),
        (date(2025, 12, 31), date(2026, 3, 30), "2 months"),
        (date(2023, 11, 23), date(2026, 11, 22), "35 months"),
        (date(2023, 11, 22), date(2026, 11, 22), "36 months"),
    ],
)
def test_child_age_reads_in_days_then_weeks_then_months(app, born, on, expected):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert child_age(born, on) == expected


def test_ages_and_language_names_follow_the_page_language(app):
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert child_age(date(2026, 9, 1), date(2026, 11, 22)) == "2 meses"
        assert language_name("vi") == "Vietnamita"
