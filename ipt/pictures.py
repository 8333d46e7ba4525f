"""The closeness circle and the timeline, drawn by matplotlib as SVG (no hand-drawn SVG,
no Django imports): one definition for the pages and for the reports
(docs/decisions/0005-ipt-course-model.md says why matplotlib).

Colours are the Okabe–Ito palette, readable with the common colour-vision deficiencies,
and every colour is doubled by a shape, so the picture does not rely on colour alone;
pages give a table alternative for screen readers beside it.

Text stays text in the SVG (``svg.fonttype: none``): it scales, and a test can find the
labels. Output is deterministic for the same input (fixed ids, no date stamp).
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text

from iptcare.lib.drawing import PLAIN_TEXT_RC, plain_label

# The Figure API draws without pyplot's global state; Agg for anything that asks.
matplotlib.use("Agg")

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "iptcare",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    **PLAIN_TEXT_RC,  # a person's words are drawn as written, never as a formula
}
# rcParams are process-global: one drawing at a time.
_DRAWING = threading.Lock()

QUALITY_COLOURS = {"good": "#009E73", "mixed": "#E69F00", "difficult": "#D55E00"}
QUALITY_MARKERS = {"good": "o", "mixed": "D", "difficult": "s"}
QUALITY_WORDS = {
    "good": "Mostly good",
    "mixed": "Mixed",
    "difficult": "Mostly difficult",
}
UNKNOWN_COLOUR = "#999999"
INK = "#1d2433"
LEADER = "#8a93a3"  # the thin line from a person to their name in a column
RECOVERY_EDGE = "#0072B2"
RISK_EDGE = "#000000"

KIND_STYLE = {  # life events: colour, marker, words
    "loss": ("#000000", "v", "Death or loss"),
    "conflict": ("#D55E00", "X", "Conflict"),
    "life_change": ("#0072B2", "^", "Life change"),
    "isolation": ("#999999", "o", "Isolation"),
    "other": ("#009E73", "D", "Other"),
}
LANES = {"substance_use": 0, "symptoms": 1, "events": 2}
LANE_COLOURS = {"symptoms": "#CC79A7", "substance_use": "#56B4E9"}
LABEL_CHARACTERS = 24
COLUMN_CHARACTERS = 16  # a name in a column beside the circle wraps after this many


@dataclass(frozen=True)
class CirclePerson:
    """One person of the interpersonal inventory, as the circle needs them."""

    name: str
    closeness: int  # 5 closest … 1 least close
    quality: str  # "good", "mixed", "difficult" or "" (not known)
    supports_recovery: bool = False
    uses_with_patient: bool = False
    is_trigger: bool = False
    deceased: bool = False

    @property
    def flags(self) -> list[str]:
        flags = []
        if self.supports_recovery:
            flags.append("+ recovery")
        if self.uses_with_patient:
            flags.append("! uses with")
        if self.is_trigger:
            flags.append("! trigger")
        return flags


@dataclass(frozen=True)
class TimelineEvent:
    title: str
    kind: str
    on: date
    approximate: bool = False


@dataclass(frozen=True)
class TimelinePeriod:
    title: str
    lane: str  # "symptoms" or "substance_use"
    started: date
    ended: date | None = None  # None while ongoing
    approximate: bool = False


@dataclass(frozen=True)
class CareChange:
    """A change of level of care (recovery), drawn across every lane of the timeline."""

    level: str
    on: date


CARE_COLOUR = "#6a3d9a"


def _num(day: date) -> float:
    """A date as matplotlib's number of days."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """The text as plain text for matplotlib, cut to ``limit`` characters ending in an
    ellipsis (the page's table beside the picture holds it whole)."""
    return plain_label(text, limit=limit)


def _to_svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def svg_data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI for ``<img src>``: the picture's own styling stays
    inside the image, so the page's strict CSP (no inline style) still holds."""
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


# --- The closeness circle -----------------------------------------------------------

_CENTRE = 1.0  # wide enough for a first name of nine letters at the label size
_RING = 1.0  # width of each ring
# Text sizes, in points at the figure's own size. The page shows the circle at most at
# its own size (CSS ``.picture-circle``: 42rem = 672 px = 7 in), so 11 pt is 14.7 px: at
# least the page's small print (.85rem = 13.6 px). A bigger figure (a crowded inventory)
# scales its text with it, so that shown at the same width it reads the same. So no
# label may widen the picture: labels that would (or would overlap) go to the columns.
_LABEL_PT = 11
_BOLD_EM = 0.62  # a bold DejaVu Sans letter's average width, in ems
MARKER_PT = 15  # a person's marker, across


def _centre_name(name: str, points_per_unit: float, font: int) -> str:
    """The patient's name, cut to what the centre disc holds at this scale."""
    fits = int(2 * _CENTRE * 0.9 * points_per_unit / (font * _BOLD_EM))
    return _short(name, max(3, fits))


def _ring_radius(closeness: int) -> float:
    """Closeness 5 is the innermost ring, 1 the outermost."""
    closeness = min(5, max(1, closeness))
    return _CENTRE + _RING * (5 - closeness) + _RING * 0.6


def circle_svg(people: Sequence[CirclePerson], *, centre_label: str = "Patient") -> str:
    """The inventory as concentric rings around the patient (inner = closest)."""
    return _circle_svg(tuple(people), centre_label)


@lru_cache(maxsize=64)
def _circle_svg(people: tuple[CirclePerson, ...], centre_label: str) -> str:
    with _DRAWING, matplotlib.rc_context(_RC):
        crowded = len(people) > 20
        size = 9.0 if crowded else 7.0
        scale = size / 7.0
        font = round((_LABEL_PT if len(people) > 12 else _LABEL_PT + 1) * scale)
        figure = Figure(figsize=(size, size + 1.1))
        axes = figure.add_axes((0.02, 0.14, 0.96, 0.84))
        axes.set_aspect("equal")
        axes.axis("off")
        outer = _CENTRE + 5 * _RING + 0.2
        limit = outer + 0.4  # labels beyond it are kept by the tight bounding box
        axes.set_xlim(-limit, limit)
        axes.set_ylim(-limit, limit)
        for ring in range(1, 6):
            axes.add_patch(
                Circle(
                    (0, 0),
                    _CENTRE + ring * _RING + 0.2,
                    fill=False,
                    edgecolor="#c4cad4",
                    linestyle="--",
                    linewidth=0.8,
                )
            )
        axes.add_patch(Circle((0, 0), _CENTRE, facecolor="#1f5f8b", edgecolor="none"))
        # The patient's name fits inside the centre disc (white on blue; outside it
        # white text would vanish on the white page), or ends in an ellipsis.
        points_per_unit = 0.96 * size * 72 / (2 * limit)
        centre_font = round(_LABEL_PT * scale)
        centre = axes.text(
            0,
            0,
            _centre_name(centre_label, points_per_unit, centre_font),
            ha="center",
            va="center",
            color="white",
            fontsize=centre_font,
            fontweight="bold",
        )
        if not people:
            axes.text(
                0,
                -outer - 0.8,
                "No one in the inventory yet",
                ha="center",
                va="center",
                fontsize=font,
                color="#5b6475",
            )
        by_ring: dict[int, list[CirclePerson]] = {}
        for person in people:
            by_ring.setdefault(min(5, max(1, person.closeness)), []).append(person)
        placed: list[_Placed] = []
        for closeness, members in sorted(by_ring.items()):
            radius = _ring_radius(closeness)
            offset = math.pi / 2 + closeness * 0.61  # rings do not line up their people
            # A crowded ring staggers its labels outwards (in three steps), so that
            # neighbours' names do not run into each other.
            crowded_ring = len(members) > 8
            for index, person in enumerate(members):
                angle = offset + 2 * math.pi * index / len(members)
                stagger = 0.5 * (index % 3) if crowded_ring else 0.0
                marker, lines = _draw_marker(axes, person, radius, angle)
                placed.append(_Placed(person, radius, angle, stagger, lines, marker))
        labels = [_draw_label(axes, spot, font) for spot in placed]
        if _crowded(figure, labels):
            # Names that run into each other beside their people (a crowded ring, long
            # names), or out of the picture, stand instead in two columns beside the
            # circle, each joined to its person by a thin line (docs/decisions/0060).
            for label in labels:
                label.remove()
            points_per_unit = _draw_columns(figure, axes, placed, font, outer, limit)
            centre.set_text(_centre_name(centre_label, points_per_unit, centre_font))
        figure.legend(
            handles=_circle_legend(),
            loc="lower center",
            ncol=2,  # three columns would be wider than the figure
            frameon=False,
            fontsize=round(_LABEL_PT * scale),
            title="Inner ring: closest (5) · outer ring: least close (1)",
            title_fontsize=round(_LABEL_PT * scale),
        )
        return _to_svg(figure)


@dataclass(frozen=True)
class _Placed:
    """A person's place on the circle: their ring's radius and angle, how far out a
    crowded ring staggers their label, and their label's lines."""

    person: CirclePerson
    radius: float
    angle: float
    stagger: float
    lines: tuple[str, ...]
    marker: Line2D

    @property
    def x(self) -> float:
        return self.radius * math.cos(self.angle)

    @property
    def y(self) -> float:
        return self.radius * math.sin(self.angle)


def _draw_marker(
    axes: Axes, person: CirclePerson, radius: float, angle: float
) -> tuple[Line2D, tuple[str, ...]]:
    """The person's marker on their ring, and their label's lines."""
    x, y = radius * math.cos(angle), radius * math.sin(angle)
    colour = QUALITY_COLOURS.get(person.quality, UNKNOWN_COLOUR)
    risky = person.uses_with_patient or person.is_trigger
    edge = (
        RISK_EDGE if risky else (RECOVERY_EDGE if person.supports_recovery else "white")
    )
    (marker,) = axes.plot(
        [x],
        [y],
        marker=QUALITY_MARKERS.get(person.quality, "o"),
        markersize=MARKER_PT,
        markerfacecolor="white" if person.deceased else colour,
        markeredgecolor=colour if person.deceased and not risky else edge,
        markeredgewidth=2.6 if (risky or person.supports_recovery) else 1.2,
        linestyle="none",
        zorder=3,
    )
    label = _short(person.name) + (" (died)" if person.deceased else "")
    return marker, (label, *person.flags)


def _draw_label(axes: Axes, spot: _Placed, font: int) -> Text:
    """The label just outside the person's marker, away from the centre."""
    away = spot.radius + 0.45 + spot.stagger
    cos, sin = math.cos(spot.angle), math.sin(spot.angle)
    ha = "left" if cos > 0.25 else ("right" if cos < -0.25 else "center")
    va = "bottom" if sin > 0.25 else ("top" if sin < -0.25 else "center")
    return axes.text(
        away * cos,
        away * sin,
        "\n".join(spot.lines),
        ha=ha,
        va=va,
        fontsize=font,
        color=INK,
    )


def _renderer(figure: Figure) -> RendererAgg:
    """A renderer to measure text with, at the figure's own size."""
    return FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call,no-any-return]


