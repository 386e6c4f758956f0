"""The parent screener's own words, in the Babel domain of words for families (`family`).

Parent pages are offered in more languages than staff pages (Arabic, right to left, among them),
so their strings live in a separate catalogue that each parent language keeps complete.
"""

from __future__ import annotations

from app.core.i18n import PARENT_LOCALES, RIGHT_TO_LEFT, family_domain

__all__ = ["PARENT_LOCALES", "RIGHT_TO_LEFT", "family_domain", "ui_strings"]

_s = family_domain.lazy_gettext


def ui_strings() -> dict[str, str]:
    """Every sentence the screener script shows, translated into the page's language."""
    return {key: str(text) for key, text in UI_STRINGS.items()}


UI_STRINGS = {
    "choose_language": _s("Choose your language"),
    "welcome_title": _s("Before your visit"),
    "welcome_why": _s(
        "Your answers help your child's care team understand how your family is doing and what would help."
    ),
    "welcome_skip": _s("Every question can be skipped. There are no right or wrong answers."),
    "welcome_who": _s(
        "Only your clinic's care team sees your answers. Nothing is shared with anyone else unless you say so."
    ),
    "start": _s("Start"),
    "question_of": _s("Question %(current)s of %(total)s"),
    "back": _s("Back"),
    "next": _s("Next"),
    "skip": _s("Skip this question"),
    "help_title": _s("Who would you like help from?"),
    "help_intro": _s(
        "You said you would like help. Choose who may contact you about it. You can change your mind at any time."
    ),
    "help_none": _s("I do not want anyone to contact me now"),
    "review_title": _s("Check your answers"),
    "review_change": _s("Change"),
    "not_answered": _s("Not answered"),
    "submit": _s("Send my answers"),
    "sending": _s("Sending…"),
    "saved_offline": _s(
        "Your answers are saved on this phone. They will be sent as soon as you are back online. You can keep this page open or come back to it."
    ),
    "sent": _s("Your answers have been sent."),
    "thanks_title": _s("Thank you"),
    "thanks_body": _s(
        "Thank you for taking this time for your family. You know your child best, and what you shared helps us care for you both. We look forward to seeing you."
    ),
    "unavailable": _s(
        "Some questions are not available in your language yet. Someone from the clinic will go through them with you, with an interpreter if you wish."
    ),
    "error": _s("Something went wrong. Please try again, or ask at the front desk."),
    "kiosk_done": _s("All done. Please hand the tablet back to the front desk."),
    "offline_first": _s("You are offline. Connect to the internet once to load the questions."),
    "link_title": _s("This link cannot be opened"),
    "link_body": _s(
        "It may have expired or been replaced. Please ask the clinic for a new link, or answer the questions at your visit."
    ),
}
