"""`flask seed-volume` at toy size (2 sites, a year), for the tests that need a whole practice."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.clinics.models import Clinic
from app.demo.volume_cli import seed_volume_command
from app.demo.volume_staff import VOLUME_SLUG

END = date(2025, 6, 30)
START = date(2024, 6, 30)
PASSWORD = "volume-password-for-tests"
ARGS = ["--sites", "2", "--years", "1", "--births-per-site-year", "15",
        "--end", END.isoformat(), "--password", PASSWORD, "--seed", "3"]  # fmt: skip


@pytest.fixture
def volume(app, db_session) -> Clinic:
    result = app.test_cli_runner().invoke(seed_volume_command, ARGS)
    assert result.exit_code == 0, result.output
    assert "appointments" in result.output
    return db_session.scalar(sa.select(Clinic).where(Clinic.slug == VOLUME_SLUG))