def _crowded(figure: Figure, labels: Sequence[Text]) -> bool:
    """Whether two labels overlap, or one reaches past the figure's sides (which
    would widen the picture and so shrink its text on the page)."""
    renderer = _renderer(figure)
    boxes = [label.get_window_extent(renderer) for label in labels]
    inside = figure.bbox
    return any(box.x0 < inside.x0 or box.x1 > inside.x1 for box in boxes) or any(
        box.overlaps(other) for i, box in enumerate(boxes) for other in boxes[i + 1 :]
    )


def _draw_columns(
    figure: Figure,
    axes: Axes,
    placed: Sequence[_Placed],
    font: int,
    outer: float,
    limit: float,
) -> float:
    """Every label in a column beside the circle, on the side of its person, in the
    order of their height, none overlapping; a thin line joins each to its person.

    The circle shrinks to leave the columns room inside the figure's width, so the
    picture shown at the page's width keeps its text at the size the page expects.
    Returns the circle's new scale, in points to its unit."""
    renderer = _renderer(figure)
    points_per_pixel = 72 / figure.dpi
    # Each label's size in points, measured once at the font it is drawn in.
    texts = ["\n".join(_column_lines(spot.lines)) for spot in placed]
    sizes = []
    for text in texts:
        probe = axes.text(0, 0, text, fontsize=font)
        extent = probe.get_window_extent(renderer)
        sizes.append(
            (extent.width * points_per_pixel, extent.height * points_per_pixel)
        )
        probe.remove()
    widest = max(width for width, _ in sizes)
    axes_points = axes.get_position().width * figure.get_figwidth() * 72
    gap = 0.3  # between the outer ring and a column, in the circle's units
    # Units across: the circle and gaps, plus both columns at the resulting scale; the
    # columns take at most half the width (a longer name is cut at 24 letters anyway).
    share = min(0.5, 2 * widest / axes_points)
    half_width = (outer + gap) / (1 - share)
    axes.set_xlim(-half_width, half_width)
    axes.set_ylim(-limit, limit)
    units_per_point = 2 * half_width / axes_points
    column_x = outer + gap
    # The figure loses the height the smaller circle leaves empty, so the legend
    # stays just below it.
    legend_inches = 0.14 * figure.get_figheight()
    circle_inches = axes_points / 72 * limit / half_width
    height = legend_inches + circle_inches + 0.1
    figure.set_figheight(height)
    axes.set_position((0.02, legend_inches / height, 0.96, circle_inches / height))
    # A crowded ring's markers shrink to stay apart on the smaller circle.
    on_ring: dict[float, int] = {}
    for spot in placed:
        on_ring[spot.radius] = on_ring.get(spot.radius, 0) + 1
    for spot in placed:
        apart = 2 * math.pi * spot.radius / on_ring[spot.radius] / units_per_point
        spot.marker.set_markersize(min(MARKER_PT, 0.8 * apart))
    for side in (1, -1):
        mine = [
            (spot, size, text)
            for spot, size, text in zip(placed, sizes, texts, strict=True)
            if (spot.x >= 0) == (side > 0)
        ]
        # Each wanted on its ray from the centre, halfway out from its person to the
        # outer ring: the lines stay short and seldom cross.
        mine.sort(key=lambda item: (-_wanted(item[0], outer), item[0].angle))
        heights = [
            (height + 0.3 * font) * units_per_point for _, (_, height), _ in mine
        ]
        centres = _stacked(
            [_wanted(spot, outer) for spot, _, _ in mine], heights, top=limit
        )
        for (spot, _, text), y in zip(mine, centres, strict=True):
            axes.plot(
                [spot.x, side * (column_x - 0.08)],
                [spot.y, y],
                color=LEADER,
                linewidth=0.7,
                zorder=1,
            )
            axes.text(
                side * column_x,
                y,
                text,
                ha="left" if side > 0 else "right",
                va="center",
                fontsize=font,
                color=INK,
            )
    return 1 / units_per_point


