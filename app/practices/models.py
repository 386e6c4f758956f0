"""CommonPractice rows: a clinic's copy of the practice catalogue."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, TimestampMixin, enum_column


class PracticeAction(enum.StrEnum):
    NURTURE = "nurture"
    CONNECT = "connect"
    DEVELOP = "develop"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS[self])


ACTION_LABELS = {
    PracticeAction.NURTURE: _l("Nurture parents' competence and confidence"),
    PracticeAction.CONNECT: _l("Connect families to additional supports"),
    PracticeAction.DEVELOP: _l("Develop the care team and clinic infrastructure"),
}


class CommonPractice(TimestampMixin, Base):
    """One of the 14 practices; `code` (N1…D4) is the stable id that prompts and referrals cite."""

    __tablename__ = "common_practices"
    __table_args__ = (sa.UniqueConstraint("clinic_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clinic_id: Mapped[int] = mapped_column(sa.ForeignKey("clinics.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(8))
    action: Mapped[PracticeAction] = mapped_column(enum_column(PracticeAction, "practice_action"))
    position: Mapped[int] = mapped_column()
    #: {"en": "...", "es": "..."}: wording a clinic can correct without a code change.
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    description: Mapped[dict[str, str]] = mapped_column(sa.JSON)

    def title_in(self, locale: str) -> str:
        return self.title.get(locale) or self.title["en"]

    def description_in(self, locale: str) -> str:
        return self.description.get(locale) or self.description["en"]
