"""Month-by-month trend charts as small inline SVG: no script, no font or file to fetch, so the
same markup draws in a browser and in a WeasyPrint PDF, and a screen reader gets the figures."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from app.dashboards import present
from app.dashboards.definitions import Figure, MetricDefinition
from app.dashboards.tally import Cell

WIDTH, HEIGHT = 600, 140
LEFT, RIGHT, TOP, BOTTOM = 44, 62, 12, 30
#: More month labels than this would run into each other: every second (third…) one is shown.
MAX_LABELS = 12
LINE, GRID, TARGET, INK = "#1f4e5f", "#d5dde0", "#b35c00", "#333"
FONT_SIZE = 10
#: The mean advance of a character in DejaVu Sans and Helvetica, in ems. Labels are placed by
#: their estimated width, not with text-anchor: WeasyPrint draws each anchored text as a PDF form
#: of its own, which made a report with forty charts twelve times larger and twice as slow.
CHAR_WIDTH = 0.6


def value_of(definition: MetricDefinition, cell: Cell) -> float | None:
    """The plotted figure; None draws a gap (nothing to count, or hidden)."""
    if cell.is_suppressed or not cell.denominator:
        return None
    return cell.mean if definition.figure == Figure.MEAN else cell.rate


def detail(definition: MetricDefinition, cell: Cell, minimum_cell: int) -> str:
    """What the figure is taken of: "2 of 3" for a rate, "mean of 120" for a mean."""
    if definition.figure == Figure.RATE or cell.is_suppressed or not cell.denominator:
        return present.fraction(cell, minimum_cell)
    return _("mean of %(count)s", count=present.count(cell.denominator))


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × a power of ten at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    return next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= value * (1 - 1e-9))


def trend_chart(
    definition: MetricDefinition,
    months: Sequence[date],
    cells: Sequence[Cell],
    *,
    title: str,
    minimum_cell: int,
) -> Markup:
    """The figure month by month: a line with dots, gaps where a month has nothing to show."""
    values = [value_of(definition, cell) for cell in cells]
    plot = _Plot(len(months), _scale_top(definition, values))
    # Unique per chart on a page with many, and the same for the same chart on every render.
    digest = hashlib.blake2s(f"{definition.code}|{title}".encode(), digest_size=5).hexdigest()
    chart_id = f"chart-{digest}"
    parts = [
        Markup('<title id="{0}-t">{1}</title><desc id="{0}-d">{2}</desc>').format(
            chart_id, title, _description(definition, months, cells, minimum_cell)
        ),
        _grid(definition, plot),
        _target(definition, plot),
        _month_labels(months, plot),
        _line(values, plot),
        _last_label(definition, cells, values, plot, minimum_cell),
    ]
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="trend-chart" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{i}-t {i}-d" font-size="{size}" '
        'font-family="DejaVu Sans, Helvetica, Arial, sans-serif">{body}</svg>'
    ).format(w=WIDTH, h=HEIGHT, size=FONT_SIZE, i=chart_id, body=Markup("").join(parts))


def _scale_top(definition: MetricDefinition, values: Sequence[float | None]) -> float:
    """0–100% for a rate; a mean's axis reaches a round number at or above its largest month."""
    if definition.figure == Figure.RATE:
        return 1.0
    return nice_ceiling(max((v for v in values if v is not None), default=0.0))


class _Plot:
    """Where a month and a value land inside the drawing."""

    def __init__(self, count: int, top: float) -> None:
        self.count, self.top = count, top
        self.left, self.right = LEFT, WIDTH - RIGHT
        self.upper, self.lower = TOP, HEIGHT - BOTTOM

    def x(self, index: int) -> float:
        step = (self.right - self.left) / max(self.count, 1)
        return round(self.left + step * (index + 0.5), 1)

    def y(self, value: float) -> float:
        share = min(max(value / self.top, 0.0), 1.0)
        return round(self.lower - share * (self.lower - self.upper), 1)


def _scale_label(definition: MetricDefinition, value: float) -> str:
    if definition.figure == Figure.RATE:
        return present.percent(value)
    return format_decimal(value, format="#,##0.##")


def _grid(definition: MetricDefinition, plot: _Plot) -> Markup:
    lines = []
    for share in (0.0, 0.5, 1.0):
        y, label = plot.y(share * plot.top), _scale_label(definition, share * plot.top)
        lines.append(
            Markup(
                '<line x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" fill="{ink}">{label}</text>'
            ).format(
                l=plot.left, r=plot.right, y=y, c=GRID, tx=round(plot.left - 5 - _width(label), 1),
                ty=round(y + 3.5, 1), ink=INK, label=label,
            )
        )  # fmt: skip
    return Markup("").join(lines)


