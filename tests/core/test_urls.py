"""Redirect targets taken from forms stay on this site."""

from __future__ import annotations

import pytest

from app.core.urls import local_path


@pytest.mark.parametrize(
    ("target", "kept"),
    [
        ("/huddles/?day=2026-11-22#child-4", True),
        ("/followups/", True),
        ("//evil.example/x", False),
        ("/\t/evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("followups", False),
        ("", False),
        (None, False),
    ],
)
def test_only_paths_on_this_site_are_kept(target, kept):
    assert local_path(target) == (target if kept else None)
