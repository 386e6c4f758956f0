"""The safety protocol shown when a critical answer is open: what to do, step by step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Self-harm items (PHQ-9 item 9, EPDS item 10): same-day assessment by the clinician before the
# caregiver leaves, never leaving a person at immediate risk alone, and a warm handoff to
# behavioral health (AAP 2019 "Incorporating Recognition and Management of Perinatal Depression
# into Pediatric Practice"; Kroenke 2001 on PHQ-9 item 9; Cox 1987 on EPDS item 10). 988 is the
# US Suicide & Crisis Lifeline; 1-833-TLC-MAMA (1-833-852-6262) is the HRSA National Maternal
# Mental Health Hotline.
SELF_HARM_STEPS = (
    _l(
        "Before the caregiver leaves, talk with them privately, without the child's other caregivers in the room if you can."
    ),
    _l(
        "Ask directly about thoughts of self-harm or of harming the baby: how often, whether there is a plan, and access to means."
    ),
    _l(
        "If there is immediate danger, do not leave the caregiver alone: call 911 or the 988 Suicide & Crisis Lifeline together."
    ),
    _l(
        "Otherwise, arrange a same-day warm handoff to behavioral health or a navigator, and give the caregiver 988 and the National Maternal Mental Health Hotline (1-833-TLC-MAMA)."
    ),
    _l("Record below what you did. The banner stays until you do."),
)

# Asking for help with safety at home: ask privately, check that going home today is safe, and
# connect to a social worker or navigator; 1-800-799-7233 is the National Domestic Violence Hotline.
SAFETY_AT_HOME_STEPS = (
    _l("Talk with the caregiver alone, never in front of a partner or older children."),
    _l("Ask whether it is safe for them and the child to go home today."),
    _l(
        "If anyone is in immediate danger, call 911 with the caregiver's agreement; otherwise arrange a warm handoff to the social worker or a navigator today."
    ),
    _l(
        "Offer the National Domestic Violence Hotline (1-800-799-7233) in a way that is safe for the caregiver to keep."
    ),
    _l("Record below what you did. The banner stays until you do."),
)

PROTOCOLS = {
    "phq-9:phq-9": SELF_HARM_STEPS,
    "epds:epds-10": SELF_HARM_STEPS,
    "family-checkin:safety_home": SAFETY_AT_HOME_STEPS,
}


def protocol_steps(flag_code: str) -> tuple[str, ...]:
    """The steps for a critical answer; any critical answer gets the self-harm steps by default."""
    return tuple(str(step) for step in PROTOCOLS.get(flag_code, SELF_HARM_STEPS))
