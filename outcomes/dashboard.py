"""Reads for the service dashboard: aggregate SQL over ``CourseOutcome`` (and the
referrals table for referrals received and assessed), scoped by
``accounts.access.service_scope_for``. Counts only: nothing here returns a patient.

A fixed number of queries whatever the number of courses: one aggregate for the
headline figures, one per breakdown (clinician, program, problem area, month), one for
referrals; conditional aggregation (``Count(filter=…)``) rather than Python loops.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from accounts.access import ServiceScope
from accounts.models import Site, Staff, Team
from ipt.choices import ProblemArea
from ipt.models import Program
from iptcare.lib.local_days import on_local_days
from iptcare.lib.shared_cache import Generation
from outcomes import service
from outcomes.calculations import InstrumentRules, ScorePoint, Threshold
from outcomes.charts import ChartData, ChartSize, ChartWording
from outcomes.models import CourseOutcome
from patients.record_version import list_versions
from referrals.models import Referral
from supervision.fidelity import ELEMENTS

FIDELITY_KEYS = tuple(key for key, _ in ELEMENTS)
# Moved by the refresh job when it has recomputed every course's row.
SERVICE_FIGURES = Generation("outcomes:service-generation")
# The job runs every 15 minutes: an entry outlives one run it somehow missed, no more.
FIGURES_SECONDS = 20 * 60


@dataclass(frozen=True)
class Filters:
    """The dashboard's question: a period (inclusive) and, optionally, one site, team,
    clinician, program and problem area."""

    start: date
    end: date
    site: Site | None = None
    team: Team | None = None
    clinician: Staff | None = None
    program: Program | None = None
    problem_area: str = ""

    def describe(self) -> list[tuple[str, str]]:
        return [
            ("Period", f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"),
            ("Site", str(self.site) if self.site else "all"),
            ("Team", str(self.team) if self.team else "all"),
            (
                "Clinician",
                self.clinician.display_name if self.clinician else "all",
            ),
            ("Program", str(self.program) if self.program else "all"),
            (
                "Problem area",
                ProblemArea(self.problem_area).label if self.problem_area else "all",
            ),
        ]


def small_below() -> int:
    return int(settings.IPTCARE_SERVICE_SMALL_NUMBER)


def suppress_below() -> int:
    return int(settings.IPTCARE_SERVICE_SUPPRESS_BELOW)


def _rate(count: int | None, denominator: int | None) -> service.Rate:
    return service.rate(count or 0, denominator or 0, small_below=small_below())


def scoped_rows(scope: ServiceScope, filters: Filters) -> QuerySet[CourseOutcome]:
    rows = CourseOutcome.objects.all()
    if not scope.whole_service:
        rows = rows.filter(team_id__in=scope.team_ids)
    if filters.site is not None:
        rows = rows.filter(site=filters.site)
    if filters.team is not None:
        rows = rows.filter(team=filters.team)
    if filters.clinician is not None:
        rows = rows.filter(clinician=filters.clinician)
    if filters.program is not None:
        rows = rows.filter(program=filters.program)
    if filters.problem_area:
        rows = rows.filter(problem_area=filters.problem_area)
    return rows


def _period(filters: Filters) -> dict[str, Q]:
    ended = Q(ended_on__gte=filters.start, ended_on__lte=filters.end)
    finished = ended & Q(finished=True)
    at_caseness = finished & Q(caseness=True)
    started = Q(first_session_on__gte=filters.start, first_session_on__lte=filters.end)
    active = Q(opened_on__lte=filters.end) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=filters.start)
    )
    return {
        "ended": ended,
        "finished": finished,
        "at_caseness": at_caseness,
        "started": started,
        "active": active,
    }


def _outcome_aggregates(filters: Filters) -> dict[str, Any]:
    """The aggregates every group shows: finished courses, their outcomes, case mix and
    fidelity. One dictionary of expressions, used by the headline and each breakdown."""
    q = _period(filters)
    at_caseness = q["at_caseness"]
    expressions: dict[str, Any] = {
        "n_finished": Count("id", filter=q["finished"]),
        "at_caseness": Count("id", filter=at_caseness),
        "recovered": Count("id", filter=at_caseness & Q(recovery=True)),
        "improved": Count("id", filter=at_caseness & Q(reliable_improvement=True)),
        "reliably_recovered": Count(
            "id", filter=at_caseness & Q(reliable_recovery=True)
        ),
        "deteriorated": Count(
            "id", filter=at_caseness & Q(reliable_deterioration=True)
        ),
        "mean_baseline": Avg("baseline_severity", filter=q["finished"]),
        # The case mix is a mean over the courses with a PHQ-9 baseline, which may be
        # fewer than the finished ones: exports withhold it by this count.
        "n_baseline": Count(
            "id", filter=q["finished"] & Q(baseline_severity__isnull=False)
        ),
    }
    for key in FIDELITY_KEYS:
        expressions[f"n_kept_{key}"] = Count(
            "id", filter=q["active"] & Q(**{f"kept_{key}": True})
        )
        expressions[f"n_due_{key}"] = Count(
            "id", filter=q["active"] & Q(**{f"kept_{key}__isnull": False})
        )
    return expressions


@dataclass(frozen=True)
class OutcomeRates:
    """A group's outcome figures: counts, rates and case mix."""

    label: str
    finished: int
    at_caseness: int
    recovery: service.Rate
    reliable_improvement: service.Rate
    reliable_recovery: service.Rate
    reliable_deterioration: service.Rate
    mean_baseline: float | None
    fidelity: tuple[tuple[str, service.Rate], ...] = ()
    baseline_courses: int = 0  # the finished courses behind ``mean_baseline``

    @property
    def suppressed(self) -> bool:
        return service.suppressed(self.finished, minimum=suppress_below())


