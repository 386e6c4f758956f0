"""Figures in words: a median of one day reads in the singular; words remembered in one language
are not given in another."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from app.dashboards.definitions import BY_KEY
from app.dashboards.present import count, extra, fraction, month_name
from app.dashboards.tally import Cell


@pytest.mark.parametrize(
    ("key", "values", "words"),
    [
        ("loops-closed", [1.0], "median 1 day"),
        ("loops-closed", [2.0, 3.0], "median 2.5 days"),
        ("warm-handoffs", [1.0, 1.0], "median 1 minute"),
        ("warm-handoffs", [6.25], "median 6.2 minutes"),
    ],
)
def test_median_words_agree_with_the_number(app, key, values, words):
    with app.test_request_context():
        assert (
            extra(BY_KEY[key], Cell(numerator=len(values), denominator=2, values=values)) == words
        )


def test_words_remembered_in_one_language_are_written_anew_in_another(app):
    cell = Cell(numerator=1204, denominator=2500)
    with app.test_request_context():
        with force_locale("en"):
            english = (month_name(date(2026, 1, 1)), fraction(cell, 11), count(12345))
        with force_locale("es"):
            spanish = (month_name(date(2026, 1, 1)), fraction(cell, 11), count(12345))
        with force_locale("en"):
            again = (month_name(date(2026, 1, 1)), fraction(cell, 11), count(12345))

    assert english == ("Jan 2026", "1,204 of 2,500", "12,345")
    assert spanish[0].lower().startswith("ene")
    assert spanish[1] == "1.204 de 2.500"
    assert spanish[2] == "12.345"
    assert again == english
