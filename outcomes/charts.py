"""The progress chart: one definition for the clinician's page, the patient portal and
the PDF report, drawn on the server by matplotlib (Agg) as SVG.

What it draws (``ChartData``): the scores over time; the instrument's severity bands
and its caseness cut-off; the course's phases as a shaded strip along the top; life
events (dotted lines, numbered) and missed sessions (crosses on the time axis); the
expected trajectory — the fitted band, or the stated rule's on-track limit.
``chart_table`` gives the same facts as rows for the table printed beside the chart,
which is what screen readers read.

The SVG is made safe to place inline under the strict content-security policy: no
``<style>`` element and no ``style=`` attribute (each CSS declaration matplotlib writes
becomes the SVG presentation attribute of the same name), no XML prolog, and every id
prefixed with the chart's key so that several charts can share a page.

No Django here either: the portal and the reports call it with the same data. The
chart's own words (legend, cut-off, band names, dates, the ``aria-label`` sentence)
come from ``ChartWording``: English unless the caller passes the reader's language
(the portal does, from its catalog: ``portal.plain_words.chart_wording``).
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from io import StringIO
from typing import TYPE_CHECKING

from iptcare.lib.drawing import PLAIN_TEXT_RC, plain_label
from outcomes.calculations import (
    InstrumentRules,
    ScorePoint,
    TrackMethod,
    Trajectory,
    number,
    signed,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Severity bands, mildest first: pale enough for the line and text to read on top.
BAND_COLOURS = ("#e3f1e6", "#eef5dc", "#fbf3d5", "#fbe5cf", "#f8d7d5", "#f3c9c9")
PHASE_COLOURS = {
    "initial": "#c9d8e6",
    "middle": "#9fbdd6",
    "termination": "#7a9fc0",
}
INK = "#1d2433"
MUTED = "#5b6475"
ACCENT = "#1f5f8b"
DANGER = "#a4262c"
EXPECTED = "#5a7fa8"


ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class ChartWording:
    """The words the chart draws or says, in one language (English by default).

    Templates use ``str.format`` fields; ``bands`` and ``phases`` map the instrument's
    band label and the phase's id to the words shown (unmapped ones are shown as they
    are). Frozen and hashable: part of ``ChartData``, so each language's chart is drawn
    and cached on its own."""

    over_time: str = "{name} over time"
    no_scores_yet: str = "No scores yet"
    cut_off: str = "cut-off {label}"
    expected_range: str = "expected range"
    expected: str = "expected"
    on_track_limit: str = "on-track limit"
    life_event: str = "life event (numbered)"
    missed_session: str = "missed session"
    no_scores_recorded: str = "{name}: no scores recorded yet."
    one_score: str = "{name}: one score, {value} on {day}."
    many_scores: str = (
        "{name}: {count} scores from {first} on {first_day} to {last} on {last_day} "
        "({change})."
    )
    day_format: str = "{day} {month} {year}"
    months: tuple[str, ...] = ENGLISH_MONTHS
    bands: tuple[tuple[str, str], ...] = ()
    phases: tuple[tuple[str, str], ...] = ()

    def band(self, label: str) -> str:
        return dict(self.bands).get(label, label)

    def phase(self, phase: str, label: str) -> str:
        return dict(self.phases).get(phase, label)

    def day(self, when: date) -> str:
        """``3 March 2026``, or the language's own order and month name."""
        return self.day_format.format(
            day=when.day, month=self.months[when.month - 1], year=when.year
        )

    def short_day(self, when: date) -> str:
        """The time axis's ticks: ``3 Mar``, the month's first three letters."""
        return f"{when.day} {self.months[when.month - 1][:3]}"


ENGLISH = ChartWording()


@dataclass(frozen=True)
class ChartSize:
    """How large the chart is drawn and what fits at that size: the figure in inches
    (72 to the inch: the SVG's viewBox, in CSS pixels), the axes' box within it, the
    font in points, whether the band names stand at the right edge (wrapped onto two
    lines where the chart is narrow), and the legend's columns (0: none)."""

    name: str
    inches: tuple[float, float]
    axes: tuple[float, float, float, float]
    font: int
    band_names: bool
    legend_columns: int
    legend_top: float  # below the axes, as a fraction of their height
    max_ticks: int
    wrap_band_names: bool = False