def _wanted(spot: _Placed, outer: float) -> float:
    return (spot.radius + outer) / 2 * math.sin(spot.angle)


def _column_lines(lines: Sequence[str]) -> list[str]:
    """A label's lines for a column: a long name on two lines (words kept whole), so
    the columns leave the circle its room."""
    name, *flags = lines
    return [
        *(
            textwrap.wrap(
                name, COLUMN_CHARACTERS, break_long_words=False, break_on_hyphens=False
            )
            or [name]
        ),
        *flags,
    ]


def _stacked(
    wanted: Sequence[float], heights: Sequence[float], *, top: float
) -> list[float]:
    """Centres as near as may be to ``wanted`` (highest first) for boxes of these
    heights, each below the one before, the column centred when it cannot fit."""
    total = sum(heights)
    room = 2 * top
    centres: list[float] = []
    if total >= room:
        # Too many for the circle's height: one even column, centred on it.
        y = total / 2
        for height in heights:
            centres.append(y - height / 2)
            y -= height
        return centres
    floor = -top
    for index, (want, height) in enumerate(zip(wanted, heights, strict=True)):
        below = sum(heights[index + 1 :])  # what must still fit under this one
        highest = (
            top - height / 2
            if not centres
            else centres[-1] - (heights[index - 1] + height) / 2
        )
        lowest = floor + below + height / 2
        centres.append(max(min(want, highest), lowest))
    return centres