def _target(definition: MetricDefinition, plot: _Plot) -> Markup:
    if definition.target is None:
        return Markup("")
    y = plot.y(definition.target)
    return Markup(
        '<line class="target" x1="{l}" x2="{r}" y1="{y}" y2="{y}" stroke="{c}" '
        'stroke-width="1.2" stroke-dasharray="5 4"/>'
        '<text x="{tx}" y="{ty}" fill="{c}" font-size="8.5">{label}</text>'
    ).format(
        l=plot.left, r=plot.right, y=y, c=TARGET, tx=plot.left + 4, ty=round(y - 3, 1),
        label=present.target(definition),
    )  # fmt: skip


def _labelled(count: int) -> list[int]:
    """The months that get a label: all up to MAX_LABELS, else every n-th counting back from
    the last month, which is always named."""
    step = math.ceil(count / MAX_LABELS) if count > MAX_LABELS else 1
    return [i for i in range(count) if (count - 1 - i) % step == 0]


def _month_labels(months: Sequence[date], plot: _Plot) -> Markup:
    """Short month names, with the year under the first one and under each January."""
    texts, shown_year = [], None
    for i in _labelled(len(months)):
        texts.append(_axis_text(plot.x(i), plot.lower + 13, present.month_part(months[i], "LLL")))
        if months[i].year != shown_year:
            texts.append(_axis_text(plot.x(i), plot.lower + 25, present.month_part(months[i], "y")))
            shown_year = months[i].year
    return Markup("").join(texts)


def _axis_text(x: float, y: float, words: str) -> Markup:
    """Words centred on `x`."""
    return Markup('<text x="{}" y="{}" fill="{}">{}</text>').format(
        round(x - _width(words) / 2, 1), y, INK, words
    )


def _width(words: str) -> float:
    return len(words) * FONT_SIZE * CHAR_WIDTH


def _line(values: Sequence[float | None], plot: _Plot) -> Markup:
    """Runs of consecutive months joined by a line; a month with no figure breaks it."""
    path, dots, pen_down = [], [], False
    for i, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x, y = plot.x(i), plot.y(value)
        path.append(f"{'L' if pen_down else 'M'}{x} {y}")
        dots.append(Markup('<circle cx="{}" cy="{}" r="3"/>').format(x, y))
        pen_down = True
    line = Markup('<path d="{d}" fill="none" stroke="{c}" stroke-width="2"/>').format(
        d=" ".join(path), c=LINE
    )
    return line + Markup('<g class="points" fill="{}">{}</g>').format(LINE, Markup("").join(dots))


def _last_label(
    definition: MetricDefinition,
    cells: Sequence[Cell],
    values: Sequence[float | None],
    plot: _Plot,
    minimum_cell: int,
) -> Markup:
    last = next((i for i in reversed(range(len(values))) if values[i] is not None), None)
    if last is None:
        return Markup("")
    return Markup(
        '<text x="{x}" y="{y}" fill="{c}" font-weight="bold">{label}</text>'
    ).format(
        x=round(plot.x(last) + 6, 1), y=round(plot.y(values[last]) + 4, 1), c=LINE,
        label=present.headline(definition, cells[last], minimum_cell),
    )  # fmt: skip


def _description(
    definition: MetricDefinition, months: Sequence[date], cells: Sequence[Cell], minimum_cell: int
) -> str:
    """The chart in words, month by month, for screen readers (and anyone reading the source)."""
    sentences = [
        _month_words(definition, m, c, minimum_cell) for m, c in zip(months, cells, strict=True)
    ]
    if definition.target is not None:
        sentences.append(_("The target is %(target)s", target=present.percent(definition.target)))
    return " ".join(sentence + "." for sentence in sentences)


def _month_words(definition: MetricDefinition, month: date, cell: Cell, minimum_cell: int) -> str:
    name = present.month_name(month)
    if not cell.denominator:
        return _("%(month)s: nothing to count", month=name)
    figure = present.headline(definition, cell, minimum_cell)
    words = detail(definition, cell, minimum_cell)
    if not words:
        return _("%(month)s: %(figure)s", month=name, figure=figure)
    return _("%(month)s: %(figure)s (%(detail)s)", month=name, figure=figure, detail=words)