# The clinician's full page and the PDF report. The PDF prints it across the page's
# text width (A4 less its margins: about 505 pt for its 576 units), so its smallest text
# (font - 1) prints at 8.8 pt: at least the report's small print (SMALL_PRINT_PT; the
# test measures it in WeasyPrint's layout). Band names wrap to stay inside the figure.
WIDE = ChartSize(
    "wide", (8.0, 3.8), (0.08, 0.24, 0.78, 0.66), 11, True, 4, -0.13, 9, True
)
# The patient page's summary, beside its table.
COMPACT = ChartSize("compact", (5.6, 2.4), (0.08, 0.16, 0.78, 0.68), 8, False, 0, 0, 6)
# The patient portal, on a phone: drawn near the size a 375 px screen shows it at, so
# that its smallest text reads at about 11 px instead of shrinking with a wide chart
# to 6.
PHONE = ChartSize(
    "phone", (4.3, 4.9), (0.16, 0.38, 0.5, 0.56), 12, True, 1, -0.11, 3, True
)


@dataclass(frozen=True)
class PhaseSpan:
    """A phase of the course, from its first to its last day (inclusive)."""

    phase: str
    label: str
    start: date
    end: date


@dataclass(frozen=True)
class Marker:
    day: date
    label: str


@dataclass(frozen=True)
class ChartData:
    """Everything the chart shows; hashable, so a drawn chart can be reused."""

    key: str
    rules: InstrumentRules
    scores: tuple[ScorePoint, ...] = ()
    phases: tuple[PhaseSpan, ...] = ()
    life_events: tuple[Marker, ...] = ()
    missed_sessions: tuple[Marker, ...] = ()
    trajectory: Trajectory | None = None
    start: date | None = None
    end: date | None = None
    size: ChartSize = WIDE
    wording: ChartWording = ENGLISH

    @property
    def title(self) -> str:
        return self.wording.over_time.format(name=self.rules.name)

    @property
    def description(self) -> str:
        """One sentence for ``aria-label``: the chart's gist without the table."""
        words = self.wording
        name = self.rules.name
        points = sorted(self.scores, key=lambda s: s.day)
        if not points:
            return words.no_scores_recorded.format(name=name)
        first, last = points[0], points[-1]
        if len(points) == 1:
            return words.one_score.format(
                name=name, value=number(first.value), day=words.day(first.day)
            )
        return words.many_scores.format(
            name=name,
            count=len(points),
            first=number(first.value),
            first_day=words.day(first.day),
            last=number(last.value),
            last_day=words.day(last.day),
            change=signed(last.value - first.value),
        )


@dataclass(frozen=True)
class TableRow:
    day: date
    session: int | None
    score: float
    band: str | None
    change: float | None
    expected: str
    note: str = ""


@dataclass(frozen=True)
class ChartTable:
    """The chart as data, for the table beside it."""

    rows: tuple[TableRow, ...]
    phases: tuple[PhaseSpan, ...]
    life_events: tuple[Marker, ...]
    missed_sessions: tuple[Marker, ...]
    cut_off: str | None
    expected_label: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def chart_table(data: ChartData) -> ChartTable:
    points = sorted(data.scores, key=lambda s: (s.day, s.session or 0))
    expected: dict[tuple[date, int], str] = {}
    if data.trajectory is not None:
        for point in data.trajectory.points:
            if data.trajectory.method is TrackMethod.EXPECTED_TRAJECTORY:
                text = f"{number(point.low)}–{number(point.high)}"
            else:
                text = f"on track at or below {number(point.high)}"
                if not data.rules.higher_is_worse:
                    text = f"on track at or above {number(point.high)}"
            expected[(point.when, point.session)] = text
    baseline = points[0].value if points else None
    rows = tuple(
        TableRow(
            day=point.day,
            session=point.session,
            score=point.value,
            band=data.rules.band_for(point.value),
            change=None
            if baseline is None or index == 0
            else round(point.value - baseline, 2),
            expected=expected.get((point.day, point.session or 0), ""),
            note=point.note,
        )
        for index, point in enumerate(points)
    )
    caseness = data.rules.caseness
    return ChartTable(
        rows=rows,
        phases=data.phases,
        life_events=data.life_events,
        missed_sessions=data.missed_sessions,
        cut_off=f"{data.rules.name} {caseness.label}" if caseness else None,
        expected_label=data.trajectory.label if data.trajectory else "",
    )