def _circle_legend() -> list[Line2D]:
    def handle(label: str, **style: object) -> Line2D:
        return Line2D([], [], linestyle="none", markersize=9, label=label, **style)  # type: ignore[arg-type]

    handles = [
        handle(
            words,
            marker=QUALITY_MARKERS[quality],
            markerfacecolor=QUALITY_COLOURS[quality],
            markeredgecolor="white",
        )
        for quality, words in QUALITY_WORDS.items()
    ]
    handles += [
        handle(
            "Supports recovery (+)",
            marker="o",
            markerfacecolor="#dddddd",
            markeredgecolor=RECOVERY_EDGE,
            markeredgewidth=2.6,
        ),
        handle(
            "Uses with the patient or a trigger (!)",
            marker="o",
            markerfacecolor="#dddddd",
            markeredgecolor=RISK_EDGE,
            markeredgewidth=2.6,
        ),
        handle(
            "Has died (hollow)",
            marker="o",
            markerfacecolor="white",
            markeredgecolor="#5b6475",
        ),
    ]
    return handles


# --- The timeline -------------------------------------------------------------------


def timeline_svg(
    events: Sequence[TimelineEvent],
    periods: Sequence[TimelinePeriod],
    *,
    today: date,
    care_changes: Sequence[CareChange] = (),
) -> str:
    """Life events above symptom episodes above periods of substance use, on one axis
    of time; each change of level of care a dashed line across them, labelled."""
    return _timeline_svg(tuple(events), tuple(periods), today, tuple(care_changes))


