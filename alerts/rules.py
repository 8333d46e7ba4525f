"""The alert rules, as plain functions over plain data (no Django imports).

Each rule looks at one source event — a risk answer, a diary entry, an attendance
record, a run of sessions, a course's scores — and returns a ``Finding`` (kind, rule,
urgency and the reason in words) or ``None``. ``alerts.services`` turns a finding into
an ``Alert`` once per source event (a unique key), never on a page view.

Reasons name the questionnaire, the item, the day and the rule — never the patient:
they are shown in inboxes and lists, and the rule is the same for everyone. The
urgencies are platform policy (``docs/alerts.md``), the numbers those of
``alerts.choices.Urgency``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

ROUTINE, SAME_DAY, URGENT = 1, 2, 3

RISK, RELAPSE, ENGAGEMENT, NOT_ON_TRACK = (
    "risk",
    "relapse",
    "engagement",
    "not_on_track",
)

DEFAULT_ABSTINENT_DAYS = 14
DEFAULT_MISSING_SESSIONS = 3


@dataclass(frozen=True)
class Finding:
    """What an alert says: its kind, the rule that fired, how urgent it is, and why."""

    kind: str
    rule: str
    urgency: int
    reason: str


# --- Risk answers on questionnaires (measures.RiskEvent) ----------------------------

PHQ9_ITEM9_OPTIONS = (
    "not at all",
    "several days",
    "more than half the days",
    "nearly every day",
)
SUICIDE_RISK, RISK_TAKING = "suicide_risk", "risk_taking"


class CssrsLevel(StrEnum):
    """Columbia's screener triage, as shared/instruments records it from general
    knowledge: **unverified** — check it on the licensed form before relying on it."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


def cssrs_level(answers: Sequence[int | None]) -> CssrsLevel:
    """The screener's triage level from its seven answers (1 = yes, 0 = no, ``None`` =
    not asked): high for intent (4), a plan with intent (5), or behaviour (6) within
    the past three months — or with its timing unanswered, since that cannot rule out
    recent behaviour; moderate for a method (3) or behaviour longer ago; low for a wish
    to be dead (1) or non-specific thoughts (2) alone."""
    padded = [*answers, *([None] * (7 - len(answers)))]
    q1, q2, q3, q4, q5, q6, recent = padded[:7]
    if q4 == 1 or q5 == 1 or (q6 == 1 and recent != 0):
        return CssrsLevel.HIGH
    if q3 == 1 or q6 == 1:
        return CssrsLevel.MODERATE
    if q1 == 1 or q2 == 1:
        return CssrsLevel.LOW
    return CssrsLevel.NONE


CSSRS_ITEMS = {
    3: "thoughts of a method",
    4: "intent to act",
    5: "a plan with intent",
    6: "suicidal behaviour within the past three months (or timing not asked)",
}
CSSRS_URGENCY = {
    CssrsLevel.HIGH: URGENT,
    CssrsLevel.MODERATE: SAME_DAY,
    CssrsLevel.LOW: ROUTINE,
}


@dataclass(frozen=True)
class RiskAnswer:
    """One critical answer, as ``measures.RiskEvent`` records it."""

    instrument_id: str
    instrument_name: str
    item_number: int
    item_label: str
    answer_score: int | None
    answer_label: str | None
    risk_kind: str
    day: date
    answers: tuple[int | None, ...] = ()


def _asks_when_unanswered(instrument_id: str, item_number: int) -> bool:
    from measures.instruments import REGISTRY

    instrument = REGISTRY.get(instrument_id)
    return instrument is not None and any(
        rule.item == item_number and rule.fires_when_unanswered
        for rule in instrument.critical_items
    )


