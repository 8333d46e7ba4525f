"""The service dashboard as a CSV of aggregates and as a printable PDF.

Exports leave the service, so small groups are withheld: any figure over a group of
1 to ``IPTCARE_SERVICE_SUPPRESS_BELOW`` − 1 courses (default 5) is written as
"suppressed", never as its count (docs/outcomes.md, "Small numbers")."""

from __future__ import annotations

from collections.abc import Iterator

from django.template.loader import render_to_string

from outcomes import service
from outcomes.charts import render_svg
from outcomes.dashboard import Dashboard, OutcomeRates, UseOutcomes, trend_chart
from reports.documents import report_css
from reports.pdf import html_to_pdf
from supervision.fidelity import LABELS as FIDELITY_LABELS

HEADER = (
    "section",
    "group",
    "figure",
    "count",
    "denominator",
    "percent",
    "ci_low",
    "ci_high",
    "note",
)
SUPPRESSED = "suppressed"

Row = tuple[object, ...]


def _hidden(denominator: int, minimum: int) -> bool:
    return service.suppressed(denominator, minimum=minimum)


def _count(section: str, group: str, figure: str, count: int, minimum: int) -> Row:
    if _hidden(count, minimum):
        return (
            section,
            group,
            figure,
            SUPPRESSED,
            "",
            "",
            "",
            "",
            f"fewer than {minimum}",
        )
    return (section, group, figure, count, "", "", "", "", "")


def _rate(
    section: str,
    group: str,
    figure: str,
    rate: service.Rate,
    minimum: int,
    *,
    courses: int | None = None,
) -> Row:
    """``courses``: the courses behind a rate whose denominator counts something else
    (sessions, for the did-not-attend rate); a few courses are withheld all the same."""
    if _hidden(rate.denominator, minimum) or (
        courses is not None and _hidden(courses, minimum)
    ):
        return (
            section,
            group,
            figure,
            SUPPRESSED,
            SUPPRESSED,
            "",
            "",
            "",
            f"fewer than {minimum}",
        )
    note = "small number: read the interval" if rate.small and rate.denominator else ""
    return (
        section,
        group,
        figure,
        rate.count,
        rate.denominator,
        "" if rate.percent is None else rate.percent,
        "" if rate.low is None else rate.low,
        "" if rate.high is None else rate.high,
        note,
    )


def _outcomes(section: str, group: OutcomeRates, minimum: int) -> Iterator[Row]:
    if _hidden(group.finished, minimum):
        yield (
            section,
            group.label,
            "finished courses",
            SUPPRESSED,
            "",
            "",
            "",
            "",
            f"fewer than {minimum}",
        )
        return
    yield _count(section, group.label, "finished courses", group.finished, minimum)
    for figure, rate in (
        ("recovery", group.recovery),
        ("reliable improvement", group.reliable_improvement),
        ("reliable recovery", group.reliable_recovery),
        ("reliable deterioration", group.reliable_deterioration),
    ):
        yield _rate(section, group.label, figure, rate, minimum)
    yield _mean_row(
        section,
        group.label,
        "mean baseline PHQ-9 (case mix)",
        group.mean_baseline,
        group.baseline_courses,
        minimum,
    )
    for key, rate in group.fidelity:
        yield _rate(
            section, group.label, f"fidelity: {FIDELITY_LABELS[key]}", rate, minimum
        )


def _mean_row(
    section: str,
    group: str,
    figure: str,
    mean: float | None,
    courses: int,
    minimum: int,
) -> Row:
    """A mean over ``courses`` courses, withheld like a count when they are few."""
    if _hidden(courses, minimum):
        return _count(section, group, figure, courses, minimum)
    return (
        section,
        group,
        figure,
        "" if mean is None else mean,
        courses,
        "",
        "",
        "",
        "mean",
    )


def _use(use: UseOutcomes, minimum: int) -> Iterator[Row]:
    whole = "whole selection"
    yield _count("use", whole, "finished courses with use data", use.courses, minimum)
    yield _rate(
        "use", whole, "abstinent in the last 28 days", use.abstinent_last_28, minimum
    )
    for figure, mean in (
        ("mean % days abstinent at start", use.mean_pda_start),
        ("mean % days abstinent at end", use.mean_pda_end),
    ):
        yield _mean_row("use", whole, figure, mean, use.pda_courses, minimum)
    yield _mean_row(
        "use",
        whole,
        "mean reduction in heavy-drinking days per 28",
        use.mean_heavy_reduction,
        use.heavy_courses,
        minimum,
    )


def csv_rows(board: Dashboard) -> Iterator[Row]:
    minimum = board.suppress_below
    yield HEADER
    for name, value in board.filters.describe():
        yield ("question", name, value, "", "", "", "", "", "")
    if board.computed_at is not None:
        yield (
            "question",
            "computed at",
            board.computed_at.isoformat(timespec="minutes"),
            "",
            "",
            "",
            "",
            "",
            "",
        )
    flow = board.flow
    whole = "whole selection"
    for figure, count in (
        ("referrals received", flow.referrals),
        ("referrals assessed", flow.assessed),
        ("courses started", flow.started),
        ("courses finished", flow.finished),
        ("courses dropped out", flow.dropped_out),
    ):
        yield _count("flow", whole, figure, count, minimum)
    yield _rate("flow", whole, "waited 6 weeks or less", flow.within_6_weeks, minimum)
    yield _rate("flow", whole, "waited 18 weeks or less", flow.within_18_weeks, minimum)
    yield _rate(
        "flow",
        whole,
        "sessions not attended",
        flow.did_not_attend,
        minimum,
        courses=flow.finished,
    )
    for figure, mean in (
        ("mean sessions attended", flow.mean_attended),
        ("mean sessions contracted", flow.mean_planned),
    ):
        yield _mean_row("flow", whole, figure, mean, flow.finished, minimum)
    for months, rate in flow.follow_ups:
        unit = "month" if months == 1 else "months"
        yield _rate(
            "flow", whole, f"follow-up returned at {months} {unit}", rate, minimum
        )
    yield from _outcomes("outcomes", board.overall, minimum)
    yield from _use(board.use, minimum)
    for section, groups in (
        ("by clinician", board.by_clinician),
        ("by program", board.by_program),
        ("by problem area", board.by_problem_area),
    ):
        for group in groups:
            yield from _outcomes(section, group, minimum)
    for month in board.months:
        yield _rate(
            "recovery by month",
            f"{month.month:%Y-%m}",
            "recovery",
            month.recovery,
            minimum,
        )


def service_html(board: Dashboard) -> str:
    # The chart leaves the service with the PDF: a month of fewer courses than the
    # minimum is not drawn, as its table cell is written "suppressed".
    shown = [
        month
        for month in board.months
        if not _hidden(month.at_caseness, board.suppress_below)
    ]
    return render_to_string(
        "outcomes/service_report.html",
        {
            "dashboard": board,
            "chart": render_svg(trend_chart(shown)),
            "fidelity_labels": FIDELITY_LABELS,
        },
    )


def service_pdf(board: Dashboard) -> bytes:
    return html_to_pdf(service_html(board), report_css())