@lru_cache(maxsize=64)
def _timeline_svg(
    events: tuple[TimelineEvent, ...],
    periods: tuple[TimelinePeriod, ...],
    today: date,
    care_changes: tuple[CareChange, ...] = (),
) -> str:
    with _DRAWING, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(10, 4.6))
        axes = figure.add_axes((0.16, 0.22, 0.8, 0.7))
        axes.set_yticks(
            [LANES["substance_use"], LANES["symptoms"], LANES["events"]],
            ["Substance use", "Symptom episodes", "Life events"],
        )
        axes.set_ylim(-0.6, 3.2)
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
        axes.tick_params(axis="y", length=0)
        for lane in LANES.values():
            axes.axhline(lane, color="#e3e7ee", linewidth=0.8, zorder=0)
        dates = [event.on for event in events]
        dates += [period.started for period in periods]
        dates += [period.ended or today for period in periods]
        dates += [change.on for change in care_changes]
        if not dates:
            axes.set_xlim(
                _num(today - timedelta(days=365)),
                _num(today + timedelta(days=30)),
            )
            axes.text(
                0.5,
                0.55,
                "Nothing on the timeline yet",
                transform=axes.transAxes,
                ha="center",
                fontsize=11,
                color="#5b6475",
            )
        else:
            first, last = min(dates), max([*dates, today])
            margin = timedelta(days=max(30, (last - first).days // 12))
            axes.set_xlim(_num(first - margin), _num(last + margin))
        for period in sorted(periods, key=lambda p: (p.lane, p.started)):
            _draw_period(axes, period, today)
        for index, event in enumerate(sorted(events, key=lambda e: (e.on, e.title))):
            _draw_event(axes, event, index)
        for index, change in enumerate(sorted(care_changes, key=lambda c: c.on)):
            _draw_care_change(axes, change, index)
        axes.axvline(_num(today), color="#1f5f8b", linewidth=1, linestyle=":")
        axes.text(
            _num(today),
            -0.55,
            "today",
            ha="center",
            va="bottom",
            fontsize=7,
            color="#1f5f8b",
        )
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        if events:
            kinds = sorted({event.kind for event in events if event.kind in KIND_STYLE})
            figure.legend(
                handles=[
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker=KIND_STYLE[kind][1],
                        color=KIND_STYLE[kind][0],
                        label=KIND_STYLE[kind][2],
                    )
                    for kind in kinds
                ],
                loc="lower center",
                ncol=5,
                frameon=False,
                fontsize=8,
            )
        return _to_svg(figure)


def _draw_period(axes: object, period: TimelinePeriod, today: date) -> None:
    lane = LANES.get(period.lane, LANES["symptoms"])
    end = period.ended or today
    start_num = _num(period.started)
    width = max(_num(end) - start_num, 3)
    colour = LANE_COLOURS.get(period.lane, "#CC79A7")
    axes.barh(  # type: ignore[attr-defined]
        lane,
        width,
        left=start_num,
        height=0.32,
        color=colour,
        edgecolor="#1d2433",
        linewidth=0.6,
        hatch="//" if period.ended is None else None,
    )
    label = ("~" if period.approximate else "") + _short(period.title)
    if period.ended is None:
        label += " (ongoing)"
    axes.text(start_num, lane + 0.22, label, fontsize=7.5, va="bottom")  # type: ignore[attr-defined]


def _draw_care_change(axes: object, change: CareChange, index: int) -> None:
    x = _num(change.on)
    axes.axvline(x, color=CARE_COLOUR, linewidth=1, linestyle="--", zorder=1)  # type: ignore[attr-defined]
    axes.text(  # type: ignore[attr-defined]
        x,
        -0.5 + 0.2 * (index % 2),  # staggered so neighbouring changes stay legible
        _short("→ " + change.level),
        fontsize=7,
        color=CARE_COLOUR,
        ha="left",
        va="bottom",
    )


def _draw_event(axes: object, event: TimelineEvent, index: int) -> None:
    colour, marker, _words = KIND_STYLE.get(event.kind, KIND_STYLE["other"])
    x = _num(event.on)
    lane = LANES["events"]
    axes.plot(  # type: ignore[attr-defined]
        [x],
        [lane],
        marker=marker,
        markersize=9,
        color=colour,
        markerfacecolor="white" if event.approximate else colour,
        linestyle="none",
    )
    height = lane + 0.18 + 0.28 * (index % 3)  # staggered so neighbours do not collide
    label = ("~" if event.approximate else "") + _short(event.title)
    axes.text(x, height, label, fontsize=7.5, rotation=18, ha="left", va="bottom")  # type: ignore[attr-defined]


# --- The diary's week (portal diary, for the session preparation) -----------------


@dataclass(frozen=True)
class DiaryPoint:
    """One day of the patient's diary, as the week's picture needs it. ``moment`` is
    the number of the day's interpersonal moment in the table beside the picture (the
    picture never draws what the patient wrote)."""

    day: date
    mood: int | None
    craving: int | None
    moment: int | None = None
    used: bool = False


MOOD_COLOUR = "#0072B2"
CRAVING_COLOUR = "#D55E00"


def diary_week_svg(points: Sequence[DiaryPoint]) -> str:
    """Mood (circles, solid) and cravings (squares, dashed) 0–10 over the days, the
    interpersonal moments as numbered markers on the day, use as a cross."""
    return _diary_week_svg(tuple(points))


@lru_cache(maxsize=64)
def _diary_week_svg(points: tuple[DiaryPoint, ...]) -> str:
    with _DRAWING, matplotlib.rc_context(_RC):
        figure = Figure(figsize=(7.0, 2.8))
        axes = figure.add_axes((0.08, 0.22, 0.9, 0.7))
        days = [_num(point.day) for point in points]
        for attribute, colour, marker, style, label in (
            ("mood", MOOD_COLOUR, "o", "-", "Mood"),
            ("craving", CRAVING_COLOUR, "s", "--", "Cravings"),
        ):
            xs = [
                d
                for d, p in zip(days, points, strict=True)
                if getattr(p, attribute) is not None
            ]
            ys = [
                getattr(p, attribute)
                for p in points
                if getattr(p, attribute) is not None
            ]
            axes.plot(xs, ys, color=colour, marker=marker, linestyle=style, label=label)
        for x, point in zip(days, points, strict=True):
            if point.moment is not None:
                axes.annotate(
                    str(point.moment),
                    (x, 10.4),
                    ha="center",
                    va="bottom",
                    fontsize=9,
                    bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": "#333333"},
                )
            if point.used:
                axes.plot([x], [-0.4], marker="X", color="#000000", linestyle="none")
        axes.set_ylim(-1, 11.5)
        axes.set_yticks([0, 5, 10])
        if days:
            axes.set_xlim(min(days) - 0.5, max(days) + 0.5)
            axes.set_xticks(days)
            axes.set_xticklabels([f"{p.day:%a} {p.day.day}" for p in points])
        axes.grid(axis="y", color="#e0e0e0")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, frameon=False)
        return _to_svg(figure)
