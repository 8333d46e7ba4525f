"""Every resource type the API serves: where its rows come from, how a row becomes
resources, how it is searched and read, and the fhir.resources model that validates it.

Rows are always reached through the requester's patients (``Requester.patients``), so
the care-team rules, the client's site or team and the release rules apply to reads,
searches and the bulk export alike.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Prefetch, Q, QuerySet
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.fhirresourcemodel import FHIRResourceModel
from fhir.resources.R4B.goal import Goal
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient as FhirPatient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from accounts.models import Site, Staff
from disclosures.choices import TPO_RECIPIENT_KINDS, ConsentKind
from disclosures.models import Consent as ConsentRow
from interop import codes, date_search
from interop.resources import appointment as appointment_map
from interop.resources import care_plan as care_plan_map
from interop.resources import condition as condition_map
from interop.resources import consent as consent_map
from interop.resources import encounter as encounter_map
from interop.resources import episode_of_care as episode_map
from interop.resources import goal as goal_map
from interop.resources import observation as observation_map
from interop.resources import organization as organization_map
from interop.resources import patient as patient_map
from interop.resources import practitioner as practitioner_map
from interop.resources import practitioner_role as practitioner_role_map
from interop.resources import questionnaire as questionnaire_map
from interop.resources import questionnaire_response as response_map
from ipt.models import Course, CourseSession, GoalRating
from ipt.models import Goal as GoalRow
from measures.instruments import REGISTRY
from measures.models import Administration
from patients.models import Diagnosis, Patient
from scheduling.models import Attendee

if TYPE_CHECKING:
    from interop.requester import Requester


class BadParameter(ValueError):
    """A search parameter the API cannot use; the message says which and why."""


Filter = Callable[[QuerySet[Any], str], QuerySet[Any]]


@dataclass(frozen=True)
class ResourceType:
    """One FHIR resource type over one kind of database row."""

    name: str
    model: type[FHIRResourceModel]
    description: str
    convert: Callable[[Any], list[dict[str, Any]]]
    rows: Callable[[Requester], QuerySet[Any]]
    """Every row this requester may read, ordered by nothing yet."""
    read_filter: Callable[[QuerySet[Any], str], QuerySet[Any]]
    search: dict[str, Filter] = field(default_factory=dict)
    search_help: dict[str, str] = field(default_factory=dict)
    keyset: str = "public_id"
    """The unique column searches page on (``WHERE col > last ORDER BY col``)."""
    patient_of: Callable[[Any], Patient | None] = lambda row: None
    since_fields: tuple[str, ...] = ("updated_at",)
    """The columns whose change puts a row in a ``_since`` export: its own, and those
    of the rows its resource is built from (a goal's ratings, a plan's contract)."""
    exportable: bool = True
    keep: Callable[[dict[str, Any], dict[str, str]], bool] = lambda res, params: True
    """Drops resources of a row that a search does not ask for (one score of several)."""
    clinical: bool = True
    """Clinical content (not for registration-level access)."""
    unscoped: Callable[[], QuerySet[Any]] | None = None
    """For the bulk export: every row of the type before the patient filter, so chunks
    walk the primary-key index (the patient filter is then a set of ids in memory)."""
    patient_id_of: Callable[[Any], int | None] = lambda row: None

    @property
    def scope(self) -> str:
        return f"system/{self.name}.read"


def validated(resource_type: ResourceType, data: dict[str, Any]) -> dict[str, Any]:
    """Check a resource against the R4 model; raises pydantic's ``ValidationError``."""
    resource_type.model.model_validate(data)
    return data


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


# --- parameters ----------------------------------------------------------------------
def _uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadParameter(f"{what} must be an id this server gave out.") from None


def _patient_id(value: str) -> uuid.UUID:
    return _uuid(value.removeprefix("Patient/"), "patient")


def _token(value: str) -> tuple[str | None, str]:
    system, bar, code = value.rpartition("|")
    if not code:
        raise BadParameter("A token needs a code: [system|]code.")
    return (system if bar else None), code


def date_filter(column: str) -> Filter:
    """``date=[eq|ge|le|gt|lt]`` and a date or a date-time with a zone, on an instant
    column (``interop.date_search``: a day means the whole UTC day)."""

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        try:
            search = date_search.parse(value)
        except ValueError:
            raise BadParameter(
                "date must be YYYY, YYYY-MM, YYYY-MM-DD or a date-time with a zone "
                "(2026-03-05T10:00:00Z), after an optional eq, ge, le, gt or lt."
            ) from None
        return queryset.filter(date_search.instant_condition(column, search))

    return apply


