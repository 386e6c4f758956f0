"""What the partner portal writes besides referral answers: the audit of what a partner read."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import g, request

from app.core.audit import AuditAction, AuditEvent
from app.db import now_utc
from app.extensions import db
from app.partners.queries import PartnerReferral


def record_list_read(rows: Iterable[PartnerReferral], *, page: str) -> int:
    """One audit event per referral whose details a partner saw, each with its child and household.

    Written as one multi-row INSERT (record_audit flushes row by row), so a list of 30 referrals
    costs the same queries as a list of 3. Actor, clinic and address as record_audit sets them.
    """
    moment, actor, address = now_utc(), g.user.id, request.remote_addr
    events = [
        {
            **row.referral.audit_refs(),
            "occurred_at": moment,
            "actor_user_id": actor,
            "clinic_id": row.referral.clinic_id,
            "action": AuditAction.VIEW.value,
            "object_type": row.referral.__tablename__,
            "object_id": str(row.referral.id),
            "ip_address": address,
            "details": {"page": page, "shared": sorted(row.scope)},
        }
        for row in rows
        if row.is_shared
    ]
    if events:
        db.session.execute(sa.insert(AuditEvent), events)
    return len(events)