def _outcome_rates(label: str, row: dict[str, Any]) -> OutcomeRates:
    cases = row["at_caseness"] or 0
    mean = row["mean_baseline"]
    return OutcomeRates(
        label=label,
        finished=row["n_finished"] or 0,
        at_caseness=cases,
        recovery=_rate(row["recovered"], cases),
        reliable_improvement=_rate(row["improved"], cases),
        reliable_recovery=_rate(row["reliably_recovered"], cases),
        reliable_deterioration=_rate(row["deteriorated"], cases),
        mean_baseline=None if mean is None else round(float(mean), 1),
        baseline_courses=row["n_baseline"] or 0,
        fidelity=tuple(
            (key, _rate(row[f"n_kept_{key}"], row[f"n_due_{key}"]))
            for key in FIDELITY_KEYS
        ),
    )


@dataclass(frozen=True)
class Flow:
    """Referrals to finished courses, and how the courses ran."""

    referrals: int
    assessed: int
    started: int
    finished: int
    dropped_out: int
    waited: int
    within_6_weeks: service.Rate
    within_18_weeks: service.Rate
    did_not_attend: service.Rate
    mean_attended: float | None
    mean_planned: float | None
    follow_ups: tuple[tuple[int, service.Rate], ...]


@dataclass(frozen=True)
class UseOutcomes:
    """Use outcome terms over the finished courses whose patient reported use, each
    with its own denominator (docs/outcomes.md, "Use outcomes")."""

    courses: int  # finished courses with use data
    abstinent_last_28: service.Rate  # of those whose last 28 days are known
    pda_courses: int  # with % days abstinent known at both ends
    mean_pda_start: float | None
    mean_pda_end: float | None
    heavy_courses: int  # with heavy-drinking days known at both ends
    mean_heavy_reduction: float | None

    @property
    def suppressed(self) -> bool:
        return service.suppressed(self.courses, minimum=suppress_below())


def _use_aggregates(filters: Filters) -> dict[str, Any]:
    """Conditional aggregates over the stored per-course use terms: part of the
    headline's one query, so the page's query count does not grow."""
    used = _period(filters)["finished"] & Q(use_recorded=True)
    pda = used & Q(use_pda_start__isnull=False, use_pda_end__isnull=False)
    heavy = used & Q(use_heavy_reduction__isnull=False)
    return {
        "n_use_courses": Count("id", filter=used),
        "n_use_known_28": Count(
            "id", filter=used & Q(use_abstinent_last_28__isnull=False)
        ),
        "n_use_abstinent_28": Count("id", filter=used & Q(use_abstinent_last_28=True)),
        "n_use_pda_courses": Count("id", filter=pda),
        "n_use_pda_start": Avg("use_pda_start", filter=pda),
        "n_use_pda_end": Avg("use_pda_end", filter=pda),
        "n_use_heavy_courses": Count("id", filter=heavy),
        "n_use_heavy_reduction": Avg("use_heavy_reduction", filter=heavy),
    }