def render_svg(data: ChartData) -> str:
    """The chart as an SVG element, safe to place inline (see the module docstring)."""
    return _render(data)


@lru_cache(maxsize=256)
def _render(data: ChartData) -> str:
    # Imported here: matplotlib takes a while to import, and most requests draw nothing.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: selectable, small
    matplotlib.rcParams["svg.hashsalt"] = "iptcare"  # the same data, the same bytes
    for name, value in PLAIN_TEXT_RC.items():  # words drawn as written, not formulae
        matplotlib.rcParams[name] = value  # type: ignore[index]

    figure = Figure(figsize=data.size.inches, dpi=72)
    axes = figure.add_axes(data.size.axes)
    _draw(axes, data)
    buffer = StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _inline_safe(buffer.getvalue(), data)


def _x_range(data: ChartData) -> tuple[date, date]:
    days = [s.day for s in data.scores]
    days += [p.start for p in data.phases] + [p.end for p in data.phases]
    days += [m.day for m in (*data.life_events, *data.missed_sessions)]
    start = data.start or (min(days) if days else date.today())  # noqa: DTZ011 - a placeholder axis
    end = data.end or (max(days) if days else start)
    if end <= start:
        start, end = start - timedelta(days=7), start + timedelta(days=7)
    pad = max(timedelta(days=2), (end - start) / 30)
    return start - pad, end + pad


def _y_range(data: ChartData) -> tuple[float, float]:
    rules = data.rules
    top = rules.score_max
    if top is None:
        values = [s.value for s in data.scores] or [rules.score_min + 1]
        top = max(values) * 1.1
    return rules.score_min, top


def _x(day: date) -> float:
    """Matplotlib's number for a day (days since its epoch)."""
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]


def _value(value: float | None) -> float:
    return math.nan if value is None else value


