"""Figures in words: a median of one day reads in the singular."""

from __future__ import annotations

import pytest

from app.dashboards.definitions import BY_KEY
from app.dashboards.present import extra
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
