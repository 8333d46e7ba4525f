"""The recovery chart: cravings (0–10), days of use per week and the PHQ-9 on one
picture, with the course's phases, the timeline's interpersonal events and the changes
of level of care marked — the picture that shows a patient how a row with her sister
was followed by use.

Drawn by matplotlib to SVG like the progress chart (``outcomes.charts``: its colours,
its phase strip and its inline-safe SVG). No Django here: the selector passes plain
data. Events are numbered on the chart and named in the table beside it, so no text a
person typed is drawn; every label that is drawn goes through ``_plain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from io import StringIO
from typing import TYPE_CHECKING

from iptcare.lib.drawing import PLAIN_TEXT_RC, plain_label
from outcomes.charts import (
    ACCENT,
    DANGER,
    INK,
    MUTED,
    PHASE_COLOURS,
    Marker,
    PhaseSpan,
    inline_safe,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

USE_COLOUR = "#d9a441"
CRAVING_COLOUR = DANGER
PHQ9_COLOUR = ACCENT
PHQ9_MAX = 27


def _plain(text: str) -> str:
    """A label as plain text for matplotlib, through the project's one helper
    (``iptcare.lib.drawing.plain_label``; drawn with ``PLAIN_TEXT_RC``)."""
    return plain_label(text)


@dataclass(frozen=True)
class Week:
    """One week of the chart: days of use (of the substance used most), the mean
    craving reported that week, the PHQ-9 score(s) that week (the last one)."""

    starts_on: date
    days_used: float | None = None
    craving: float | None = None
    phq9: float | None = None


@dataclass(frozen=True)
class RecoveryChartData:
    """Everything the chart shows; hashable, so a drawn chart is reused."""

    key: str
    weeks: tuple[Week, ...] = ()
    phases: tuple[PhaseSpan, ...] = ()
    events: tuple[Marker, ...] = ()  # interpersonal events of the timeline
    care_changes: tuple[Marker, ...] = ()

    @property
    def description(self) -> str:
        """One sentence for ``aria-label``; the table beside the chart has the rest."""
        if not self.weeks:
            return "Use, cravings and PHQ-9: nothing recorded yet."
        used = [w.days_used for w in self.weeks if w.days_used is not None]
        return (
            f"Use, cravings and PHQ-9 over {len(self.weeks)} weeks from "
            f"{self.weeks[0].starts_on:%-d %B %Y}: {len(used)} weeks with use "
            f"reported, {sum(1 for d in used if d)} of them with use."
        )


def weeks_between(start: date, end: date) -> list[date]:
    """The first day of each week from ``start`` to ``end``."""
    weeks = []
    day = start
    while day <= end:
        weeks.append(day)
        day += timedelta(days=7)
    return weeks


def render_svg(data: RecoveryChartData) -> str:
    return _render(data)


@lru_cache(maxsize=128)
def _render(data: RecoveryChartData) -> str:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["svg.hashsalt"] = "iptcare"
    for name, value in PLAIN_TEXT_RC.items():  # words drawn as written, not formulae
        matplotlib.rcParams[name] = value  # type: ignore[index]
    figure = Figure(figsize=(8.0, 3.8), dpi=72)
    axes = figure.add_axes((0.08, 0.22, 0.82, 0.66))
    _draw(axes, data)
    buffer = StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return inline_safe(buffer.getvalue(), key=data.key, description=data.description)


def _x(day: date) -> float:
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]


def _draw(axes: Axes, data: RecoveryChartData) -> None:
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    font = 9
    days = [w.starts_on for w in data.weeks]
    days += [p.start for p in data.phases] + [p.end for p in data.phases]
    days += [m.day for m in (*data.events, *data.care_changes)]
    if days:
        start, end = min(days), max(days) + timedelta(days=7)
    else:
        start = end = date(2000, 1, 1)
    if end - start < timedelta(days=14):
        start, end = start - timedelta(days=7), end + timedelta(days=7)
    top = 10.0

    for phase in data.phases:
        axes.axvspan(
            _x(phase.start),
            _x(phase.end + timedelta(days=1)),
            ymin=0.93,
            ymax=1.0,
            color=PHASE_COLOURS.get(phase.phase, "#cccccc"),
            zorder=1,
            linewidth=0,
        )
        axes.text(
            (_x(phase.start) + _x(phase.end + timedelta(days=1))) / 2,
            top * 0.965,
            _plain(phase.label),
            fontsize=font - 1,
            color=INK,
            ha="center",
            va="center",
            zorder=2,
            clip_on=True,
        )

    weeks = [w for w in data.weeks if w.days_used is not None]
    if weeks:
        axes.bar(
            [_x(w.starts_on) for w in weeks],
            [w.days_used or 0 for w in weeks],
            width=6,
            align="edge",
            color=USE_COLOUR,
            alpha=0.75,
            zorder=2,
            label=_plain("days of use per week (0–7)"),
        )
    cravings = [w for w in data.weeks if w.craving is not None]
    if cravings:
        axes.plot(
            [_x(w.starts_on) + 3 for w in cravings],
            [w.craving or 0.0 for w in cravings],
            color=CRAVING_COLOUR,
            linewidth=1.8,
            marker="o",
            markersize=4,
            zorder=4,
            label=_plain("cravings (0–10)"),
        )
    for index, event in enumerate(data.events, start=1):
        axes.axvline(
            _x(event.day),
            color=MUTED,
            linestyle=":",
            linewidth=1,
            zorder=3,
            label=_plain("interpersonal event (numbered)") if index == 1 else None,
        )
        axes.text(
            _x(event.day),
            top * 0.86,
            _plain(str(index)),
            fontsize=font - 1,
            color=INK,
            ha="center",
            va="center",
            zorder=5,
            bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": MUTED, "lw": 0.8},
        )
    for index, change in enumerate(data.care_changes):
        axes.axvline(
            _x(change.day),
            color=INK,
            linestyle="--",
            linewidth=1,
            zorder=3,
            label=_plain("level of care changed") if index == 0 else None,
        )
    if not data.weeks:
        axes.text(
            0.5,
            0.5,
            _plain("Nothing recorded yet"),
            transform=axes.transAxes,
            fontsize=font + 1,
            color=MUTED,
            ha="center",
            va="center",
        )

    axes.set_xlim(_x(start), _x(end))
    axes.set_ylim(0, top)
    axes.set_ylabel(_plain("cravings · days of use"), fontsize=font, color=INK)
    axes.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=9))  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(
        FuncFormatter(lambda value, _: _plain(f"{num2date(value):%-d %b}"))  # type: ignore[no-untyped-call]
    )
    axes.tick_params(labelsize=font - 1, colors=MUTED)
    axes.spines["top"].set_visible(False)

    right = axes.twinx()
    scores = [w for w in data.weeks if w.phq9 is not None]
    if scores:
        right.plot(
            [_x(w.starts_on) + 3 for w in scores],
            [w.phq9 or 0.0 for w in scores],
            color=PHQ9_COLOUR,
            linewidth=2,
            marker="s",
            markersize=4,
            zorder=4,
            label=_plain("PHQ-9 (0–27, right)"),
        )
    right.set_ylim(0, PHQ9_MAX)
    right.set_ylabel(_plain("PHQ-9"), fontsize=font, color=INK)
    right.tick_params(labelsize=font - 1, colors=MUTED)
    right.spines["top"].set_visible(False)

    handles, labels = axes.get_legend_handles_labels()
    more, more_labels = right.get_legend_handles_labels()
    if handles or more:
        axes.legend(
            [*handles, *more],
            [*labels, *more_labels],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.13),
            ncol=3,
            fontsize=font - 1,
            frameon=False,
        )
