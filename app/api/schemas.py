"""Marshmallow schemas of the screener API: `XSchema` goes out, `XCreateSchema` comes in.

Inputs are bounded (list lengths, id lengths) so an oversized payload is refused before it costs
anything; unknown fields are refused, not ignored.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates

from app.consents.models import Recipient
from app.invitations.screener_operations import Answered, Sitting
from app.screening.operations import MAX_ID_LENGTH

LANGUAGE = validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$")
MAX_RESPONSES = 10
MAX_ANSWERS = 60


def _language(**kwargs) -> fields.String:
    return fields.String(
        validate=[validate.Length(max=16), LANGUAGE],
        metadata={"description": "A language code such as en, es or pt-BR.", "example": "es"},
        **kwargs,
    )


# Out ---------------------------------------------------------------------------------------------


class ClinicSchema(Schema):
    name = fields.String(required=True)


class AnswerOptionSchema(Schema):
    code = fields.String(required=True)
    text = fields.String(required=True)


class QuestionSchema(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    required = fields.Boolean(required=True)
    options = fields.List(fields.Nested(AnswerOptionSchema), required=True)


class ContinuationSchema(Schema):
    """Questions asked in the same sitting when the answers so far reach a total."""

    key = fields.String(required=True, metadata={"example": "phq-9"})
    when_total_at_least = fields.Integer(required=True, metadata={"example": 3})
    items = fields.List(fields.Nested(QuestionSchema), required=True)


class InstrumentSchema(Schema):
    key = fields.String(required=True, metadata={"example": "phq-2"})
    version = fields.String(required=True)
    title = fields.String(required=True)
    stem = fields.String(required=True)
    items = fields.List(fields.Nested(QuestionSchema), required=True)
    continues_to = fields.Nested(ContinuationSchema, allow_none=True, required=True)


class UnavailableInstrumentSchema(Schema):
    """A screen not on file in this language: the family is told the care team will help."""

    key = fields.String(required=True)
    title = fields.String(required=True)


class ChoiceSchema(Schema):
    code = fields.String(required=True)
    label = fields.String(required=True)


class ScreenerSessionSchema(Schema):
    """What a family sees after opening its link: the questions, never a score or a name."""

    clinic = fields.Nested(ClinicSchema, required=True)
    language = fields.String(required=True)
    languages = fields.List(fields.String(), required=True)
    expires_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)
    instruments = fields.List(fields.Nested(InstrumentSchema), required=True)
    unavailable = fields.List(fields.Nested(UnavailableInstrumentSchema), required=True)
    recipients = fields.List(fields.Nested(ChoiceSchema), required=True)
    needs = fields.List(fields.Nested(ChoiceSchema), required=True)


class ReceivedSchema(Schema):
    instrument = fields.String(required=True)
    client_submission_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["stored", "already_received"]))


class SubmissionSchema(Schema):
    received = fields.List(fields.Nested(ReceivedSchema), required=True)
    completed = fields.Boolean(required=True)


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True, metadata={"description": "In the family's language."})
    # `fields` would shadow Schema.fields.
    field_messages = fields.Dict(data_key="fields", required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


# In ----------------------------------------------------------------------------------------------


class SessionQuerySchema(Schema):
    language = _language(load_default=None)


class ResponseCreateSchema(Schema):
    """One instrument answered in this sitting; a positive PHQ-2 carries its PHQ-9 answers too."""

    instrument = fields.String(
        required=True,
        validate=[validate.Length(max=40), validate.Regexp(r"^[a-z0-9][a-z0-9-]*$")],
    )
    client_submission_id = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=MAX_ID_LENGTH),
            validate.Regexp(r"^[A-Za-z0-9_.:-]+$"),
        ],
        metadata={"description": "Chosen once by the device; a resend with it is recognised."},
    )
    # Every question may be skipped, so an empty set of answers is a valid sitting.
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=MAX_ID_LENGTH)),
        values=fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(max=MAX_ANSWERS),
    )

    @post_load
    def _make(self, data: dict[str, Any], **_kwargs: Any) -> Answered:
        return Answered(**data)


class HelpCreateSchema(Schema):
    recipients = fields.List(
        fields.String(validate=validate.OneOf([r.value for r in Recipient])),
        required=True,
        validate=validate.Length(max=len(Recipient)),
    )

    @validates("recipients")
    def _once_each(self, value: list[str], **_kwargs: Any) -> None:
        if len(value) != len(set(value)):
            raise ValidationError("Name each recipient once.")


class SubmissionCreateSchema(Schema):
    language = _language(required=True)
    kiosk = fields.Boolean(truthy={True}, falsy={False}, load_default=False)
    responses = fields.List(
        fields.Nested(ResponseCreateSchema),
        required=True,
        validate=validate.Length(max=MAX_RESPONSES),
    )
    help = fields.Nested(HelpCreateSchema, allow_none=True, load_default=None)

    @post_load
    def _make(self, data: dict[str, Any], **_kwargs: Any) -> Sitting:
        recipients = data["help"]["recipients"] if data["help"] else []
        return Sitting(
            language=data["language"],
            answered=data["responses"],
            recipients=[Recipient(code) for code in recipients],
            is_kiosk=data["kiosk"],
        )