# --- Patient -------------------------------------------------------------------------
def _patient_identifier(queryset: QuerySet[Patient], value: str) -> QuerySet[Patient]:
    system, code = _token(value)
    if system not in (None, codes.RECORD_NUMBER):
        return queryset.none()
    return queryset.filter(record_number=code.strip().upper())


PATIENT = ResourceType(
    name="Patient",
    model=FhirPatient,
    description="The person treated: identity, contact, language, emergency contact.",
    convert=lambda p: [patient_map.to_fhir(p)],
    rows=lambda r: Patient.objects.filter(pk__in=r.patients("Patient", clinical=False)),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={
        "identifier": _patient_identifier,
        "_id": lambda qs, v: qs.filter(public_id=_uuid(v, "_id")),
    },
    search_help={
        "identifier": f"The record number, [{codes.RECORD_NUMBER}|]value.",
        "_id": "The patient's id.",
    },
    patient_of=lambda p: p,
    clinical=False,
    unscoped=lambda: Patient.objects.all(),
    patient_id_of=lambda p: p.pk,
)


# --- Scores: QuestionnaireResponse and Observation -----------------------------------
def _administrations(requester: Requester, name: str) -> QuerySet[Administration]:
    return Administration.objects.filter(
        patient__in=requester.patients(name, clinical=True),
        superseded_at__isnull=True,
    ).select_related("patient")


EXPORT_SCORE_FIELDS = (
    "public_id",
    "patient",
    "patient__public_id",
    "instrument_id",
    "instrument_version",
    "answers",
    "extra_answers",
    "total",
    "band",
    "subscales",
    "administered_at",
    "source",
    "revision",
)
"""What the QuestionnaireResponse and Observation mappers read of a score and its
patient: the bulk export loads only these (reading every column of a score and its
patient cost 1.7 times the CPU). A field missing here would cost a query per row, not a
wrong resource: the export tests compare every resource with its single read."""


def _export_scores() -> QuerySet[Administration]:
    return (
        Administration.objects.filter(superseded_at__isnull=True, patient__isnull=False)
        .select_related("patient")
        .only(*EXPORT_SCORE_FIELDS)
    )


