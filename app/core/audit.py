"""Append-only audit log of every read and change of families' records."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, now_utc
from app.extensions import db


class AuditAction(enum.StrEnum):
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    IMPORT = "import"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_OUT = "sign_out"


class AuditEvent(Base):
    """Who did what to which record, in which clinic, when and from where."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_clinic_occurred", "clinic_id", "occurred_at"),
        sa.Index("ix_audit_events_child", "child_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    clinic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("clinics.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    child_id: Mapped[int | None] = mapped_column(sa.ForeignKey("children.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    #: Field names changed, search terms, counts — never a copy of the record.
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    actor = sa.orm.relationship("User", lazy="joined")


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_rewrite(_mapper: Any, _connection: Any, _target: AuditEvent) -> None:
    raise PermissionError("the audit log is append-only")


def _object_refs(obj: Any) -> dict[str, Any]:
    refs: dict[str, Any] = {"object_type": type(obj).__tablename__, "object_id": str(obj.id)}
    refs.update(getattr(obj, "audit_refs", dict)())
    return refs


def changed_fields(obj: Any) -> list[str]:
    """Names of the columns of `obj` modified in this session and not yet flushed."""
    state = sa.inspect(obj)
    return sorted(attr.key for attr in state.attrs if attr.history.has_changes())


def record_audit(action: AuditAction, obj: Any = None, **fields: Any) -> AuditEvent:
    """Append one event; actor, clinic and address come from the request when there is one."""
    if obj is not None:
        if obj.id is None:
            db.session.flush()
        fields = {**_object_refs(obj), **fields}
    membership = g.get("membership") if has_request_context() else None
    fields.setdefault(
        "clinic_id", getattr(obj, "clinic_id", None) or getattr(membership, "clinic_id", None)
    )
    if has_request_context():
        fields.setdefault("actor_user_id", getattr(g.get("user"), "id", None))
        fields.setdefault("ip_address", request.remote_addr)
    event = AuditEvent(action=str(action), **fields)
    db.session.add(event)
    return event
