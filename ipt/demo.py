"""The IPT part of the demo clinic: each patient's course in every phase, with its
inventory, timeline, problem areas, formulation, contract, goals and ratings, sessions
and notes (the latest signed or in draft), the termination review and plan, and a
group per team for the group program.

Deterministic for a given random generator (public ids too), and bulk-inserted in the
same batches as the patients, so a benchmark database of 100,000 patients still loads
in minutes. The stories are synthetic: one per problem area, with its events, people,
formulation and goals, varied by the generator.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from accounts.choices import CareTeamRole
from accounts.models import Staff, Team
from ipt import gas, phases, strategies
from ipt.choices import (
    Attendance,
    DatePrecision,
    DisputeStage,
    EventKind,
    Frequency,
    NoteStatus,
    Outcome,
    Phase,
    ProblemArea,
    RiskLevel,
    TerminationDecision,
    TimelineCategory,
)
from ipt.defaults import programs_ensure
from ipt.models import (
    Contract,
    Course,
    CourseProblemArea,
    CourseSession,
    Goal,
    GoalRating,
    Group,
    GroupMember,
    InventoryPerson,
    Program,
    RelapsePreventionPlan,
    SessionNote,
    TerminationReview,
    TimelineEntry,
)
from iptcare.lib.bulk import built, insert_objects
from patients.models import CareTeamMember, Patient

PROGRAM_MIX = [
    ("ipt12", 40),
    ("ipt16", 30),
    ("brief8", 15),
    ("group", 8),
    ("maintenance", 7),
]
PHASE_MIX = [
    ("none", 8),
    ("initial", 22),
    ("middle", 36),
    ("termination", 12),
    ("ended", 22),
]
# A year of a large service (``iptcare demo`` from its scaled size on): most of the
# year's courses have ended, about a quarter are open at any one time.
YEAR_PHASE_MIX = [
    ("none", 5),
    ("initial", 7),
    ("middle", 14),
    ("termination", 5),
    ("ended", 69),
]


def open_share(mix: Sequence[tuple[str, int]]) -> float:
    """The share of patients whose course is open under a phase mix."""
    total = sum(weight for _, weight in mix)
    closed = sum(weight for phase, weight in mix if phase in {"none", "ended"})
    return (total - closed) / total


OUTCOME_MIX = [
    (Outcome.COMPLETED, 62),
    (Outcome.DROPPED_OUT, 22),
    (Outcome.STEPPED_UP, 8),
    (Outcome.TRANSFERRED, 8),
]
FACILITATORS = 2  # a group has two facilitators, however large the team
NOTES_PER_COURSE = 3  # the latest sessions' notes; older ones are left out of the demo


@dataclass(frozen=True)
class Goalset:
    description: str
    levels: tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Story:
    area: ProblemArea
    events: tuple[tuple[str, EventKind, bool], ...]  # title, kind, someone died
    formulation: str
    goals: tuple[Goalset, ...]
    close_person: tuple[str, str] | None = (
        None  # who the story is about (name, relationship)
    )


STORIES = [
    Story(
        ProblemArea.GRIEF,
        (
            ("Mother died", EventKind.LOSS, True),
            ("Father died", EventKind.LOSS, True),
            ("Partner died", EventKind.LOSS, True),
            ("Brother died", EventKind.LOSS, True),
        ),
        "The low mood and the return to drinking began a few months after {who} died. "
        "The loss has not been mourned: the patient avoids talking about it and has "
        "withdrawn from the people who knew them both. We will work on grief.",
        (
            Goalset(
                "Talk about the loss with someone close",
                (
                    "Avoids every mention of the loss",
                    "Mentions the loss only when asked",
                    "Talks about the loss with one person each week",
                    "Talks about the loss with two or three people",
                    "Shares memories, good and bad, freely",
                ),
            ),
            Goalset(
                "Take up a shared activity again",
                (
                    "No activities outside home",
                    "One activity a month",
                    "One activity each week",
                    "Two activities each week",
                    "A regular activity with new people",
                ),
            ),
        ),
    ),
    Story(
        ProblemArea.DISPUTES,
        (
            ("Rows with partner about money", EventKind.CONFLICT, False),
            ("Partner moved into the spare room", EventKind.CONFLICT, False),
            ("Falling out with sister over Mum's care", EventKind.CONFLICT, False),
        ),
        "The depression deepened as the dispute with {who} settled into an impasse: "
        "each expects the other to change first, and cravings rise after each row. "
        "We will work on the dispute: name it, look at how the rows go, try other ways.",
        (
            Goalset(
                "Talk calmly about the disagreement",
                (
                    "Rows every day",
                    "Rows most days",
                    "One calm talk a week",
                    "Calm talks most weeks",
                    "A way forward agreed together",
                ),
            ),
            Goalset(
                "Say what is needed without drinking first",
                (
                    "Drinks before every difficult talk",
                    "Drinks before most difficult talks",
                    "Half the difficult talks without a drink",
                    "Most difficult talks without a drink",
                    "Every difficult talk without a drink",
                ),
            ),
        ),
        ("Partner", "partner"),
    ),
    Story(
        ProblemArea.TRANSITIONS,
        (
            ("Made redundant", EventKind.LIFE_CHANGE, False),
            ("Retired", EventKind.LIFE_CHANGE, False),
            ("Moved city for work", EventKind.LIFE_CHANGE, False),
            ("First child born", EventKind.LIFE_CHANGE, False),
            ("Entered residential rehab", EventKind.LIFE_CHANGE, False),
        ),
        "The change ({what}) took away the routine, the people and the sense of worth "
        "the old role gave, and the new one has brought isolation and cravings. We will "
        "work on the role transition: mourn the old role and build the new one.",
        (
            Goalset(
                "Build a weekly routine in the new role",
                (
                    "No routine; days blur together",
                    "A routine on one or two days",
                    "A routine on most weekdays",
                    "A routine every weekday",
                    "A routine that includes new commitments",
                ),
            ),
            Goalset(
                "Make one new supportive contact",
                (
                    "No new contact",
                    "Met someone once",
                    "One new contact met regularly",
                    "Two new contacts met regularly",
                    "A new circle, met every week",
                ),
            ),
        ),
    ),
    Story(
        ProblemArea.DEFICITS,
        (("Stopped going to the club", EventKind.ISOLATION, False),),
        "There has been no single event: relationships have long been few and brief, and "
        "drinking alone has filled the gap. We will work on interpersonal deficits: "
        "look at the pattern and practise starting and keeping contact.",
        (
            Goalset(
                "Contact someone outside the family each week",
                (
                    "No contact for weeks",
                    "A contact every few weeks",
                    "One contact each week",
                    "Two or three contacts each week",
                    "Contacts most days",
                ),
            ),
        ),
    ),
]

PEOPLE = [
    ("Mum", "parent"),
    ("Dad", "parent"),
    ("Sister", "sibling"),
    ("Brother", "sibling"),
    ("Best friend", "friend"),
    ("Friend from work", "colleague"),
    ("Sponsor", "recovery_peer"),
    ("Neighbour", "neighbour"),
    ("Daughter", "child"),
    ("Son", "child"),
    ("Friend from the pub", "friend"),
    ("Aunt", "family"),
]
SUBSTANCES = [
    "Alcohol, daily",
    "Cannabis, evenings",
    "Cocaine, weekends",
    "Alcohol, binges",
]
THEMES = [
    "Argued with partner on Friday about money; drank afterwards.",
    "Quiet week; spent Sunday with sister.",
    "Missed a day at work after a bad night.",
    "Went to two meetings and called the sponsor once.",
    "Anniversary of the loss on Wednesday: low all week.",
]


def _weighted(rng: random.Random, mix: Sequence[tuple[object, int]]) -> object:
    return rng.choices([value for value, _ in mix], [weight for _, weight in mix])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


@dataclass
class Rows:
    """The rows of one batch, course by course, before they are inserted."""

    courses: list[Course] = field(default_factory=list)
    people: list[list[InventoryPerson]] = field(default_factory=list)
    timeline: list[list[TimelineEntry]] = field(default_factory=list)
    areas: list[list[CourseProblemArea]] = field(default_factory=list)
    contracts: list[Contract | None] = field(default_factory=list)
    goals: list[list[Goal]] = field(default_factory=list)
    ratings: list[list[list[tuple[int, date]]]] = field(default_factory=list)
    sessions: list[list[CourseSession]] = field(default_factory=list)
    notes: list[list[SessionNote | None]] = field(default_factory=list)
    reviews: list[TerminationReview | None] = field(default_factory=list)
    plans: list[RelapsePreventionPlan | None] = field(default_factory=list)


def _attended_for(
    rng: random.Random, phase: str, plan: phases.Plan, outcome: object
) -> int:
    initial_last = plan.boundaries[phases.Phase.INITIAL][1]
    termination_first = plan.termination_starts_at
    if phase == Phase.INITIAL:
        return rng.randint(0, initial_last + (1 if rng.random() < 0.1 else 0))
    if phase == Phase.MIDDLE:
        return rng.randint(initial_last, termination_first - 1)
    if phase == Phase.TERMINATION:
        return rng.randint(termination_first, plan.planned)
    if outcome == Outcome.COMPLETED:
        return plan.planned
    return rng.randint(1, max(1, termination_first - 1))


def _course(
    rng: random.Random,
    patient: Patient,
    clinician: Staff,
    program: Program,
    today: date,
    rows: Rows,
    phase_mix: Sequence[tuple[str, int]] = PHASE_MIX,
) -> None:
    phase = str(_weighted(rng, phase_mix[1:]))
    outcome = _weighted(rng, OUTCOME_MIX) if phase == Phase.ENDED else ""
    story = rng.choice(STORIES)
    second = rng.random() < 0.2 and story.area in {
        ProblemArea.DISPUTES,
        ProblemArea.TRANSITIONS,
    }
    areas = [story.area]
    if second:
        areas.append(
            ProblemArea.TRANSITIONS
            if story.area == ProblemArea.DISPUTES
            else ProblemArea.DISPUTES
        )
    planned = program.sessions
    plan = phases.Plan(planned, program.initial_sessions, program.termination_sessions)
    attended = _attended_for(rng, phase, plan, outcome)
    step = 28 if program.frequency == Frequency.MONTHLY else 7
    ended_weeks_ago = rng.randint(1, 40) if phase == Phase.ENDED else 0
    opened_on = today - timedelta(
        days=step * attended + 7 * ended_weeks_ago + rng.randint(2, 20)
    )
    agreed = phase != Phase.INITIAL or (
        attended >= plan.initial_sessions and rng.random() < 0.3
    )
    onset = opened_on - timedelta(days=rng.randint(30, 150))
    event_title, event_kind, died = rng.choice(story.events)
    event_on = onset - timedelta(days=rng.randint(20, 200))
    who = event_title.split(" died")[0].lower() if died else "their partner"

    course = built(
        Course,
        public_id=_uuid(rng),
        patient_id=patient.pk,
        program_id=program.pk,
        clinician_id=clinician.pk,
        phase=phase,
        opened_on=opened_on,
        initial_sessions=program.initial_sessions,
        termination_sessions=program.termination_sessions,
        sessions_planned=planned,
        sessions_attended=attended,
        formulation=story.formulation.format(who=who, what=event_title.lower())
        if agreed or rng.random() < 0.4
        else "",
        formulation_agreed_on=min(today, opened_on + timedelta(days=step))
        if agreed
        else None,
        middle_began_on=min(
            today, opened_on + timedelta(days=step * plan.initial_sessions)
        )
        if phase != Phase.INITIAL and agreed
        else None,
        outcome=str(outcome),
        ended_on=today - timedelta(days=7 * ended_weeks_ago)
        if phase == Phase.ENDED
        else None,
        end_reason={
            Outcome.DROPPED_OUT: "Stopped attending and did not answer calls or letters.",
            Outcome.STEPPED_UP: "Risk rose: referred to the home treatment team.",
            Outcome.TRANSFERRED: "Moved out of the area: care transferred.",
        }.get(outcome, ""),  # type: ignore[call-overload]
    )
    if phase == Phase.TERMINATION:
        course.termination_began_on = min(
            today, opened_on + timedelta(days=step * (plan.termination_starts_at - 1))
        )
    rows.courses.append(course)

    # Inventory: the story's person, then a few of the usual ones.
    people = []
    chosen = rng.sample(
        PEOPLE, rng.randint(2, 6) if story.area != ProblemArea.DEFICITS else 2
    )
    if died:
        chosen.insert(
            0, (who.capitalize(), "partner" if who == "partner" else "family")
        )
    elif story.close_person:
        chosen.insert(0, story.close_person)
    for index, (name, relationship) in enumerate(chosen):
        story_person = index == 0 and (died or story.close_person is not None)
        deficits = story.area == ProblemArea.DEFICITS
        quality = (
            "difficult"
            if story_person and story.area == ProblemArea.DISPUTES
            else rng.choice(["good", "good", "mixed", "difficult"])
        )
        closeness = 5 if story_person else rng.randint(1, 3 if deficits else 5)
        people.append(
            built(
                InventoryPerson,
                public_id=_uuid(rng),
                name=name,
                relationship=relationship,
                contact_frequency=rng.choice(
                    ["daily", "weekly", "weekly", "monthly", "rarely"]
                ),
                closeness=closeness,
                quality=quality,
                satisfying="Listens without judging." if quality != "difficult" else "",
                unsatisfying="Criticises the drinking in front of others."
                if quality != "good"
                else "",
                expectations="Wants more help at home; patient wants more patience.",
                expectations_met="no"
                if quality == "difficult"
                else rng.choice(["yes", "partly", "unknown"]),
                desired_change="Talk without it turning into a row."
                if quality != "good"
                else "",
                supports_recovery=relationship == "recovery_peer"
                or (quality == "good" and rng.random() < 0.4),
                uses_with_patient=name == "Friend from the pub",
                is_trigger=name == "Friend from the pub" or quality == "difficult",
                deceased=bool(died and story_person),
            )
        )
    rows.people.append(people)

    # Timeline: the story's event, the episode, perhaps an earlier one and substance use.
    entries = [
        built(
            TimelineEntry,
            public_id=_uuid(rng),
            category=TimelineCategory.LIFE_EVENT,
            kind=event_kind,
            title=event_title,
            started_on=event_on,
            precision=rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
            someone_died=died,
        ),
        built(
            TimelineEntry,
            public_id=_uuid(rng),
            category=TimelineCategory.SYMPTOMS,
            title="Depressive episode",
            started_on=onset,
            ended_on=course.ended_on if outcome == Outcome.COMPLETED else None,
            precision=DatePrecision.MONTH,
        ),
    ]
    if rng.random() < 0.4:
        earlier = onset - timedelta(days=rng.randint(700, 3000))
        entries.append(
            built(
                TimelineEntry,
                public_id=_uuid(rng),
                category=TimelineCategory.SYMPTOMS,
                title="Earlier depressive episode",
                started_on=earlier,
                ended_on=earlier + timedelta(days=rng.randint(60, 300)),
                precision=DatePrecision.YEAR,
            )
        )
    if rng.random() < 0.6:
        started = onset - timedelta(days=rng.randint(400, 2500))
        stopped = rng.random() < 0.4
        entries.append(
            built(
                TimelineEntry,
                public_id=_uuid(rng),
                category=TimelineCategory.SUBSTANCE_USE,
                title=rng.choice(SUBSTANCES),
                started_on=started,
                ended_on=onset - timedelta(days=rng.randint(10, 90))
                if stopped
                else None,
                precision=DatePrecision.APPROXIMATE,
            )
        )
    rows.timeline.append(entries)

    # Problem areas, contract and goals: settled for every course past the initial phase.
    chose = agreed or rng.random() < 0.5
    rows.areas.append(
        [
            built(
                CourseProblemArea,
                area=area,
                rank=rank,
                dispute_stage=rng.choice(DisputeStage.values)
                if area == ProblemArea.DISPUTES
                else "",
                was_suggested=rank == 1,
                chosen_by_id=clinician.pk,
            )
            for rank, area in enumerate(areas, start=1)
        ]
        if chose
        else []
    )
    agreed_on = min(
        today,
        opened_on + timedelta(days=step * min(plan.initial_sessions, max(attended, 1))),
    )
    rows.contracts.append(
        built(
            Contract,
            sessions_agreed=planned,
            frequency=program.frequency,
            starts_on=opened_on,
            missed_session_policy="Call or text the day before; after two missed sessions "
            "in a row we meet to review the contract.",
            agreed_on=agreed_on if agreed else None,
        )
        if chose and (agreed or rng.random() < 0.5)
        else None
    )
    goals: list[Goal] = []
    ratings: list[list[tuple[int, date]]] = []
    if chose:
        for area in areas:
            goalsets = next(s for s in STORIES if s.area == area).goals
            for position, goalset in enumerate(
                goalsets[: rng.randint(1, len(goalsets))], 1
            ):
                goals.append(
                    built(
                        Goal,
                        public_id=_uuid(rng),
                        area=area,
                        position=position,
                        description=goalset.description,
                        level_minus_2=goalset.levels[0],
                        level_minus_1=goalset.levels[1],
                        level_0=goalset.levels[2],
                        level_plus_1=goalset.levels[3],
                        level_plus_2=goalset.levels[4],
                    )
                )
                goal_ratings: list[tuple[int, date]] = []
                if agreed and phase != Phase.INITIAL:
                    level = rng.choice([-2, -1, -1])
                    goal_ratings.append((level, agreed_on))
                    for _ in range(
                        rng.randint(0, 2) + (1 if phase != Phase.MIDDLE else 0)
                    ):
                        level = max(-2, min(2, level + rng.choice([0, 1, 1, 1, -1])))
                        when = min(
                            today, agreed_on + timedelta(days=step * rng.randint(2, 8))
                        )
                        goal_ratings.append((level, max(when, goal_ratings[-1][1])))
                ratings.append(goal_ratings)
    rows.goals.append(goals)
    rows.ratings.append(ratings)

    # Sessions: weekly (monthly for maintenance), a missed one now and then.
    sessions = []
    for number in range(1, attended + 1):
        held_on = opened_on + timedelta(days=step * (number - 1))
        session_phase = Phase.INITIAL
        if agreed and number > plan.initial_sessions:
            session_phase = (
                Phase.TERMINATION
                if number >= plan.termination_starts_at
                else Phase.MIDDLE
            )
        sessions.append(
            built(
                CourseSession,
                public_id=_uuid(rng),
                number=number,
                held_on=held_on,
                attendance=Attendance.ATTENDED,
                delivery="group"
                if program.is_group
                and number > program.sessions - program.group_sessions
                else "individual",
                phase=session_phase,
                recorded_by_id=clinician.pk,
            )
        )
    if attended > 2 and rng.random() < 0.2:
        sessions.append(
            built(
                CourseSession,
                public_id=_uuid(rng),
                number=None,
                held_on=opened_on + timedelta(days=step * 2 + 3),
                attendance=Attendance.MISSED,
                phase=Phase.INITIAL,
                recorded_by_id=clinician.pk,
            )
        )
    rows.sessions.append(sessions)

    # Notes: the latest sessions', signed; the very latest a draft now and then.
    attended_sessions = [s for s in sessions if s.number]
    notes: list[SessionNote | None] = [None] * len(sessions)
    latest = attended_sessions[-NOTES_PER_COURSE:]
    for session in latest:
        draft = (
            session is attended_sessions[-1]
            and phase != Phase.ENDED
            and rng.random() < 0.4
        )
        checklists = strategies.checklists_for(session.phase, areas if chose else [])
        ticked = [
            code
            for checklist in checklists
            for code, _label in rng.sample(
                checklist.stored(), min(2, len(checklist.choices))
            )
        ]
        signed_at = timezone.make_aware(datetime.combine(session.held_on, time(17, 30)))
        notes[sessions.index(session)] = built(
            SessionNote,
            public_id=_uuid(rng),
            author_id=clinician.pk,
            phase=session.phase,
            status=NoteStatus.DRAFT if draft else NoteStatus.SIGNED,
            mood=rng.randint(2, 8),
            cravings=rng.randint(0, 8),
            week_events=rng.choice(THEMES),
            since_last_time="Mood dipped after the row and lifted after the talk with her "
            "sister; cravings followed the rows.",
            checklist=ticked,
            techniques=[c for c, _ in rng.sample(strategies.TECHNIQUES, 2)],
            homework_reviewed="Kept the mood and relationships diary most days.",
            homework_set="Try the new way of starting the difficult conversation once.",
            risk_level=""
            if draft
            else rng.choice([RiskLevel.NONE, RiskLevel.NONE, RiskLevel.LOW]),
            risk_notes="",
            plan=""
            if draft
            else "Continue with the problem area; review the goals next time.",
            signed_at=None if draft else signed_at,
            signed_by_id=None if draft else clinician.pk,
        )
    rows.notes.append(notes)

    # Termination: the plan in termination, the review and decision when completed.
    ends = phase == Phase.TERMINATION or outcome == Outcome.COMPLETED
    rows.plans.append(
        built(
            RelapsePreventionPlan,
            warning_signs="Sleeping badly; skipping meals; avoiding calls.",
            interpersonal_triggers="Rows at home; the anniversary of the loss.",
            other_triggers="Payday; passing the old pub.",
            coping_steps="Walk; call the sponsor; go to a meeting; use the diary.",
            people_to_contact="Sister; sponsor; the team's duty line.",
            crisis_plan="Call the crisis line or 111 option 2; tell the GP the next day.",
        )
        if ends
        else None
    )
    rows.reviews.append(
        built(
            TerminationReview,
            progress_summary="Mood and drinking improved as the dispute moved towards "
            "renegotiation; goals mostly met.",
            decision=TerminationDecision.END,
            decided_on=course.ended_on,
            decided_by_id=clinician.pk,
        )
        if outcome == Outcome.COMPLETED
        else None
    )
    if outcome == Outcome.COMPLETED and ratings and all(ratings):
        levels = [goal_ratings[-1][0] for goal_ratings in ratings]
        course.gas_t_score = round(gas.t_score(levels), 1)


def _next_ids() -> dict[type[models.Model], int]:
    """The next free id of every table the demo fills, in one query."""
    quote = connection.ops.quote_name
    maxima = ", ".join(
        f"(SELECT MAX({quote('id')}) FROM {quote(model._meta.db_table)})"  # noqa: S608 - our own names
        for model in BULK_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {maxima}")
        row = cursor.fetchone()
    return {
        model: (value or 0) + 1 for model, value in zip(BULK_MODELS, row, strict=True)
    }


def _insert_objects(
    objects: Sequence[models.Model], next_ids: dict[type[models.Model], int]
) -> None:
    """Insert model instances of one kind in one statement, with ids given here (one
    statement per table and batch, however many rows: ``bulk_create`` on SQLite splits
    at 999 parameters). The sequences are reset once at the end (``finish``)."""
    if not objects:
        return
    model = type(objects[0])
    insert_objects(objects, first_id=next_ids[model])
    next_ids[model] += len(objects)


def _insert(rows: Rows) -> None:
    """Insert a batch, parents first, setting each child's parent once it has its id."""
    next_ids = _next_ids()
    _insert_objects(rows.courses, next_ids)
    people, entries, areas, contracts, goals, sessions = [], [], [], [], [], []
    for index, course in enumerate(rows.courses):
        for person in rows.people[index]:
            person.course = course
            people.append(person)
        for entry in rows.timeline[index]:
            entry.course = course
            entries.append(entry)
        for area in rows.areas[index]:
            area.course = course
            areas.append(area)
        contract = rows.contracts[index]
        if contract is not None:
            contract.course = course
            contracts.append(contract)
        for goal in rows.goals[index]:
            goal.course = course
            goals.append(goal)
        for session in rows.sessions[index]:
            session.course = course
            sessions.append(session)
    for batch in (people, entries, areas, contracts, goals, sessions):
        _insert_objects(batch, next_ids)
    ratings: list[GoalRating] = []
    notes: list[SessionNote] = []
    reviews: list[TerminationReview] = []
    plans: list[RelapsePreventionPlan] = []
    for index, course in enumerate(rows.courses):
        for goal, goal_ratings in zip(
            rows.goals[index], rows.ratings[index], strict=True
        ):
            ratings += [
                built(
                    GoalRating,
                    goal_id=goal.pk,
                    level=level,
                    rated_on=when,
                    rated_by_id=course.clinician_id,
                )
                for level, when in goal_ratings
            ]
        for session, note in zip(rows.sessions[index], rows.notes[index], strict=True):
            if note is not None:
                note.session = session
                notes.append(note)
        review, plan = rows.reviews[index], rows.plans[index]
        if review is not None:
            review.course = course
            reviews.append(review)
        if plan is not None:
            plan.course = course
            plans.append(plan)
    for batch in (ratings, notes, reviews, plans):  # type: ignore[assignment]
        _insert_objects(batch, next_ids)


