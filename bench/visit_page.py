"""Visit page and visit PDFs: queries per page, server time, PDF render time.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/wellthread_bench \
        .venv/bin/python bench/visit_page.py        # the database is emptied and rebuilt
    .venv/bin/python bench/visit_page.py            # SQLite in a temp folder

Builds the demo clinic, then one child followed from birth to 36 months: all 13 well-child visits,
each with the caregiver's screens, a family check-in, the Hunger Vital Sign, practices delivered and
notes. Prints the queries the visit page issues for that child's first visit and for the last
(a constant count is the goal: tests assert it), the page's median server time over 30 requests,
and the median time to render the family summary (en, es, ar) and the clinician printout.
"""

from __future__ import annotations

import os
import secrets
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from app.appointments.models import VISIT_AGE_DAYS, VisitKind
from app.core.roles import Role
from app.db import now_utc
from app.demo.seed import DEMO_TIMEZONE, demo_clinic, seed_demo_clinic
from app.extensions import db
from app.visits.operations import record_practice, save_visit_notes
from bench.common import bench_app, median_ms
from tests.factories import CHECKIN_ALL_NO, Factory

PAGE_RUNS, PDF_RUNS = 30, 10


def make_password() -> str:
    return secrets.token_urlsafe(16)


def _followed_child(make: Factory, clinic, clinician) -> list[int]:
    """One child's 13 visits from birth to 36 months, each fully worked; appointment ids."""
    household = make.household(clinic, name="Benchmark")
    caregiver = make.caregiver(household, preferred_language="es")
    born = make.today - timedelta(days=VISIT_AGE_DAYS[VisitKind.MONTH_36])
    child = make.child(household, date_of_birth=born, given_name="Sofía")
    ids = []
    for kind, age in VISIT_AGE_DAYS.items():
        at = datetime.combine(born + timedelta(days=age), datetime.min.time(), tzinfo=UTC)
        appointment = make.appointment(child, at=at + timedelta(hours=15), visit_kind=kind)
        make.screen(appointment, "phq-2", {"phq-1": "1", "phq-2": "1"}, caregiver=caregiver,
                    language="es")  # fmt: skip
        make.screen(appointment, "family-checkin", {**CHECKIN_ALL_NO, "need-food": "yes"},
                    caregiver=caregiver, language="es")  # fmt: skip
        make.screen(appointment, "hvs", {"hvs-1": "sometimes", "hvs-2": "never"},
                    caregiver=caregiver)  # fmt: skip
        for code in ("N2", "N3", "N4", "C2"):
            record_practice(appointment, code, user_id=clinician.user_id)
        save_visit_notes(appointment, strength_noticed="Le habla con mucha calma.",
                         next_steps="La despensa de alimentos la llamará el martes.",
                         version=None, user_id=clinician.user_id)  # fmt: skip
        ids.append(appointment.id)
    return ids


def main() -> None:
    app = bench_app()
    with app.app_context():
        today = now_utc().astimezone(ZoneInfo(DEMO_TIMEZONE)).date()
        seed_demo_clinic(today, password=make_password())
        clinic = demo_clinic()
        make = Factory(today=today)
        clinician = make.member(clinic, Role.CLINICIAN)
        visits = _followed_child(make, clinic, clinician)
        db.session.commit()
        engine = db.engine.url.get_backend_name()

    client = app.test_client()
    client.post("/sign-in", data={"email": clinician.user.email, "password": make.password})
    counted = []
    listener = lambda _c, _cur, statement, *args: counted.append(statement)  # noqa: E731
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", listener)
    queries = {}
    for label, appointment_id in (("first visit", visits[0]), ("36-month visit", visits[-1])):
        counted.clear()
        if client.get(f"/visits/{appointment_id}").status_code != 200:
            raise SystemExit(f"the visit page of appointment {appointment_id} did not open")
        queries[label] = len(counted)
        if os.environ.get("BENCH_SHOW_SQL"):
            print(f"-- {label}", *(q.split("\n")[0][:150] for q in counted), sep="\n")
    last = visits[-1]
    page_ms = median_ms(lambda: client.get(f"/visits/{last}"), PAGE_RUNS)
    pdf_ms = {
        f"family summary ({lang})": median_ms(
            lambda lang=lang: client.get(f"/visits/{last}/summary.pdf?language={lang}"), PDF_RUNS
        )
        for lang in ("en", "es", "ar")
    }
    pdf_ms["clinician printout"] = median_ms(
        lambda: client.get(f"/visits/{last}/printout.pdf"), PDF_RUNS
    )

    print(f"engine: {engine}")
    for label, count in queries.items():
        print(f"visit page queries, {label}: {count}")
    print(
        f"visit page, 36-month visit with 3 years of history: median {page_ms:.1f} ms over {PAGE_RUNS}"
    )
    for label, ms in pdf_ms.items():
        print(f"{label}: median {ms:.0f} ms over {PDF_RUNS}")


if __name__ == "__main__":
    main()