def by_patient(path: str = "patient") -> Filter:
    """``patient=[Patient/]<id>`` over the lookup path from a row to its patient."""

    def apply(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
        return queryset.filter(**{f"{path}__public_id": _patient_id(value)})

    return apply


_by_patient = by_patient()
PATIENT_HELP = "Patient/<id> or <id>."


def _questionnaire(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    canonical = value.partition("|")[0]
    instrument_id = canonical.removeprefix(codes.QUESTIONNAIRE_BASE).removeprefix(
        "Questionnaire/"
    )
    return queryset.filter(instrument_id=instrument_id)


QUESTIONNAIRE_RESPONSE = ResourceType(
    name="QuestionnaireResponse",
    model=QuestionnaireResponse,
    description="One completed rating scale: every answer as a coded option.",
    convert=lambda a: [response_map.to_fhir(a, str(a.patient.public_id))],
    rows=lambda r: _administrations(r, "QuestionnaireResponse"),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient, "questionnaire": _questionnaire},
    search_help={
        "patient": PATIENT_HELP,
        "questionnaire": f"{codes.QUESTIONNAIRE_BASE}<instrument> or its id.",
    },
    patient_of=lambda a: a.patient,
    unscoped=_export_scores,
    patient_id_of=lambda a: a.patient_id,
)


def _score_codes() -> dict[tuple[str, str], str]:
    """(system, code) → instrument id, for every score code the API gives out."""
    known: dict[tuple[str, str], str] = {}
    for instrument in REGISTRY.values():
        if instrument.loinc.total:
            known[(codes.LOINC, instrument.loinc.total)] = instrument.id
        known[(codes.SCORE, codes.score_code(instrument.id))] = instrument.id
        for subscale in instrument.subscales:
            code = codes.score_code(instrument.id, subscale.name)
            known[(codes.SCORE, code)] = instrument.id
    return known


SCORE_CODES = _score_codes()


def _observation_code(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    instruments = set()
    for one in value.split(","):
        system, code = _token(one)
        instruments |= {
            instrument
            for (known_system, known_code), instrument in SCORE_CODES.items()
            if known_code == code and system in (None, known_system)
        }
    return queryset.filter(instrument_id__in=sorted(instruments))


def _observation_keep(resource: dict[str, Any], params: dict[str, str]) -> bool:
    wanted = params.get("code")
    if not wanted:
        return True
    held = {(c["system"], c["code"]) for c in resource["code"]["coding"]}
    for one in wanted.split(","):
        system, code = _token(one)
        if any(c == code and system in (None, s) for s, c in held):
            return True
    return False


def _observation_read(queryset: QuerySet[Any], resource_id: str) -> QuerySet[Any]:
    administration, _, _number = resource_id.partition(".")
    return queryset.filter(public_id=_uuid(administration, "id"))


OBSERVATION = ResourceType(
    name="Observation",
    model=Observation,
    description=(
        "A total score or sub-score with its severity band, derived from its "
        "QuestionnaireResponse. A search page holds the scores of up to _count "
        "administrations."
    ),
    convert=lambda a: observation_map.to_fhir(a, str(a.patient.public_id)),
    rows=lambda r: _administrations(r, "Observation").filter(total__isnull=False),
    read_filter=_observation_read,
    search={
        "patient": _by_patient,
        "code": _observation_code,
        "date": date_filter("administered_at"),
    },
    search_help={
        "patient": "Patient/<id> or <id>.",
        "code": f"[system|]code: LOINC total codes or {codes.SCORE} codes; commas for or.",
        "date": "[eq|ge|le|gt|lt]YYYY[-MM[-DD]] or a date-time with a zone.",
    },
    patient_of=lambda a: a.patient,
    keep=_observation_keep,
    unscoped=lambda: _export_scores().filter(total__isnull=False),
    patient_id_of=lambda a: a.patient_id,
)


# --- Condition -----------------------------------------------------------------------
CONDITION = ResourceType(
    name="Condition",
    model=Condition,
    description="A diagnosis (ICD-10) with its rank, dates and note.",
    convert=lambda d: [
        condition_map.to_fhir(
            d,
            str(d.patient.public_id),
            str(d.recorded_by.public_id) if d.recorded_by_id else None,
        )
    ],
    rows=lambda r: Diagnosis.objects.filter(
        patient__in=r.patients("Condition", clinical=True)
    ).select_related("patient", "recorded_by"),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient},
    search_help={"patient": "Patient/<id> or <id>."},
    patient_of=lambda d: d.patient,
    unscoped=lambda: Diagnosis.objects.select_related("patient", "recorded_by"),
    patient_id_of=lambda d: d.patient_id,
)


# --- Practitioner and Organization (no patient data) ---------------------------------
def _practitioners(requester: Requester) -> QuerySet[Staff]:
    site_id = requester.site_id
    if site_id is None:
        return Staff.objects.none()
    return Staff.objects.filter(
        site_id=site_id, role__in=practitioner_map.PRACTITIONER_ROLES
    )


PRACTITIONER = ResourceType(
    name="Practitioner",
    model=Practitioner,
    description="A clinician, supervisor or intake coordinator of the requester's site.",
    convert=lambda s: [practitioner_map.to_fhir(s)],
    rows=_practitioners,
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
)


def _organization_rows(requester: Requester) -> QuerySet[Site]:
    site_id = requester.site_id
    if site_id is None:
        return Site.objects.none()
    return Site.objects.filter(pk=site_id).prefetch_related("teams")


def _organization_convert(site: Site) -> list[dict[str, Any]]:
    teams = sorted(site.teams.all(), key=lambda team: team.pk)
    return [organization_map.site_to_fhir(site)] + [
        organization_map.team_to_fhir(team) for team in teams
    ]


def _organization_read(queryset: QuerySet[Site], resource_id: str) -> QuerySet[Any]:
    kind, _, pk = resource_id.partition("-")
    if not pk.isdigit() or kind not in {"site", "team"}:
        return queryset.none()
    if kind == "team":
        return queryset.filter(teams__pk=int(pk))
    return queryset.filter(pk=int(pk))


def _role_read(queryset: QuerySet[Staff], resource_id: str) -> QuerySet[Any]:
    practitioner, _, _organization = resource_id.partition(".")
    return queryset.filter(public_id=_uuid(practitioner, "id"))


def _by_practitioner(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    return queryset.filter(
        public_id=_uuid(value.removeprefix("Practitioner/"), "practitioner")
    )


PRACTITIONER_ROLE = ResourceType(
    name="PractitionerRole",
    model=PractitionerRole,
    description=(
        "A staff member of the requester's site in each of their teams "
        "(<practitioner>.team-<n>), or at the site for someone in no team."
    ),
    convert=practitioner_role_map.to_fhir,
    rows=lambda r: _practitioners(r).prefetch_related("teams"),
    read_filter=_role_read,
    search={"practitioner": _by_practitioner},
    search_help={"practitioner": "Practitioner/<id> or <id>."},
)


ORGANIZATION = ResourceType(
    name="Organization",
    model=Organization,
    description="The requester's site (site-<n>) and its teams (team-<n>, part of it).",
    convert=_organization_convert,
    rows=_organization_rows,
    read_filter=_organization_read,
    keyset="pk",
)


# --- Questionnaire (data, not rows) --------------------------------------------------
QUESTIONNAIRE = ResourceType(
    name="Questionnaire",
    model=Questionnaire,
    description="Every shipped instrument; licensed wording withheld where required.",
    convert=lambda instrument: [questionnaire_map.to_fhir(instrument)],
    rows=lambda r: Administration.objects.none(),  # served from the registry
    read_filter=lambda qs, rid: qs,
    keyset="id",
    exportable=False,
)


# --- Sessions: Appointment and Encounter ----------------------------------------------
def _attendees() -> QuerySet[Attendee]:
    return Attendee.objects.select_related("appointment__clinician", "patient")


APPOINTMENT = ResourceType(
    name="Appointment",
    model=Appointment,
    description=(
        "One patient at one appointment (a group session's only names its own "
        "patient), with its status and the attendance recorded."
    ),
    convert=lambda a: [appointment_map.to_fhir(a)],
    rows=lambda r: _attendees().filter(
        patient__in=r.patients("Appointment", clinical=True)
    ),
    since_fields=("updated_at", "appointment__updated_at"),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient, "date": date_filter("appointment__starts_at")},
    search_help={
        "patient": PATIENT_HELP,
        "date": (
            "When it starts: [eq|ge|le|gt|lt]YYYY[-MM[-DD]] or a date-time with a zone."
        ),
    },
    patient_of=lambda a: a.patient,
    unscoped=_attendees,
    patient_id_of=lambda a: a.patient_id,
)


def _sessions() -> QuerySet[CourseSession]:
    return CourseSession.objects.select_related(
        "course__patient", "course__clinician", "attendee"
    )


def _by_session_date(queryset: QuerySet[Any], value: str) -> QuerySet[Any]:
    """``date=[eq|ge|le|gt|lt]YYYY[-MM[-DD]]`` on the day the session was held."""
    try:
        return queryset.filter(
            date_search.day_condition("held_on", date_search.parse(value))
        )
    except ValueError:
        raise BadParameter(
            "date must be YYYY, YYYY-MM or YYYY-MM-DD after an optional eq, ge, le, "
            "gt or lt."
        ) from None


ENCOUNTER = ResourceType(
    name="Encounter",
    model=Encounter,
    description=(
        "A session of a course as attendance recorded it (attended and numbered, or "
        "missed or cancelled), part of the course's EpisodeOfCare."
    ),
    convert=lambda s: [encounter_map.to_fhir(s)],
    rows=lambda r: _sessions().filter(
        course__patient__in=r.patients("Encounter", clinical=True)
    ),
    since_fields=("updated_at", "attendee__updated_at"),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={
        "patient": by_patient("course__patient"),
        "episode-of-care": lambda qs, v: qs.filter(
            course__public_id=_uuid(v.removeprefix("EpisodeOfCare/"), "episode-of-care")
        ),
        "date": _by_session_date,
    },
    search_help={
        "patient": PATIENT_HELP,
        "episode-of-care": "EpisodeOfCare/<id> or <id>: the course.",
        "date": "The day it was held: [eq|ge|le|gt|lt]YYYY[-MM[-DD]].",
    },
    patient_of=lambda s: s.course.patient,
    unscoped=_sessions,
    patient_id_of=lambda s: s.course.patient_id,
)


# --- The course: EpisodeOfCare, CarePlan, Goal --------------------------------------
def _courses() -> QuerySet[Course]:
    return Course.objects.select_related("patient", "clinician", "program")


def _plans() -> QuerySet[Course]:
    return (
        _courses().select_related("contract").prefetch_related("problem_areas", "goals")
    )


EPISODE_OF_CARE = ResourceType(
    name="EpisodeOfCare",
    model=EpisodeOfCare,
    description="A course of IPT, from opening to its end, on its program.",
    convert=lambda c: [episode_map.to_fhir(c)],
    rows=lambda r: _courses().filter(
        patient__in=r.patients("EpisodeOfCare", clinical=True)
    ),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient},
    search_help={"patient": PATIENT_HELP},
    patient_of=lambda c: c.patient,
    unscoped=_courses,
    patient_id_of=lambda c: c.patient_id,
)