def _use_outcomes(row: dict[str, Any]) -> UseOutcomes:
    return UseOutcomes(
        courses=row["n_use_courses"] or 0,
        abstinent_last_28=_rate(row["n_use_abstinent_28"], row["n_use_known_28"]),
        pda_courses=row["n_use_pda_courses"] or 0,
        mean_pda_start=_round(row["n_use_pda_start"]),
        mean_pda_end=_round(row["n_use_pda_end"]),
        heavy_courses=row["n_use_heavy_courses"] or 0,
        mean_heavy_reduction=_round(row["n_use_heavy_reduction"]),
    )


@dataclass(frozen=True)
class MonthRow:
    month: date
    at_caseness: int
    recovery: service.Rate


@dataclass
class Dashboard:
    filters: Filters
    flow: Flow
    overall: OutcomeRates
    use: UseOutcomes
    by_clinician: list[OutcomeRates] = field(default_factory=list)
    by_program: list[OutcomeRates] = field(default_factory=list)
    by_problem_area: list[OutcomeRates] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    computed_at: datetime | None = None
    small_below: int = service.SMALL_NUMBER_DEFAULT
    suppress_below: int = service.SUPPRESS_BELOW_DEFAULT

    @property
    def trend_chart(self) -> ChartData:
        return trend_chart(self.months)

    @property
    def fidelity_rows(self) -> list[tuple[str, service.Rate, list[service.Rate]]]:
        """The fidelity table: per element, the whole selection's rate and each
        clinician's, in the columns' order. Built here rather than by matching keys in
        nested template loops, which at the whole service's hundreds of clinicians
        made tens of thousands of comparisons per page."""
        by_clinician = [dict(group.fidelity) for group in self.by_clinician]
        return [
            (key, rate, [rates[key] for rates in by_clinician])
            for key, rate in self.overall.fidelity
        ]

    @property
    def breakdowns(self) -> list[tuple[str, list[OutcomeRates], str]]:
        return [
            ("Outcomes by clinician, with case mix", self.by_clinician, "Clinician"),
            ("Outcomes by program", self.by_program, "Program"),
            ("Outcomes by problem area", self.by_problem_area, "Problem area"),
        ]


def referral_counts(scope: ServiceScope, filters: Filters) -> dict[str, int]:
    """Referrals received and assessed in the period, counted live (one query).
    Received on the clinic's days of the period: a range on ``created_at`` from the
    first instant of the first day, not each row's local date (``local_days``)."""
    rows = Referral.objects.filter(
        on_local_days("created_at", filters.start, filters.end)
    )
    if not scope.whole_service:
        rows = rows.filter(team_id__in=scope.team_ids)
    if filters.site is not None:
        rows = rows.filter(site=filters.site)
    if filters.team is not None:
        rows = rows.filter(team=filters.team)
    if filters.clinician is not None:
        rows = rows.filter(clinician=filters.clinician)
    if filters.program is not None:
        rows = rows.filter(program=filters.program)
    return rows.aggregate(
        received=Count("id"),
        # Assessed: accepted after screening, or closed after it as referred
        # elsewhere or declined (docs/outcomes.md, "Service outcomes").
        assessed=Count(
            "id",
            filter=Q(accepted_at__isnull=False)
            | Q(
                status__in=["referred_elsewhere", "declined"],
                first_contact_at__isnull=False,
            ),
        ),
    )


def service_dashboard(
    *,
    scope: ServiceScope,
    filters: Filters,
) -> Dashboard:
    """Every figure of the dashboard for this scope and question.

    The course figures come from the rows the refresh job computes, so they change
    only when it has run: they are kept in the shared cache until it runs again
    (``SERVICE_FIGURES``). Referrals are counted live: requests arrive all day."""
    board = SERVICE_FIGURES.cached(
        _figures_key(scope, filters),
        lambda: _course_figures(scope, filters),
        seconds=FIGURES_SECONDS,
    )
    referrals = referral_counts(scope, filters)
    flow = replace(
        board.flow, referrals=referrals["received"], assessed=referrals["assessed"]
    )
    return replace(board, flow=flow)


