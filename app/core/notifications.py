"""Outgoing e-mail and SMS: queued during a change and sent only once its commit has succeeded.

Backends are pluggable by configuration: "console" (logs the message; the default), "memory"
(keeps messages in `app.extensions["wellthread_outbox"]`, for tests and demos).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

log = logging.getLogger("wellthread.notifications")


@dataclass(frozen=True)
class Message:
    channel: str  # "sms" or "email"
    to: str
    body: str
    subject: str | None = None


def queue_message(session: Session, message: Message) -> None:
    """Send `message` if and when `session` commits; a rollback drops it."""
    session.info.setdefault("outbox", []).append(message)


def _deliver(message: Message) -> None:
    backend = current_app.config[f"WELLTHREAD_{message.channel.upper()}_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("wellthread_outbox", []).append(message)
    elif backend == "console":
        log.info("%s to %s: %s", message.channel, message.to, message.body)
    else:
        raise ValueError(f"unknown {message.channel} backend {backend!r}")


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    outbox = session.info.pop("outbox", [])
    if outbox and has_app_context():
        for message in outbox:
            _deliver(message)


@sa.event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop("outbox", None)