CARE_PLAN = ResourceType(
    name="CarePlan",
    model=CarePlan,
    description=(
        "The IPT course as a plan: its phases and the treatment contract as "
        "activities, the problem areas it addresses, its goals."
    ),
    convert=lambda c: [care_plan_map.to_fhir(c)],
    rows=lambda r: _plans().filter(patient__in=r.patients("CarePlan", clinical=True)),
    since_fields=(
        "updated_at",
        "contract__updated_at",
        "problem_areas__updated_at",
        "goals__updated_at",
    ),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient},
    search_help={"patient": PATIENT_HELP},
    patient_of=lambda c: c.patient,
    unscoped=_plans,
    patient_id_of=lambda c: c.patient_id,
)


def _goals() -> QuerySet[GoalRow]:
    return GoalRow.objects.select_related("course__patient").prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.select_related("rated_by"))
    )


GOAL = ResourceType(
    name="Goal",
    model=Goal,
    description=(
        "A goal of the treatment contract for one problem area, with its GAS levels "
        "(−2..+2, in the clinic's words) and every rating."
    ),
    convert=lambda g: [goal_map.to_fhir(g)],
    rows=lambda r: _goals().filter(
        course__patient__in=r.patients("Goal", clinical=True)
    ),
    since_fields=("updated_at", "ratings__updated_at", "course__updated_at"),
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": by_patient("course__patient")},
    search_help={"patient": PATIENT_HELP},
    patient_of=lambda g: g.course.patient,
    unscoped=_goals,
    patient_id_of=lambda g: g.course.patient_id,
)


