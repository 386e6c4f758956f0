"""The visit's PDFs: a summary for the family in their language, and a printout for the clinician."""

from __future__ import annotations

from flask import Response, render_template
from flask_babel import force_locale

from app.core.i18n import RIGHT_TO_LEFT
from app.core.pdf import PDF_MIMETYPE, render_pdf
from app.guidance.triggers import family_tips, select_prompts
from app.visits.family_words import need_words
from app.visits.page import visit_page_context
from app.visits.queries import VisitPicture

#: Never printed for the family: a summary can be read by the person the family fears.
KEPT_OFF_THE_SUMMARY = frozenset({"safety_home"})


def family_summary_pdf(picture: VisitPicture, language: str) -> bytes:
    """Strength noticed, tips for this age, what the family asked for and what was arranged —
    never a score, a band or a flag."""
    chosen = select_prompts(picture.prompts, picture.facts)
    with force_locale(language):
        html = render_template(
            "visits/summary_family.html", picture=picture, language=language,
            direction="rtl" if language in RIGHT_TO_LEFT else "ltr",
            tips=family_tips(chosen, language),
            asked_for=need_words(picture.facts.needs_yes - KEPT_OFF_THE_SUMMARY),
        )  # fmt: skip
    return render_pdf(html)


def clinician_printout_pdf(picture: VisitPicture) -> bytes:
    """The visit page on paper, in the clinician's language: results, prompts, practices, codes."""
    return render_pdf(render_template("visits/printout.html", **visit_page_context(picture)))


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype=PDF_MIMETYPE)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