def _draw(axes: Axes, data: ChartData) -> None:
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    rules = data.rules
    words = data.wording
    x_min, x_max = (_x(day) for day in _x_range(data))
    y_min, y_max = _y_range(data)
    span = y_max - y_min
    size = data.size
    font = size.font

    # Severity bands, with their names at the right edge.
    bands = list(rules.bands)
    colours = list(BAND_COLOURS[: len(bands)])
    if not rules.higher_is_worse:
        colours.reverse()
    for band, colour in zip(bands, colours, strict=False):
        low = band.low - 0.5 if band.low > y_min else y_min
        high = band.high + 0.5 if band.high < y_max else y_max
        axes.axhspan(low, high, color=colour, zorder=0, linewidth=0)
        if size.band_names:
            name = words.band(band.label)
            if size.wrap_band_names:
                name = name.replace(" ", "\n", 1)
            axes.text(
                1.01,
                (max(low, y_min) + min(high, y_max)) / 2,
                name,
                transform=axes.get_yaxis_transform(),
                fontsize=font - 1,
                color=MUTED,
                va="center",
                ha="left",
            )

    # Phases as a strip along the top.
    strip = (0.93, 1.0)
    for phase in data.phases:
        axes.axvspan(
            _x(phase.start),
            _x(phase.end + timedelta(days=1)),
            ymin=strip[0],
            ymax=strip[1],
            color=PHASE_COLOURS.get(phase.phase, "#cccccc"),
            zorder=1,
            linewidth=0,
        )
        middle = (_x(phase.start) + _x(phase.end + timedelta(days=1))) / 2
        axes.text(
            middle,
            y_max - span * 0.035,
            plain_label(words.phase(phase.phase, phase.label), limit=40),
            fontsize=font - 1,
            color=INK,
            ha="center",
            va="center",
            zorder=2,
            clip_on=True,
        )

    # The caseness cut-off.
    caseness = rules.caseness
    if caseness is not None:
        axes.axhline(caseness.value, color=INK, linestyle="--", linewidth=1, zorder=2)
        axes.text(
            x_min,
            caseness.value + span * 0.015,
            " " + words.cut_off.format(label=caseness.label),
            fontsize=font - 1,
            color=INK,
            va="bottom",
            ha="left",
            zorder=3,
        )

    # The expected trajectory.
    trajectory = data.trajectory
    if trajectory is not None and trajectory.points:
        days = [_x(p.when) for p in trajectory.points]
        lows = [_value(p.low) for p in trajectory.points]
        highs = [_value(p.high) for p in trajectory.points]
        centre = [_value(p.expected) for p in trajectory.points]
        if trajectory.method is TrackMethod.EXPECTED_TRAJECTORY:
            axes.fill_between(
                days,
                lows,
                highs,
                color=EXPECTED,
                alpha=0.22,
                linewidth=0,
                zorder=2,
                label=words.expected_range,
            )
            axes.plot(
                days,
                centre,
                color=EXPECTED,
                linestyle=":",
                linewidth=1.2,
                zorder=3,
                label=words.expected,
            )
        else:
            axes.step(
                days,
                highs,
                where="post",
                color=EXPECTED,
                linestyle="-.",
                linewidth=1.2,
                zorder=3,
                label=words.on_track_limit,
            )

    # Life events and missed sessions.
    for index, event in enumerate(data.life_events, start=1):
        axes.axvline(
            _x(event.day),
            color=MUTED,
            linestyle=":",
            linewidth=1,
            zorder=2,
            label=words.life_event if index == 1 else None,
        )
        axes.text(
            _x(event.day),
            y_max - span * 0.11,
            str(index),
            fontsize=font - 1,
            color=INK,
            ha="center",
            va="center",
            zorder=4,
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": MUTED, "lw": 0.8},
        )
    if data.missed_sessions:
        axes.plot(
            [_x(m.day) for m in data.missed_sessions],
            [y_min + span * 0.03] * len(data.missed_sessions),
            linestyle="none",
            marker="x",
            markersize=6,
            markeredgewidth=1.6,
            color=DANGER,
            zorder=4,
            clip_on=False,
            label=words.missed_session,
        )

    # The scores.
    points = sorted(data.scores, key=lambda s: s.day)
    if points:
        axes.plot(
            [_x(p.day) for p in points],
            [p.value for p in points],
            color=ACCENT,
            linewidth=2,
            marker="o",
            markersize=4.5,
            zorder=5,
            label=rules.name,
        )
    else:
        axes.text(
            0.5,
            0.5,
            words.no_scores_yet,
            transform=axes.transAxes,
            fontsize=font + 1,
            color=MUTED,
            ha="center",
            va="center",
        )

    axes.set_xlim(x_min, x_max)
    axes.set_ylim(y_min, y_max)
    axes.set_ylabel(rules.name, fontsize=font, color=INK)
    axes.xaxis.set_major_locator(
        AutoDateLocator(minticks=min(3, size.max_ticks - 1), maxticks=size.max_ticks)  # type: ignore[no-untyped-call]
    )
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: words.short_day(num2date(value).date()))  # type: ignore[no-untyped-call]
    )
    axes.tick_params(labelsize=font - 1, colors=MUTED)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles, labels = axes.get_legend_handles_labels()
    if handles and size.legend_columns:
        axes.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, size.legend_top),
            ncol=min(size.legend_columns, len(handles)),
            fontsize=font - 1,
            frameon=False,
        )


_STYLE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')
_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>", re.S)
_SIZE = re.compile(r'<svg([^>]*?)\swidth="[^"]*"\sheight="[^"]*"')


def _attributes(match: re.Match[str]) -> str:
    declarations = [d for d in match.group(1).split(";") if d.strip()]
    pairs = []
    for declaration in declarations:
        name, _, value = declaration.partition(":")
        pairs.append(f' {name.strip()}="{html.escape(value.strip(), quote=True)}"')
    return "".join(pairs)


def _inline_safe(svg: str, data: ChartData) -> str:
    return inline_safe(svg, key=data.key, description=data.description)


def inline_safe(svg: str, *, key: str, description: str) -> str:
    """Matplotlib's SVG made safe to place inline (see the module docstring); other
    charts drawn with matplotlib (``recovery.charts``) use it too."""
    prefix = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    svg = _PROLOG.sub("", svg, count=1)
    svg = _METADATA.sub("", svg)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _EMPTY_DEFS.sub("", svg)
    svg = _STYLE.sub(_attributes, svg)
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    # The stylesheet's ``*{stroke-linejoin: round; stroke-linecap: butt}``, inherited.
    svg = _SIZE.sub(r"<svg\1", svg, count=1)
    title = html.escape(description, quote=True)
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{title}" class="progress-chart-svg" '
        'stroke-linejoin="round" stroke-linecap="butt" '
        'preserveAspectRatio="xMidYMid meet" ',
        1,
    ).strip()