def page_versions(scope: ServiceScope, filters: Filters) -> str | None:
    """What the dashboard's page rests on, for keeping it rendered
    (``iptcare.lib.kept_pages``): the generation the refresh job moves when it has
    recomputed the course figures, the directory version (the filters' sites, teams,
    clinicians and programs, and the names in the breakdowns) and the intake version,
    which every write to a referral moves (decisions/0068): the live referral counts
    are counted only when the page is rendered, after these are read. ``None``
    without a shared cache: no generation is kept then, and the figures are computed
    afresh on each request."""
    generation = SERVICE_FIGURES.current()
    if generation is None:
        return None
    directory, intake, _ = list_versions()
    return ":".join(
        (
            str(generation),
            str(directory),
            str(intake),
            _figures_key(scope, filters).rsplit(":", 1)[-1],
        )
    )


def figures_fragment(
    scope: ServiceScope, filters: Filters, board: Dashboard, render: Callable[[], str]
) -> SafeString:
    """The dashboard's figures as the page shows them (tables and the trend chart),
    kept beside the figures under the same generation: for the whole service they are
    thousands of cells. The live referral counts are part of the key, so a new referral
    is a new fragment."""
    key = ":".join(
        (
            _figures_key(scope, filters),
            "page",
            translation.get_language() or "",
            str(board.flow.referrals),
            str(board.flow.assessed),
        )
    )
    # Rendered here by the dashboard's own template: nothing in it is typed by a user
    # unescaped, and it names no one (tests/test_service_leaks).
    return mark_safe(SERVICE_FIGURES.cached(key, render, seconds=FIGURES_SECONDS))  # noqa: S308


@functools.cache
def _kept_shape() -> str:
    """The fields of what is kept, so that a release that changes them reads none of
    the figures an earlier release kept (unpickled, they would lack the new fields)."""
    kept = (Dashboard, Flow, OutcomeRates, UseOutcomes, MonthRow, service.Rate)
    return repr([(cls.__name__, [f.name for f in fields(cls)]) for cls in kept])


def _figures_key(scope: ServiceScope, filters: Filters) -> str:
    question = (
        _kept_shape(),
        scope.whole_service,
        sorted(scope.team_ids),
        filters.start,
        filters.end,
        *(
            None if chosen is None else chosen.pk
            for chosen in (
                filters.site,
                filters.team,
                filters.clinician,
                filters.program,
            )
        ),
        filters.problem_area,
        small_below(),
        suppress_below(),
    )
    digest = hashlib.sha256(repr(question).encode()).hexdigest()[:32]
    return f"outcomes:dashboard:{digest}"