def risk_answer(answer: RiskAnswer) -> Finding:
    """Every critical answer is an alert (platform policy: never auto-dismissed, shown
    even when the total is low). Suicide-risk answers are urgent — PHQ-9 item 9 above
    0, the HRSD-17 suicide item, CORE-10 item 6, the ASQ — except that a C-SSRS screen
    is as urgent as its triage level; a risk-taking answer (PCL-5 item 16) is for the
    same day."""
    when = f"{answer.day:%-d %b %Y}"
    if answer.instrument_id == "cssrs":
        level = cssrs_level(answer.answers)
        what = CSSRS_ITEMS.get(answer.item_number, f"item {answer.item_number}")
        return Finding(
            kind=RISK,
            rule="cssrs_positive",
            urgency=CSSRS_URGENCY.get(level, URGENT),
            reason=(
                f"C-SSRS screener positive on {when}, level {level.value} "
                f"(provisional triage, verify on the licensed form): yes to "
                f"item {answer.item_number}, {what}."
            ),
        )
    if (
        answer.answer_score is None
        and answer.answer_label is None
        and _asks_when_unanswered(answer.instrument_id, answer.item_number)
    ):
        # Prorating gives a total without it: the clinician must ask the question.
        return Finding(
            kind=RISK,
            rule=f"{answer.instrument_id}_item{answer.item_number}_unanswered",
            urgency=SAME_DAY,
            reason=(
                f"{answer.instrument_name} item {answer.item_number}: risk question "
                f"not answered on {when}. Ask it today; the total does not show it."
            ),
        )
    said = f"'{answer.answer_label}'" if answer.answer_label else "a positive answer"
    if answer.answer_score is not None:
        said += f" (score {answer.answer_score})"
    item = f"item {answer.item_number}"
    if answer.item_label and answer.item_label != f"Item {answer.item_number}":
        item += f" ({answer.item_label})"
    if answer.risk_kind == RISK_TAKING:
        return Finding(
            kind=RISK,
            rule=f"{answer.instrument_id}_item{answer.item_number}",
            urgency=SAME_DAY,
            reason=f"{answer.instrument_name} {item}, risk-taking: {said} on {when}.",
        )
    rule = f"{answer.instrument_id}_item{answer.item_number}"
    if answer.instrument_id == "phq9" and answer.item_number == 9:
        rule = "phq9_item9"
    return Finding(
        kind=RISK,
        rule=rule,
        urgency=URGENT,
        reason=(
            f"{answer.instrument_name} {item}, suicide risk: {said} on {when}. "
            "Assess the risk today."
        ),
    )


# --- The diary (arrives with the patient portal) ------------------------------------


@dataclass(frozen=True)
class DiaryDay:
    """One day of the patient's diary, as far as the alert rules need it. ``used`` is
    ``None`` when the diary did not ask about substance use that day."""

    entry_id: str
    day: date
    self_harm: bool = False
    used: bool | None = None


def diary_self_harm(entry: DiaryDay) -> Finding | None:
    """Self-harm reported in the diary: urgent."""
    if not entry.self_harm:
        return None
    return Finding(
        kind=RISK,
        rule="diary_self_harm",
        urgency=URGENT,
        reason=f"Self-harm reported in the diary for {entry.day:%-d %b %Y}.",
    )


def use_after_abstinence(
    entry: DiaryDay,
    history: Sequence[DiaryDay],
    *,
    abstinent_days: int = DEFAULT_ABSTINENT_DAYS,
) -> Finding | None:
    """Reported use after a period of abstinence: ``entry`` reports use, and the diary
    days before it report no use back to at least ``abstinent_days`` days earlier, with
    no reported use in between. Days the diary did not ask about neither count nor
    break the period; a gap in the diary does not count as abstinence."""
    if entry.used is not True:
        return None
    earlier = sorted(
        (d for d in history if d.day < entry.day and d.used is not None),
        key=lambda d: d.day,
        reverse=True,
    )
    first_clean: date | None = None
    for day in earlier:
        if day.used:
            break
        first_clean = day.day
    if first_clean is None:
        return None
    period = (entry.day - first_clean).days
    if period < abstinent_days:
        return None
    return Finding(
        kind=RELAPSE,
        rule="use_after_abstinence",
        urgency=SAME_DAY,
        reason=(
            f"Use reported in the diary for {entry.day:%-d %b %Y} after {period} days "
            f"reported without use (the rule: {abstinent_days} days or more)."
        ),
    )