# --- Consent -------------------------------------------------------------------------
def _consents(requester: Requester) -> QuerySet[ConsentRow]:
    """Staff: the consents of their patients. A client: only the consents that name
    its recipient (a TPO consent names a class: every recipient of the TPO kinds);
    another recipient's consent is not its business, and a client without a
    recipient sees none."""
    consents = ConsentRow.objects.filter(
        patient__in=requester.patients("Consent", clinical=True)
    )
    client = requester.client
    if client is not None:
        recipient = client.recipient
        if recipient is None:
            return ConsentRow.objects.none()
        names = Q(recipients=recipient)
        if recipient.kind in TPO_RECIPIENT_KINDS:
            names |= Q(kind=ConsentKind.TPO)
        consents = consents.filter(pk__in=ConsentRow.objects.filter(names).values("pk"))
    return consents.select_related("patient").prefetch_related("scopes", "recipients")


CONSENT = ResourceType(
    name="Consent",
    model=Consent,
    description=(
        "A patient's written consent to disclose (42 CFR Part 2): what it covers, to "
        "whom, from when to when. A client sees only the consents naming it."
    ),
    convert=lambda c: [consent_map.to_fhir(c)],
    rows=_consents,
    read_filter=lambda qs, rid: qs.filter(public_id=_uuid(rid, "id")),
    search={"patient": _by_patient},
    search_help={"patient": PATIENT_HELP},
    patient_of=lambda c: c.patient,
)


TYPES: dict[str, ResourceType] = {
    t.name: t
    for t in (
        PATIENT,
        PRACTITIONER,
        PRACTITIONER_ROLE,
        ORGANIZATION,
        CONDITION,
        QUESTIONNAIRE,
        QUESTIONNAIRE_RESPONSE,
        OBSERVATION,
        APPOINTMENT,
        ENCOUNTER,
        EPISODE_OF_CARE,
        CARE_PLAN,
        GOAL,
        CONSENT,
    )
}
EXPORTABLE = [t.name for t in TYPES.values() if t.exportable]


def scope_names() -> dict[str, str]:
    scopes = {t.scope: f"Read {t.name} resources" for t in TYPES.values()}
    scopes["system/*.read"] = "Read every resource type"
    scopes["system/QuestionnaireResponse.write"] = "Submit questionnaire responses"
    return scopes


def patients_of(resource_type: ResourceType, rows: Iterable[Model]) -> list[Patient]:
    """The distinct patients of some rows, in order, for one audit row each."""
    seen: dict[int, Patient] = {}
    for row in rows:
        patient = resource_type.patient_of(row)
        if patient is not None:
            seen.setdefault(patient.pk, patient)
    return list(seen.values())