def _course_figures(scope: ServiceScope, filters: Filters) -> Dashboard:
    rows = scoped_rows(scope, filters)
    q = _period(filters)
    flow_expressions: dict[str, Any] = {
        "started": Count("id", filter=q["started"]),
        "n_dropped_out": Count("id", filter=q["ended"] & Q(dropped_out=True)),
        "waited": Count("id", filter=q["started"] & Q(waited_days__isnull=False)),
        "within_6": Count("id", filter=q["started"] & Q(waited_days__lte=6 * 7)),
        "within_18": Count("id", filter=q["started"] & Q(waited_days__lte=18 * 7)),
        "attended": Sum("sessions_attended", filter=q["finished"]),
        "missed": Sum("sessions_missed", filter=q["finished"]),
        "mean_attended": Avg("sessions_attended", filter=q["finished"]),
        "mean_planned": Avg("sessions_planned", filter=q["finished"]),
        "last_computed": Max("computed_at"),
    }
    for after in service.FOLLOW_UP_MONTHS:
        flow_expressions[f"due_{after}"] = Count(
            "id", filter=q["ended"] & Q(**{f"follow_up_{after}_due": True})
        )
        flow_expressions[f"returned_{after}"] = Count(
            "id", filter=q["ended"] & Q(**{f"follow_up_{after}_returned": True})
        )
    headline = rows.aggregate(
        **flow_expressions, **_outcome_aggregates(filters), **_use_aggregates(filters)
    )
    attended, missed = headline["attended"] or 0, headline["missed"] or 0
    waited = headline["waited"]
    flow = Flow(
        referrals=0,  # counted live by ``service_dashboard``
        assessed=0,
        started=headline["started"],
        finished=headline["n_finished"],
        dropped_out=headline["n_dropped_out"],
        waited=waited,
        within_6_weeks=_rate(headline["within_6"], waited),
        within_18_weeks=_rate(headline["within_18"], waited),
        did_not_attend=_rate(missed, attended + missed),
        mean_attended=_round(headline["mean_attended"]),
        mean_planned=_round(headline["mean_planned"]),
        follow_ups=tuple(
            (m, _rate(headline[f"returned_{m}"], headline[f"due_{m}"]))
            for m in service.FOLLOW_UP_MONTHS
        ),
    )
    aggregates = _outcome_aggregates(filters)
    relevant = q["finished"] | q["active"]
    by_clinician = [
        _outcome_rates(_name(row), row)
        for row in rows.filter(relevant)
        .values(
            "clinician_id",
            "clinician__first_name",
            "clinician__last_name",
            "clinician__username",
        )
        .annotate(**aggregates)
        .order_by("clinician__last_name", "clinician__first_name", "clinician_id")
    ]
    by_program = [
        _outcome_rates(row["program__name"], row)
        for row in rows.filter(relevant)
        .values("program_id", "program__name")
        .annotate(**aggregates)
        .order_by("program__name", "program_id")
    ]
    areas = dict(ProblemArea.choices)
    by_problem_area = [
        _outcome_rates(str(areas.get(row["problem_area"], "Not chosen")), row)
        for row in rows.filter(relevant)
        .values("problem_area")
        .annotate(**aggregates)
        .order_by("problem_area")
    ]
    months = [
        MonthRow(
            month=row["month"],
            at_caseness=row["cases"],
            recovery=_rate(row["recovered"], row["cases"]),
        )
        for row in rows.filter(q["at_caseness"])
        .annotate(month=TruncMonth("ended_on"))
        .values("month")
        .annotate(cases=Count("id"), recovered=Count("id", filter=Q(recovery=True)))
        .order_by("month")
    ]
    return Dashboard(
        filters=filters,
        flow=flow,
        overall=_outcome_rates("Whole selection", headline),
        use=_use_outcomes(headline),
        by_clinician=by_clinician,
        by_program=by_program,
        by_problem_area=by_problem_area,
        months=months,
        computed_at=headline["last_computed"],
        small_below=small_below(),
        suppress_below=suppress_below(),
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def _name(row: dict[str, Any]) -> str:
    full = f"{row['clinician__first_name']} {row['clinician__last_name']}".strip()
    return full or row["clinician__username"]


# --- The monthly recovery trend, drawn by the progress chart's code -----------------

RECOVERY_RULES = InstrumentRules(
    instrument_id="recovery_rate",
    name="Recovery rate (%)",
    score_min=0,
    score_max=100,
    higher_is_worse=False,
    caseness=Threshold(
        service.BENCHMARK_RECOVERY,
        "NHS Talking Therapies national recovery standard",
        label="50 %",
    ),
)
TREND_WORDING = ChartWording(
    over_time="{name} by month",
    no_scores_yet="No finished courses at caseness in this period",
    cut_off="national benchmark {label}",
    no_scores_recorded="{name}: no finished courses at caseness in this period.",
    one_score="{name}: one month, {value} % in the month of {day}.",
    many_scores=(
        "{name}: {count} months, from {first} % in the month of {first_day} to "
        "{last} % in the month of {last_day} ({change} points)."
    ),
)
# Printed in the service PDF across the page's text width, as the progress chart is
# (outcomes.charts.WIDE): font 11, so its smallest text prints above the small print.
TREND_SIZE = ChartSize(
    "trend", (8.0, 3.2), (0.08, 0.2, 0.86, 0.7), 11, False, 2, -0.14, 9
)


def trend_chart(months: list[MonthRow]) -> ChartData:
    """The monthly recovery rates as the progress chart's ``ChartData``: the months
    as its time axis, the rate as its score, the 50 % benchmark as its cut-off line."""
    return ChartData(
        key="recovery-trend",
        rules=RECOVERY_RULES,
        scores=tuple(
            ScorePoint(when=row.month, value=row.recovery.percent or 0.0)
            for row in months
            if row.recovery.percent is not None
        ),
        size=TREND_SIZE,
        wording=TREND_WORDING,
    )