@dataclass(frozen=True)
class TestPositive:
    """An unexpected positive on a drug or alcohol test (one not explained by
    prescribed medication), as the relapse rule needs it: the substance's words and
    the first day of abstinence recorded before the test (``None``: none recorded)."""

    substance: str
    abstinent_since: date | None


def positive_after_abstinence(
    day: date,
    positives: Sequence[TestPositive],
    *,
    abstinent_days: int = DEFAULT_ABSTINENT_DAYS,
) -> Finding | None:
    """An unexpected positive after a period of abstinence (the same period as the
    diary's rule): the relapse alert, once per test. Positives on a substance without
    a recorded period of abstinence raise nothing here; the result is on the record."""
    after = [
        (p.substance, (day - p.abstinent_since).days)
        for p in positives
        if p.abstinent_since is not None
        and (day - p.abstinent_since).days >= abstinent_days
    ]
    if not after:
        return None
    named = ", ".join(f"{name} (abstinent {days} days)" for name, days in after)
    return Finding(
        kind=RELAPSE,
        rule="positive_after_abstinence",
        urgency=SAME_DAY,
        reason=(
            f"Unexpected positive test on {day:%-d %b %Y}: {named} "
            f"(the rule: {abstinent_days} days or more)."
        ),
    )


# --- Engagement -------------------------------------------------------------------


def missed_in_a_row(count: int, day: date) -> Finding | None:
    """Two did-not-attends in a row or more (``scheduling.EngagementEvent``)."""
    if count < 2:
        return None
    return Finding(
        kind=ENGAGEMENT,
        rule="missed_in_a_row",
        urgency=ROUTINE,
        reason=(
            f"Did not attend {count} sessions in a row, the latest on {day:%-d %b %Y}. "
            "Contact the patient before the next session."
        ),
    )


@dataclass(frozen=True)
class SessionQuestionnaires:
    """An attended session, the questionnaires due before it (from the program's
    schedule) and those given since the session before it."""

    session_id: str
    number: int
    day: date
    due: frozenset[str]
    given: frozenset[str]

    @property
    def missing(self) -> bool:
        """None of the questionnaires due was given (sessions with none due do not count)."""
        return bool(self.due) and not (self.due & self.given)


def questionnaires_missing(
    sessions: Sequence[SessionQuestionnaires],
    *,
    run: int = DEFAULT_MISSING_SESSIONS,
) -> list[tuple[str, Finding]]:
    """Questionnaires missing for ``run`` sessions in a row: one finding for each run,
    keyed on (and dated by) the session that completed it. Sessions with nothing due
    neither count nor break a run."""
    findings: list[tuple[str, Finding]] = []
    streak = 0
    for session in sorted(sessions, key=lambda s: (s.number, s.day)):
        if not session.due:
            continue
        streak = streak + 1 if session.missing else 0
        if streak == run:
            findings.append(
                (
                    session.session_id,
                    Finding(
                        kind=ENGAGEMENT,
                        rule="questionnaires_missing",
                        urgency=ROUTINE,
                        reason=(
                            f"No questionnaire returned for {run} sessions in a row, "
                            f"up to session {session.number} on "
                            f"{session.day:%-d %b %Y}."
                        ),
                    ),
                )
            )
    return findings


# --- Not on track -----------------------------------------------------------------


def not_on_track(instrument_name: str, rule: str, reason: str) -> Finding:
    """An outcome status that fired (``outcomes.calculations.track_status``): routine,
    since risk answers reach the clinician on their own channel."""
    return Finding(
        kind=NOT_ON_TRACK,
        rule=f"not_on_track_{rule}",
        urgency=ROUTINE,
        reason=f"{instrument_name} not on track. {reason}",
    )
