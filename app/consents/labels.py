"""Words for consents: how it was given, what data it shares, which needs it names."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.consents.models import ConsentMethod
from app.referrals.models import REFERRAL_NEEDS
from app.referrals.present import need_label  # the referrals' wording: one name per need

METHOD_LABELS = {
    ConsentMethod.PARENT_DEVICE: _l("On the parent's phone"),
    ConsentMethod.KIOSK: _l("On the clinic tablet"),
    ConsentMethod.VERBAL: _l("Verbal, recorded by staff"),
    ConsentMethod.SIGNED_PAPER: _l("Signed paper form"),
}

#: Ways staff record a consent; the phone and the tablet record their own in the screener.
STAFF_METHODS = (ConsentMethod.VERBAL, ConsentMethod.SIGNED_PAPER)

#: What a recipient may see of the family (Consent.scope_data), in the order shown.
DATA_LABELS = {
    "contact": _l("Contact: the caregiver's name, language and phone"),
    "child": _l("Child: the child's first name and age"),
    "needs": _l("Needs: the need, its legal domain and the request note"),
}


def need_choices() -> list[tuple[str, str]]:
    return [(need, need_label(need)) for need in REFERRAL_NEEDS]


def method_label(method: ConsentMethod) -> str:
    return str(METHOD_LABELS[method])


def data_label(item: str) -> str:
    return str(DATA_LABELS.get(item, item))
