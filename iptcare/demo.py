"""The demo clinic: two sites, staff in every role and synthetic patients.

Deterministic for a given seed, idempotent (a second run changes nothing), and fast at
scale (bulk inserts), so the same code fills a benchmark database with 100,000 patients.
From ``SCALED_FROM`` patients on, the clinic is laid out as a real service of that size
(``service_layout``): as many sites, teams and clinicians as the patients need, each
clinician with about ``OPEN_PER_CLINICIAN`` open courses, each supervisor leading 6–10
clinicians, a year of finished courses behind them, and one deliberately heavy team
(``HEAVY_SUPERVISOR`` leads a quarter of the clinicians) that the benchmark reports
apart. The named sign-ins keep their places: ``clinician`` and ``clinician2`` are on
``supervisor``'s team at the first site.
Names are invented; telephone numbers are from Ofcom's drama range (07700 900000–900999)
and e-mail addresses use example.org, so no real person can be reached by mistake.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.choices import CareTeamRole, Role
from accounts.models import Site, Staff, Team
from alerts import demo as alerts_demo
from audit import demo as audit_demo
from audit import services as audit
from audit.choices import Action
from ipt import demo as ipt_demo
from iptcare.lib.bulk import insert_rows
from measures.choices import RiskKind, Source
from measures.instruments import get as instrument_get
from measures.models import Administration, RiskEvent
from patients.choices import DiagnosisRank, Language, TreatmentKind
from patients.models import CareTeamMember, ConcurrentTreatment, Diagnosis, Patient
from patients.services import record_number_for
from portal import demo as portal_demo
from recovery import demo as recovery_demo
from referrals import demo as referrals_demo
from scheduling import demo as scheduling_demo
from supervision import demo as supervision_demo

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed to every demo user on purpose


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: Role
    site_index: int
    title: str = ""
    team_index: int | None = None  # default: the site's first team (index = site's)

    @property
    def team(self) -> int:
        return self.site_index if self.team_index is None else self.team_index


DEMO_STAFF = [
    DemoStaff("intake", "Imani", "Okafor", Role.INTAKE, 0, "Intake coordinator"),
    DemoStaff(
        "clinician", "Daniel", "Reyes", Role.CLINICIAN, 0, "Clinical psychologist"
    ),
    DemoStaff("clinician2", "Priya", "Natarajan", Role.CLINICIAN, 0, "IPT therapist"),
    DemoStaff(
        "supervisor", "Margaret", "Lindqvist", Role.SUPERVISOR, 0, "Clinical lead"
    ),
    DemoStaff(
        "admin", "Tom", "Whitfield", Role.ADMINISTRATOR, 0, "Service administrator"
    ),
    DemoStaff("clinician3", "Samuel", "Adeyemi", Role.CLINICIAN, 1, "IPT therapist"),
    DemoStaff("supervisor2", "Helen", "Brooks", Role.SUPERVISOR, 1, "Clinical lead"),
    DemoStaff("intake2", "Lucía", "Fernández", Role.INTAKE, 1, "Intake coordinator"),
]
DEMO_SIGN_INS = ["intake", "clinician", "clinician2", "supervisor", "admin", "lead"]

# --- The service's size ---------------------------------------------------------------
SCALED_FROM = 500  # below this, the small clinic of ``make run`` (eight staff)
OPEN_PER_CLINICIAN = 45  # open courses per clinician: 30–60 in a real service
TEAM_SIZE = 8  # clinicians per supervisor (6–10 in a real service)
TEAMS_PER_SITE = 4
HEAVY_SUPERVISOR = "supervisor-large"  # leads the very large team (the heavy case)
_SITE_NAMES = [
    "Eastgate Centre", "Westbrook Clinic", "Hillside Practice", "Harbour House",
    "Meadow Lane Clinic", "Parkview Centre", "Old Mill Clinic", "Station Road Centre",
]  # fmt: skip


@dataclass(frozen=True)
class ServiceLayout:
    """Where the staff work: sites, teams (site index, name) and every staff member."""

    sites: list[tuple[str, str]]  # name, address
    teams: list[tuple[int, str]]
    staff: list[DemoStaff]
    scaled: bool

    def clinicians(self) -> list[DemoStaff]:
        return [spec for spec in self.staff if spec.role == Role.CLINICIAN]


_SMALL_SITES = [
    ("Northside Recovery Centre", "1 North Street"),
    ("Riverside Clinic", "2 River Lane"),
]


def service_layout(patient_count: int) -> ServiceLayout:
    """The staff a service of ``patient_count`` patients (a year's courses) needs."""
    if patient_count < SCALED_FROM:
        return ServiceLayout(
            _SMALL_SITES, [(0, "IPT team"), (1, "IPT team")], DEMO_STAFF, False
        )
    open_share = ipt_demo.open_share(ipt_demo.YEAR_PHASE_MIX)
    clinicians = max(24, round(patient_count * open_share / OPEN_PER_CLINICIAN))
    heavy = max(12, clinicians // 4)
    rest = clinicians - heavy
    # Teams of about TEAM_SIZE clinicians, as even as they divide (6–10 each).
    count = max(2, round(rest / TEAM_SIZE))
    sizes = [
        rest // count + (1 if index < rest % count else 0) for index in range(count)
    ]
    sizes.append(heavy)  # the heavy team last
    site_count = max(2, -(-len(sizes) // TEAMS_PER_SITE))
    sites = _SMALL_SITES + [
        (
            _SITE_NAMES[i % len(_SITE_NAMES)]
            + (f" {i // len(_SITE_NAMES) + 1}" if i >= len(_SITE_NAMES) else ""),
            f"{i + 3} Example Street",
        )
        for i in range(site_count - 2)
    ]
    # Team 0 and 1 are the named teams of the first two sites; then round the sites.
    team_sites = [0, 1] + [(i + 2) % site_count for i in range(len(sizes) - 2)]
    teams = [
        (site, "IPT team" if index < 2 else f"IPT team {index + 1}")
        for index, site in enumerate(team_sites)
    ]
    teams[-1] = (teams[-1][0], "Citywide IPT team")
    staff = list(DEMO_STAFF)
    # Named clinicians count toward their team's size.
    taken = {0: 2, 1: 1}
    number = 0
    for index, size in enumerate(sizes):
        for _ in range(size - taken.get(index, 0)):
            number += 1
            staff.append(
                DemoStaff(
                    f"clinician-{number:03d}",
                    _GIVEN[number % len(_GIVEN)],
                    _FAMILY[(number * 7) % len(_FAMILY)],
                    Role.CLINICIAN,
                    team_sites[index],
                    "IPT therapist",
                    index,
                )
            )
        if index >= 2:
            username = (
                HEAVY_SUPERVISOR
                if index == len(sizes) - 1
                else f"supervisor-{index + 1:02d}"
            )
            staff.append(
                DemoStaff(
                    username,
                    _GIVEN[(index * 5) % len(_GIVEN)],
                    _FAMILY[(index * 3) % len(_FAMILY)],
                    Role.SUPERVISOR,
                    team_sites[index],
                    "Clinical lead",
                    index,
                )
            )
    for site in range(2, site_count):
        staff.append(
            DemoStaff(
                f"intake-{site + 1:02d}",
                _GIVEN[(site * 11) % len(_GIVEN)],
                _FAMILY[(site * 13) % len(_FAMILY)],
                Role.INTAKE,
                site,
                "Intake coordinator",
            )
        )
    return ServiceLayout(sites, teams, staff, True)


_GIVEN = [
    "Aisha",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hamza",
    "Isla",
    "Jamal",
    "Katie",
    "Liam",
    "Maya",
    "Nikhil",
    "Olivia",
    "Patrick",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zara",
    "Adam",
    "Bea",
    "Callum",
    "Dana",
    "Eli",
    "Fatima",
    "Gabriel",
    "Hannah",
    "Ivan",
    "Jess",
    "Kofi",
    "Leah",
    "Marco",
    "Nadia",
    "Owen",
    "Phoebe",
    "Ravi",
    "Sofia",
    "Theo",
    "Valentina",
    "Will",
    "Ximena",
    "Yara",
]
_FAMILY = [
    "Ahmed",
    "Baker",
    "Campbell",
    "Dimitrov",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jones",
    "Kowalski",
    "Lee",
    "Murphy",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Robinson",
    "Singh",
    "Taylor",
    "Usman",
    "Vasquez",
    "Walsh",
    "Xu",
    "Young",
    "Zielinski",
    "Ali",
    "Brown",
    "Chen",
    "Davies",
    "Edwards",
    "Flores",
    "Green",
    "Hernandez",
    "Iqbal",
    "Johnson",
    "Khan",
    "Lopez",
    "Morris",
    "Novak",
    "Okoye",
]
_PRONOUNS = ["she/her", "he/him", "they/them", "", "she/her", "he/him"]
_RELATIONS = ["partner", "mother", "father", "sister", "brother", "friend", "daughter"]
_PRIMARY_DIAGNOSES = ["F32.1", "F33.1", "F32.2", "F10.2", "F33.0", "F41.1", "F43.1"]
_SECONDARY_DIAGNOSES = ["F10.1", "F12.1", "F14.2", "F11.2", "F41.1", "F40.1", "F17.2"]
_MEDICATIONS = [
    ("Sertraline", "100 mg daily"),
    ("Naltrexone", "50 mg daily"),
    ("Buprenorphine", "8 mg daily"),
    ("Mirtazapine", "30 mg at night"),
    ("Acamprosate", "666 mg three times daily"),
]


def demo_loaded() -> bool:
    return Staff.objects.filter(username="clinician").exists()


def _staff(
    sites: list[Site], teams: list[Team], layout: ServiceLayout
) -> dict[str, Staff]:
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 is slow on purpose
    created: dict[str, Staff] = {}
    for spec in DEMO_STAFF:
        staff = Staff.objects.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            role=spec.role,
            site=sites[spec.site_index],
            professional_title=spec.title,
            password=password,
        )
        if spec.role in {Role.CLINICIAN, Role.SUPERVISOR}:
            staff.teams.add(teams[spec.team])
        created[spec.username] = staff
    # The service's other staff, in bulk (a large service has a few hundred).
    others = layout.staff[len(DEMO_STAFF) :]
    for staff in Staff.objects.bulk_create(
        Staff(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@example.org",
            role=spec.role,
            site=sites[spec.site_index],
            professional_title=spec.title,
            password=password,
        )
        for spec in others
    ):
        created[staff.username] = staff
    Staff.teams.through.objects.bulk_create(
        Staff.teams.through(
            staff_id=created[spec.username].pk, team_id=teams[spec.team].pk
        )
        for spec in others
        if spec.role in {Role.CLINICIAN, Role.SUPERVISOR}
    )
    return created


Primary = tuple[Staff, Team]  # a clinician of the scaled service and their team


def _primaries(
    layout: ServiceLayout, staff: dict[str, Staff], teams: list[Team]
) -> list[Primary]:
    """Scaled: every clinician in turn takes the next patient (each clinician the same
    share, so a team's size decides its caseload). Empty for the small clinic."""
    if not layout.scaled:
        return []
    return [(staff[spec.username], teams[spec.team]) for spec in layout.clinicians()]


def _patients(
    rng: random.Random,
    count: int,
    teams: list[Team],
    first_id: int,
    primaries: list[Primary] | None = None,
) -> list[Patient]:
    """``primaries``: the scaled service's clinicians, patient ``pk`` to the
    ``pk``-th in turn (its team is the clinician's)."""
    today = timezone.localdate()
    patients = []
    for index in range(count):
        pk = first_id + index
        given = rng.choice(_GIVEN)
        family = rng.choice(_FAMILY)
        dob = today - timedelta(days=rng.randint(18 * 365, 75 * 365))
        may_text = rng.random() < 0.7
        language = Language.SPANISH if rng.random() < 0.12 else Language.ENGLISH
        patients.append(
            Patient(
                id=pk,
                record_number=record_number_for(pk),
                given_name=given,
                family_name=family,
                preferred_name=given[:3] if rng.random() < 0.08 else "",
                date_of_birth=dob,
                pronouns=rng.choice(_PRONOUNS),
                phone=f"07700 900{rng.randint(0, 999):03d}",
                email=(
                    f"{given.lower()}.{family.lower().replace(chr(39), '')}{pk}@example.org"
                    if rng.random() < 0.8
                    else ""
                ),
                address=f"{rng.randint(1, 220)} Example Road, Testtown",
                may_leave_voicemail=rng.random() < 0.6,
                may_text=may_text,
                emergency_contact_name=f"{rng.choice(_GIVEN)} {family}",
                emergency_contact_relationship=rng.choice(_RELATIONS),
                emergency_contact_phone=f"07700 900{rng.randint(0, 999):03d}",
                preferred_language=language,
                interpreter_needed=language == Language.SPANISH and rng.random() < 0.3,
                team=(
                    primaries[pk % len(primaries)][1]
                    if primaries
                    else teams[0]
                    if index % 3
                    else teams[1]
                ),
            )
        )
    return patients


def _clinical_rows(
    rng: random.Random,
    patients: list[Patient],
    staff: dict[str, Staff],
    second_team: Team,
    primaries: list[Primary] | None = None,
) -> tuple[list[CareTeamMember], list[Diagnosis], list[ConcurrentTreatment]]:
    today = timezone.localdate()
    site0 = [staff["clinician"], staff["clinician2"]]
    members: list[CareTeamMember] = []
    diagnoses: list[Diagnosis] = []
    treatments: list[ConcurrentTreatment] = []
    for index, patient in enumerate(patients):
        if primaries:
            primary = primaries[patient.pk % len(primaries)][0]
        elif patient.team_id == second_team.id:
            primary = staff["clinician3"]
        else:
            primary = site0[index % 2]
        members.append(
            CareTeamMember(patient=patient, staff=primary, role=CareTeamRole.PRIMARY)
        )
        since = today - timedelta(days=rng.randint(20, 900))
        diagnoses.append(
            Diagnosis(
                patient=patient,
                code=rng.choice(_PRIMARY_DIAGNOSES),
                rank=DiagnosisRank.PRIMARY,
                diagnosed_on=since,
                recorded_by=primary,
            )
        )
        if rng.random() < 0.6:  # co-occurring disorders are the rule in this service
            diagnoses.append(
                Diagnosis(
                    patient=patient,
                    code=rng.choice(_SECONDARY_DIAGNOSES),
                    rank=DiagnosisRank.SECONDARY,
                    diagnosed_on=since - timedelta(days=rng.randint(0, 400)),
                    recorded_by=primary,
                )
            )
        if rng.random() < 0.45:
            name, dose = rng.choice(_MEDICATIONS)
            treatments.append(
                ConcurrentTreatment(
                    patient=patient,
                    kind=TreatmentKind.MEDICATION,
                    medication_name=name,
                    dose=dose,
                    prescriber="Dr A. Example (GP)",
                    started_on=since,
                    recorded_by=primary,
                )
            )
        if rng.random() < 0.3:
            kind = rng.choice(
                [TreatmentKind.GROUP, TreatmentKind.DBT, TreatmentKind.CBT]
            )
            treatments.append(
                ConcurrentTreatment(
                    patient=patient,
                    kind=kind,
                    description={
                        TreatmentKind.GROUP: "Recovery group, weekly",
                        TreatmentKind.DBT: "DBT skills group",
                        TreatmentKind.CBT: "CBT for insomnia",
                    }[kind],
                    provider="Community recovery service",
                    started_on=since + timedelta(days=rng.randint(0, 60)),
                    recorded_by=primary,
                )
            )
    return members, diagnoses, treatments


# --- Rating scales: a PHQ-9 and a GAD-7 at each weekly session ----------------------
# Hundreds of thousands of rows: they are written as plain tuples in one executemany per
# batch (bulk_create would build a model instance per row and, on SQLite, split the batch
# at 999 parameters, about 40 administrations a statement). The scores still come from
# the pure scorer, once for each distinct set of answers.
_ADMINISTRATION_COLUMNS = (
    "id", "public_id", "series", "revision", "patient_id", "instrument_id",
    "instrument_version", "answers", "extra_answers", "total", "band", "caseness",
    "critical_items", "subscales", "flags", "incomplete_reason", "administered_at",
    "entered_by_id", "source", "supersedes_id", "superseded_at", "correction_reason",
    "created_at", "updated_at",
)  # fmt: skip
_RISK_EVENT_COLUMNS = (
    "public_id", "patient_id", "administration_id", "kind", "instrument_id",
    "item_number", "answer_position", "answer_score", "acknowledged_at",
    "acknowledged_by_id", "created_at", "updated_at",
)  # fmt: skip


def _json(value: object) -> object:
    return connection.ops.adapt_json_value(value, None)


@cache
def _scored(instrument_id: str, answers: tuple[int, ...]) -> tuple[object, ...]:
    """The score columns of an administration, ready for the database."""
    score = instrument_get(instrument_id).score(list(answers))
    return (
        _json(list(answers)),
        _json([]),
        score.total,
        score.band or "",
        score.caseness,
        _json(list(score.critical)),
        _json(dict(score.subscales)),
        _json(list(score.flags)),
        score.reason or "",
    )


def _answers_for(rng: random.Random, total: int, items: int) -> tuple[int, ...]:
    """Item answers (0–3) adding up to ``total``, spread evenly, the remainder at random."""
    total = max(0, min(total, 3 * items))
    base, extra = divmod(total, items)
    answers = [base] * items
    for index in rng.sample(range(items), extra):
        answers[index] += 1
    return tuple(answers)


def _measure_rows(
    rng: random.Random,
    patients: list[Patient],
    members: list[CareTeamMember],
    first_id: int,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Three patients in four have been measured weekly for 1–12 weeks: most improve,
    some stay where they started, a few get worse; a few answer PHQ-9 item 9 above 0 early
    on, and each such answer has its risk event (acknowledged unless it is recent)."""
    ops = connection.ops
    uuid_hex = not connection.features.has_native_uuid_field
    now = timezone.now()
    today = timezone.localdate()
    version = {i: instrument_get(i).version for i in ("phq9", "gad7")}

    def new_uuid() -> object:
        value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return value.hex if uuid_hex else value

    administrations: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    next_id = first_id
    for patient, member in zip(patients, members, strict=True):
        if rng.random() >= 0.75:
            continue
        weeks = rng.randint(1, 12)
        first_day = today - timedelta(days=7 * (weeks - 1) + rng.randint(0, 6))
        first_at = timezone.make_aware(
            datetime.combine(
                first_day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45]))
            )
        )
        start = rng.randint(5, 9) if rng.random() < 0.15 else rng.randint(10, 24)
        outcome = rng.random()
        if outcome < 0.55:
            end = start * rng.uniform(0.15, 0.55)
        elif outcome < 0.85:
            end = start + rng.uniform(-3, 2)
        else:
            end = start + rng.uniform(2, 6)
        anxiety = min(1.0, max(0.2, rng.gauss(0.7, 0.15)))
        risk_weeks = rng.randint(1, 2) if start >= 15 and rng.random() < 0.12 else 0
        staff_id = member.staff_id
        for week in range(weeks):
            when = min(first_at + timedelta(weeks=week), now - timedelta(minutes=30))
            level = start + (end - start) * min(1.0, week / 12) + rng.gauss(0, 1.5)
            item9 = 1 if week < risk_weeks else 0
            phq = (*_answers_for(rng, round(level) - item9, 8), item9)
            gad = _answers_for(rng, round(level * anxiety + rng.gauss(0, 1)), 7)
            for offset, (instrument_id, answers) in enumerate(
                (("phq9", phq), ("gad7", gad))
            ):
                at = ops.adapt_datetimefield_value(when + timedelta(minutes=2 * offset))
                administrations.append(
                    (
                        next_id, new_uuid(), new_uuid(), 1, patient.pk, instrument_id,
                        version[instrument_id], *_scored(instrument_id, answers), at,
                        staff_id, Source.CLINICIAN.value, None, None, "", at, at,
                    )
                )  # fmt: skip
                if instrument_id == "phq9" and item9:
                    recent = now - when < timedelta(days=2)
                    acknowledged = ops.adapt_datetimefield_value(
                        when + timedelta(hours=3)
                    )
                    events.append(
                        (
                            new_uuid(), patient.pk, next_id, RiskKind.SUICIDE_RISK.value,
                            "phq9", 9, item9, item9, None if recent else acknowledged,
                            None if recent else staff_id, at, at,
                        )
                    )  # fmt: skip
                next_id += 1
    return administrations, events


def _insert_rows(
    model: type[models.Model], columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    insert_rows(model._meta.db_table, columns, rows)


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Patient, Administration, RiskEvent]
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@transaction.atomic
def load_demo_clinic(*, seed: int, patient_count: int, batch_size: int = 2000) -> int:
    """Create the demo clinic unless it is there already; return patients created."""
    if settings.PRODUCTION:
        raise RuntimeError("The demo clinic is never loaded under production settings.")
    if demo_loaded():
        return 0
    rng = random.Random(seed)
    layout = service_layout(patient_count)
    sites = [
        Site.objects.create(name=name, address=address)
        for name, address in layout.sites
    ]
    teams = [
        Team.objects.create(site=sites[site], name=name) for site, name in layout.teams
    ]
    staff = _staff(sites, teams, layout)
    primaries = _primaries(layout, staff, teams)
    phase_mix = ipt_demo.YEAR_PHASE_MIX if layout.scaled else ipt_demo.PHASE_MIX
    first_id = (
        Patient.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    # Scores have their own generator: the patients are the same with or without them.
    measures_rng = random.Random(f"measures-{seed}")
    next_id = (
        Administration.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ) + 1
    # Courses too: the IPT app's own generator (ipt/demo.py).
    ipt_rng = random.Random(f"ipt-{seed}")
    created = 0
    for start in range(0, patient_count, batch_size):
        size = min(batch_size, patient_count - start)
        patients = Patient.objects.bulk_create(
            _patients(rng, size, teams, first_id + start, primaries),
            batch_size=batch_size,
        )
        members, diagnoses, treatments = _clinical_rows(
            rng, patients, staff, teams[1], primaries
        )
        CareTeamMember.objects.bulk_create(members, batch_size=batch_size)
        Diagnosis.objects.bulk_create(diagnoses, batch_size=batch_size)
        ConcurrentTreatment.objects.bulk_create(treatments, batch_size=batch_size)
        administrations, events = _measure_rows(
            measures_rng, patients, members, next_id
        )
        _insert_rows(Administration, _ADMINISTRATION_COLUMNS, administrations)
        _insert_rows(RiskEvent, _RISK_EVENT_COLUMNS, events)
        next_id += len(administrations)
        ipt_demo.load_courses(ipt_rng, patients, members, phase_mix)
        created += size
    ipt_demo.finish(ipt_rng, teams)
    # Calendars from the courses: appointments, attendance, bookings (scheduling/demo.py).
    scheduling_demo.load_appointments(
        random.Random(f"scheduling-{seed}"), batch_size=batch_size
    )
    # The portal: diary weeks and homework for courses in their middle phase.
    portal_demo.load_portal(random.Random(f"portal-{seed}"))
    # Recovery: use, tests, sobriety, medication, supporters (recovery/demo.py).
    recovery_demo.load_recovery(random.Random(f"recovery-{seed}"))
    # Alerts last, from the risk answers and courses above (alerts/demo.py).
    alerts_demo.load_alerts(random.Random(f"alerts-{seed}"))
    _reset_sequences()
    # Intake: the queue, the waiting lists, and a referral behind each course of the
    # past year (referrals/demo.py); last, as it reads the courses above.
    referrals_demo.load_referrals(
        random.Random(f"referrals-{seed}"), batch_size=batch_size
    )
    # The service level: a clinical lead, supervision notes, the dashboard's figures.
    supervision_demo.load_supervision(
        random.Random(f"supervision-{seed}"), password=DEMO_PASSWORD
    )
    # A year of reads in the audit trail, as long as a service's (audit/demo.py).
    audit_demo.load_history(random.Random(f"audit-{seed}"))
    audit.record(
        actor=None, action=Action.CREATE, category="demo", detail=f"patients={created}"
    )
    return created