BULK_MODELS: list[type[models.Model]] = [
    Course,
    InventoryPerson,
    TimelineEntry,
    CourseProblemArea,
    Contract,
    Goal,
    GoalRating,
    CourseSession,
    SessionNote,
    TerminationReview,
    RelapsePreventionPlan,
]


def load_courses(
    rng: random.Random,
    patients: Sequence[Patient],
    members: Sequence[CareTeamMember],
    phase_mix: Sequence[tuple[str, int]] = PHASE_MIX,
) -> int:
    """Give the batch's patients their courses (``members`` are their primary
    clinicians, in the same order); return the courses created. ``phase_mix``:
    how many courses are in each phase (the first entry: no course)."""
    programs = {program.code: program for program in Program.objects.all()}
    if len(programs) < len(PROGRAM_MIX):  # a flushed test database
        programs_ensure()
        programs = {program.code: program for program in Program.objects.all()}
    today = timezone.localdate()
    rows = Rows()
    for patient, member in zip(patients, members, strict=True):
        if _weighted(rng, phase_mix) == "none":
            continue
        program = programs[str(_weighted(rng, PROGRAM_MIX))]
        _course(rng, patient, member.staff, program, today, rows, phase_mix)
    _insert(rows)
    return len(rows.courses)


def finish(rng: random.Random, teams: Sequence[Team]) -> int:
    """After the last batch: reset the id sequences the inserts bypassed, then make one
    group per team for the group program, its members the team's open group-program
    courses past the initial phase (at most ten); the facilitators are the team's
    first two clinicians and join the members' care teams. Returns the groups made."""
    statements = connection.ops.sequence_reset_sql(no_style(), BULK_MODELS)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    program = Program.objects.get(code="group")
    teams = list(teams)
    clinicians: dict[int, list[Staff]] = {team.pk: [] for team in teams}
    for clinician in (
        Staff.objects.filter(role="clinician", teams__in=teams)
        .order_by("username")
        .annotate(team_id=models.F("teams"))
    ):
        if len(clinicians[clinician.team_id]) < FACILITATORS:
            clinicians[clinician.team_id].append(clinician)
    groups = Group.objects.bulk_create(
        Group(
            public_id=_uuid(rng),
            name=f"{team.site.name.split()[0]} evening group",
            program=program,
            team=team,
            starts_on=timezone.localdate() - timedelta(weeks=4),
        )
        for team in teams
        if clinicians[team.pk]
    )
    Group.facilitators.through.objects.bulk_create(
        Group.facilitators.through(group_id=group.pk, staff_id=staff.pk)
        for group in groups
        for staff in clinicians[group.team_id]
    )
    eligible = Course.objects.filter(
        program=program,
        patient__team__in=teams,
        phase__in=[Phase.MIDDLE, Phase.TERMINATION],
    ).order_by("id")
    members: list[GroupMember] = []
    joining: list[CareTeamMember] = []
    by_team = {group.team_id: group for group in groups}
    counts = dict.fromkeys(by_team, 0)
    for course, team_id in eligible.values_list("pk", "patient__team_id").iterator():
        group = by_team.get(team_id)
        if group is None or counts[team_id] >= group.max_members:
            continue
        counts[team_id] += 1
        members.append(GroupMember(group=group, course_id=course))
    GroupMember.objects.bulk_create(members)
    # The demo's care teams are the primary clinicians: the other facilitators join.
    primaries = dict(
        Course.objects.filter(pk__in=[m.course_id for m in members]).values_list(
            "pk", "patient_id"
        )
    )
    on_team = set(
        CareTeamMember.objects.filter(patient_id__in=primaries.values()).values_list(
            "patient_id", "staff_id"
        )
    )
    for member in members:
        patient_id = primaries[member.course_id]
        for facilitator in clinicians[member.group.team_id]:
            if (patient_id, facilitator.pk) not in on_team:
                joining.append(
                    CareTeamMember(
                        patient_id=patient_id,
                        staff=facilitator,
                        role=CareTeamRole.CLINICIAN,
                    )
                )
    CareTeamMember.objects.bulk_create(joining)
    return len(groups)
