"""The schedule and home pages cost the same number of queries for a quiet day and a busy one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.core.roles import Role


def _book(make, clinic, clinician, how_many: int) -> None:
    site = make.site(clinic, f"Site {how_many}")
    start = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    for n in range(how_many):
        household = make.household(clinic, name=f"Family {n}")
        make.caregiver(household)
        make.caregiver(household, given_name="Luis", is_primary_contact=False)
        child = make.child(household)
        make.appointment(child, start + timedelta(minutes=10 * n), clinician_id=clinician.user_id,
                         site_id=site.id, needs_interpreter=True, interpreter_language="es")  # fmt: skip


@pytest.mark.parametrize("path", ["/appointments/", "/"])
def test_query_count_does_not_grow_with_the_days_appointments(login, make, count_queries, path):
    counts = []
    for how_many in (2, 12):
        clinic = make.clinic()
        clinician = make.member(clinic, Role.CLINICIAN)
        _book(make, clinic, clinician, how_many)
        client = login(clinician)
        with count_queries() as counted:
            page = client.get(path)
        assert page.status_code == 200
        assert page.get_data(as_text=True).count("/families/children/") == how_many
        counts.append(counted.count)
        client.post("/sign-out")
    assert counts[0] == counts[1]
