"""Record and directory versions move in the database itself, on every path a row can
be written by: save, QuerySet.update, bulk_create, delete (with Django's cascades)
and raw SQL (docs/decisions/0063)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from accounts.models import Staff, Team
from accounts.tests.factories import StaffFactory
from audit import services as audit
from audit.choices import Action
from disclosures.tests.factories import ConsentFactory
from ipt.models import Goal, Group, GroupMember, GroupSession
from iptcare.demo import load_demo_clinic
from patients import record_version_triggers as triggers
from patients.models import Diagnosis, DirectoryVersion, Patient, RecordVersion
from patients.record_version import (
    directory_version,
    directory_version_and_rows,
    intake_version,
    list_versions,
    record_versions,
    record_versions_sum,
    with_versions,
)
from patients.tests.factories import DiagnosisFactory, PatientFactory

pytestmark = pytest.mark.django_db

Versions = dict[int, int]


def _versions() -> Versions:
    return dict(RecordVersion.objects.values_list("patient_id", "version"))


def _moved(before: Versions) -> set[int]:
    after = _versions()
    return {
        pk for pk in before.keys() | after.keys() if before.get(pk) != after.get(pk)
    }


def _patients_of(
    model: type[models.Model], pk: Any, paths: tuple[str, ...]
) -> set[int]:
    found: set[int] = set()
    for path in paths:
        found |= {
            v
            for v in model._default_manager.filter(pk=pk).values_list(path, flat=True)
            if v is not None
        }
    return found


# --- a real row of every model ------------------------------------------------------


def _value(field: models.Field[Any, Any]) -> Any:
    """A valid value of a required column, for models the demo leaves empty."""
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal(1)
    if isinstance(field, models.IntegerField | models.FloatField):
        return 1
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.EmailField):
        return "someone@example.org"
    if isinstance(field, models.CharField | models.TextField):
        return f"x{uuid.uuid4().hex}"[: field.max_length or 40]
    raise NotImplementedError(f"{field!r}: no generic value")


def _row_of(model: type[models.Model], patient: Patient) -> models.Model:
    """A row of ``model`` belonging to ``patient``: one the demo made, else a new one
    whose keys name the patient's own rows (and any staff, team, list entry)."""
    paths = triggers.classify(model).patient_paths
    for path in paths:
        lookup = "pk" if path == "pk" else path
        row = model._default_manager.filter(**{lookup: patient.pk}).first()
        if row is not None:
            return row
    factories = {"disclosures.Consent": lambda: ConsentFactory(patient=patient)}
    if model._meta.label in factories:
        return factories[model._meta.label]()  # type: ignore[no-any-return]
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.has_default():
            continue
        if field.null and getattr(field, "related_model", None) is not Patient:
            continue
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            if target is Patient:
                values[field.attname] = patient.pk
            elif triggers.classify(target).patient_paths:  # type: ignore[arg-type]
                values[field.attname] = _row_of(target, patient).pk  # type: ignore[arg-type]
            else:
                parent = target._default_manager.first() or _row_of(target, patient)  # type: ignore[union-attr, arg-type]
                values[field.attname] = parent.pk
        elif not getattr(field, "auto_now", False) and not getattr(
            field, "auto_now_add", False
        ):
            values[field.name] = _value(field)
    values.update(GIVEN.get(model._meta.label, {}))
    return model._default_manager.create(**values)


@pytest.fixture
def demo() -> list[Patient]:
    load_demo_clinic(seed=2026, patient_count=60)
    return list(Patient.objects.order_by("pk"))


# Values a table's check constraints ask for, where the first choice will not do.
GIVEN: dict[str, dict[str, Any]] = {"disclosures.Disclosure": {"to_patient": True}}

# Rows the database itself refuses to change (ipt.0003): a draft note, and addenda
# only ever added.
CHANGEABLE = {"ipt.SessionNote": {"status": "draft"}}
ADDED_ONLY = {"ipt.NoteAddendum"}


def _belonging(
    model: type[models.Model], paths: tuple[str, ...], demo: list[Patient]
) -> models.Model:
    """A row with patients, from the demo's first patients with one."""
    for path in paths:
        lookup = "pk" if path == "pk" else path
        row = (
            model._default_manager.filter(**{f"{lookup}__isnull": False})
            .filter(**CHANGEABLE.get(model._meta.label, {}))
            .first()
        )
        if row is not None:
            return row
    # None yet: a new one, for the first patient whose record has what it needs.
    errors: list[str] = []
    for patient in demo:
        try:
            with transaction.atomic():
                row = _row_of(model, patient)
        except IntegrityError as refused:
            errors.append(str(refused))
            continue
        if _patients_of(model, row.pk, paths):
            return row
    raise AssertionError(f"{model._meta.label}: no row with a patient: {set(errors)}")


def _delete(model: type[models.Model], pk: Any) -> None:
    try:
        with transaction.atomic():
            model._default_manager.filter(pk=pk).delete()
    except (ProtectedError, RestrictedError):
        # Kept by another table's PROTECT: the bare DELETE statement, whose foreign
        # key checks wait for a commit this test never makes.
        model._default_manager.filter(pk=pk)._raw_delete(connection.alias)  # type: ignore[attr-defined]


def _check_every_way(
    model: type[models.Model], paths: tuple[str, ...], demo: list[Patient]
) -> list[str]:
    """Each way of writing a row moves exactly its patients' versions."""
    problems = []
    row = _belonging(model, paths, demo)
    pk = row.pk
    patients = _patients_of(model, pk, paths)
    values = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}

    def expect(how: str, before: Versions, expected: set[int]) -> None:
        moved = _moved(before)
        if moved != expected:
            problems.append(
                f"{model._meta.label}, {how}: moved {moved}, expected {expected}"
            )

    if model._meta.label in ADDED_ONLY:
        for how, add in [
            ("save() of a new row", lambda new: models.Model.save(new)),
            ("bulk_create()", lambda new: model._default_manager.bulk_create([new])),
        ]:
            new = model(**values)
            new.pk = None
            for f in model._meta.concrete_fields:
                if isinstance(f, models.UUIDField) and f.unique:
                    setattr(new, f.attname, uuid.uuid4())
            before = _versions()
            add(new)
            expect(how, before, patients)
        return problems

    # Django's save itself: some models refuse a save of their own (a signed note).
    before = _versions()
    models.Model.save(row)
    expect("save()", before, patients)

    field = next(f for f in model._meta.concrete_fields if not f.primary_key)
    before = _versions()
    model._default_manager.filter(pk=pk).update(**{field.name: F(field.name)})
    expect("QuerySet.update()", before, patients)

    before = _versions()
    _delete(model, pk)
    expect("delete()", before, patients)

    before = _versions()
    models.Model.save(model(**values), force_insert=True)
    expect("save() of a new row", before, _patients_of(model, pk, paths))

    now = _patients_of(model, pk, paths)
    before = _versions()
    _delete(model, pk)
    expect("delete() of the new row", before, now)

    before = _versions()
    model._default_manager.bulk_create([model(**values)])
    expect("bulk_create()", before, _patients_of(model, pk, paths))
    return problems


def test_every_patient_table_moves_its_patients_and_no_other(
    demo: list[Patient],
) -> None:
    problems = []
    checked = []
    for c in triggers.classification():
        if not c.patient_paths or c.model is Patient:
            continue
        # Each model on the whole demo clinic: what one did is undone for the next.
        with transaction.atomic():
            problems += _check_every_way(c.model, c.patient_paths, demo)
            transaction.set_rollback(True)
        checked.append(c.model._meta.label)
    assert not problems, "\n".join(problems)
    assert "ipt.NoteAddendum" in checked and "scheduling.Appointment" in checked


def test_a_patient_moves_its_own_version_and_takes_it_away() -> None:
    before = _versions()
    patient = PatientFactory()
    assert _moved(before) == {patient.pk}
    before = _versions()
    patient.given_name = "Ada"
    patient.save()
    assert _moved(before) == {patient.pk}
    before = _versions()
    Patient.objects.filter(pk=patient.pk).update(
        team=Team.objects.create(site=patient.team.site, name="Other")
    )
    assert _moved(before) == {patient.pk}
    patient.delete()
    assert not RecordVersion.objects.filter(patient_id=patient.pk).exists()


def _teams_in_versions() -> dict[int, int | None]:
    return dict(RecordVersion.objects.values_list("patient_id", "team_id"))


def _teams_of_patients() -> dict[int, int]:
    return dict(Patient.objects.values_list("pk", "team_id"))


def test_each_version_names_its_patients_team_by_every_path(clinic: Any) -> None:
    """The team a version row carries (decisions/0075) is the patient's, after
    create, save, ``QuerySet.update``, bulk create, raw SQL, and a write to another
    of the patient's rows: the caseload review reads a team's versions by it."""
    patient = PatientFactory(team=clinic.team_a)
    assert _teams_in_versions() == _teams_of_patients()
    patient.team = clinic.team_b
    patient.save()
    assert _teams_in_versions()[patient.pk] == clinic.team_b.pk
    Patient.objects.filter(pk=patient.pk).update(team=clinic.team_a)
    assert _teams_in_versions()[patient.pk] == clinic.team_a.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_patient SET team_id = %s WHERE id = %s",
            [clinic.team_b.pk, patient.pk],
        )
    assert _teams_in_versions()[patient.pk] == clinic.team_b.pk
    Patient.objects.bulk_create(
        [
            Patient(
                team=clinic.team_a,
                record_number=f"BULK-{n}",
                given_name="Bulk",
                family_name=f"Made{n}",
                date_of_birth=datetime.date(1980, 1, 1),
            )
            for n in range(3)
        ]
    )
    DiagnosisFactory(patient=patient)
    assert _teams_in_versions() == _teams_of_patients()


def test_migrate_sets_every_patients_team_on_their_version(clinic: Any) -> None:
    """Migrations run without the triggers: installing them again sets each
    patient's team on their version row, and gives a patient with no row one at
    version 0 (what a missing row reads as), moving no version."""
    patient = PatientFactory(team=clinic.team_a)
    RecordVersion.objects.filter(pk=clinic.patient.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_recordversion SET team_id = %s WHERE patient_id = %s",
            [clinic.team_b.pk, patient.pk],
        )
    versions = _versions()
    triggers.install(connection, migrated=True)
    assert _teams_in_versions() == _teams_of_patients()
    assert _versions() == {**versions, clinic.patient.pk: 0}


def test_a_deleted_patient_takes_its_rows_with_it() -> None:
    """Django deletes the children first: none of their triggers brings the
    version row back for a patient about to go."""
    diagnosis = DiagnosisFactory()
    diagnosis.patient.delete()
    assert not RecordVersion.objects.exists()


def test_raw_sql_moves_the_patient() -> None:
    diagnosis, other = DiagnosisFactory(), DiagnosisFactory()
    before = _versions()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE patients_diagnosis SET note = 'raw' WHERE id = %s", [diagnosis.pk]
        )
    assert _moved(before) == {diagnosis.patient_id}
    assert other.patient_id not in _moved(before)


def test_a_row_moved_between_patients_moves_both(clinic: Any) -> None:
    diagnosis = DiagnosisFactory(patient=clinic.patient)
    before = _versions()
    Diagnosis.objects.filter(pk=diagnosis.pk).update(patient=clinic.patient_other_site)
    assert _moved(before) == {clinic.patient.pk, clinic.patient_other_site.pk}

    from ipt.tests.factories import CourseFactory, GoalFactory

    goal = GoalFactory(course=CourseFactory(patient=clinic.patient))
    elsewhere = CourseFactory(patient=clinic.patient_other_site)
    before = _versions()
    Goal.objects.filter(pk=goal.pk).update(course=elsewhere)
    assert _moved(before) == {clinic.patient.pk, clinic.patient_other_site.pk}


def test_a_meeting_and_a_group_move_every_member(demo: list[Patient]) -> None:
    from scheduling.models import Appointment

    appointment = (
        Appointment.objects.annotate(
            n=models.Count("attendees__patient", distinct=True)
        )
        .filter(n__gt=1)
        .first()
    )
    assert appointment is not None, "the demo books group meetings"
    members = set(appointment.attendees.values_list("patient_id", flat=True))
    before = _versions()
    Appointment.objects.filter(pk=appointment.pk).update(place="Room 2")
    assert _moved(before) == members

    group = Group.objects.annotate(n=models.Count("members")).filter(n__gt=1).first()
    assert group is not None, "the demo runs groups"
    members = set(
        GroupMember.objects.filter(group=group).values_list(
            "course__patient", flat=True
        )
    )
    before = _versions()
    group.save()
    assert _moved(before) == members
    before = _versions()
    GroupSession.objects.bulk_create(
        [
            GroupSession(
                group=group,
                held_on=timezone.localdate(),
                number=99,
                recorded_by=Staff.objects.first(),
            )
        ]
    )
    assert _moved(before) == members
    before = _versions()
    group.facilitators.add(StaffFactory())
    assert _moved(before) == members


def test_directory_tables_move_the_directory_and_no_patient(
    demo: list[Patient],
) -> None:
    problems = []
    for c in triggers.classification():
        if not c.directory:
            continue
        model = c.model
        row = model._default_manager.first()
        if row is None:
            row = _row_of(model, demo[0])
        field = next(f for f in model._meta.concrete_fields if not f.primary_key)
        directory, patients = directory_version(), _versions()
        row.save()
        if directory_version() <= directory or _moved(patients):
            problems.append(f"{model._meta.label}, save()")
        if model is Staff:
            continue  # a staff row moves it on a change only, tested below
        directory, patients = directory_version(), _versions()
        model._default_manager.filter(pk=row.pk).update(**{field.name: F(field.name)})
        if directory_version() <= directory or _moved(patients):
            problems.append(f"{model._meta.label}, QuerySet.update()")
    assert not problems, problems


def test_signing_in_moves_nothing_and_a_change_of_name_does(client: Any) -> None:
    staff = StaffFactory(password="pw-for-test")
    directory = directory_version()
    Staff.objects.filter(pk=staff.pk).update(last_login=timezone.now())
    staff.refresh_from_db()
    staff.last_login = timezone.now()
    staff.save(update_fields=["last_login"])
    assert directory_version() == directory
    staff.first_name = "Grace"
    staff.save()
    assert directory_version() > directory


def test_audit_rows_move_nothing(clinic: Any) -> None:
    before, directory = _versions(), directory_version()
    audit.record(
        actor=clinic.therapist_on_team,
        action=Action.VIEW,
        category="patient",
        patient=clinic.patient,
    )
    assert not _moved(before)
    assert directory_version() == directory


def test_versions_never_go_back() -> None:
    diagnosis = DiagnosisFactory()
    patient = diagnosis.patient
    first = record_versions([patient.pk])[patient.pk]
    Diagnosis.objects.filter(patient=patient).delete()
    deleted = record_versions([patient.pk])[patient.pk]
    DiagnosisFactory(patient=patient)
    assert first < deleted < record_versions([patient.pk])[patient.pk]
    # A version is never issued twice, patients' and directory's alike.
    other = PatientFactory()
    assert (
        record_versions([other.pk])[other.pk]
        > record_versions([patient.pk])[patient.pk]
    )
    assert directory_version() > 0


# A new diagnosis row each time: the only row two writers share is the version's.
_DIAGNOSIS_INSERT = (
    "INSERT INTO patients_diagnosis (public_id, patient_id, code, rank,"
    " diagnosed_on, note, recorded_by_id, created_at, updated_at)"
    " VALUES (gen_random_uuid(), %s, 'F32.1', 'primary', CURRENT_DATE, '', %s,"
    " now(), now())"
)

_T = TypeVar("_T")


def _while_a_waits(
    b_first: Callable[[Any], None],
    a_writes: tuple[str, list[Any]],
    b_then: Callable[[Any], _T],
) -> _T:
    """PostgreSQL, two connections: B does ``b_first`` and holds its locks; A sends
    ``a_writes`` and waits for them; B does ``b_then`` (its result returned) and
    commits; A then commits."""
    import threading
    import time

    import psycopg

    settings = connection.settings_dict
    dsn = (
        f"dbname={settings['NAME']} user={settings['USER']} "
        f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432}"
    )
    failures: list[BaseException] = []

    def write_as_a(a: psycopg.Connection[Any]) -> None:
        try:
            a.execute(*a_writes)
            a.commit()
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    with psycopg.connect(dsn) as b, psycopg.connect(dsn) as a:
        b_first(b)
        a_pid = a.info.backend_pid
        waited = threading.Thread(target=write_as_a, args=(a,))
        waited.start()
        # Until A's statement is waiting for B's lock (however slow the machine).
        for _ in range(200):
            locked = b.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [a_pid]
            ).fetchone()
            if locked and locked[0] == "Lock":
                break
            time.sleep(0.05)
        else:
            pytest.fail("A never waited for B's lock")
        result = b_then(b)
        b.commit()
        waited.join(timeout=30)
        assert not waited.is_alive()
    assert not failures, failures
    return result


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_waited_for_another_never_sets_a_lower_version() -> None:
    """PostgreSQL: B holds the patient's version row; A writes the same patient and
    waits; B writes again and commits. A's write must leave a version above B's, not
    the value A drew before it waited (the sum a list is kept under must only rise)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    patient = PatientFactory()
    row = [patient.pk, StaffFactory().pk]

    def b_writes_again(b: Any) -> int:
        b.execute(_DIAGNOSIS_INSERT, row)
        # What B commits, read in B's own transaction: once B commits, A may commit
        # before any other connection reads, and would be read as B's.
        committed = b.execute(
            "SELECT version FROM patients_recordversion WHERE patient_id = %s",
            [patient.pk],
        ).fetchone()
        assert committed is not None
        return int(committed[0])

    committed_by_b = _while_a_waits(
        lambda b: b.execute(_DIAGNOSIS_INSERT, row),  # B holds the version row
        (_DIAGNOSIS_INSERT, row),
        b_writes_again,
    )
    assert record_versions([patient.pk])[patient.pk] > committed_by_b


@pytest.mark.django_db(transaction=True)
def test_a_writer_that_waited_behind_a_move_to_another_team_keeps_the_new_team(
    clinic: Any,
) -> None:
    """PostgreSQL: B moves the patient to another team and holds their version row;
    A writes a diagnosis of theirs, reading the team as its statement began, and
    waits. Once B commits, A's write must leave the version row naming the new team
    (a review found A putting the old one back, decisions/0075): the new team's
    supervisor's review would have stayed kept without the patient."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time")
    from supervision.selectors import review_versions

    patient = PatientFactory(team=clinic.team_a)
    before = review_versions(clinic.supervisor_other_team)
    _while_a_waits(
        lambda b: b.execute(
            "UPDATE patients_patient SET team_id = %s WHERE id = %s",
            [clinic.team_b.pk, patient.pk],
        ),
        (_DIAGNOSIS_INSERT, [patient.pk, StaffFactory().pk]),
        lambda b: None,
    )
    assert RecordVersion.objects.get(pk=patient.pk).team_id == clinic.team_b.pk
    assert review_versions(clinic.supervisor_other_team) != before


def test_a_patients_first_version_row_names_their_team(clinic: Any) -> None:
    """A patient with no version row yet (never written since the versions began):
    the first write of any of their rows creates it with their team."""
    patient = PatientFactory(team=clinic.team_b)
    RecordVersion.objects.filter(pk=patient.pk).delete()
    DiagnosisFactory(patient=patient)
    assert RecordVersion.objects.get(pk=patient.pk).team_id == clinic.team_b.pk


@pytest.mark.django_db(transaction=True)
def test_a_migrate_back_before_the_teams_keeps_every_trigger() -> None:
    """Back to patients.0006 the version rows have no team: the triggers are
    installed without it, and versions still move; forward again, with it."""
    from django.core.management import call_command

    def triggers_installed() -> int:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT COUNT(*) FROM pg_trigger WHERE starts_with(tgname, %s)",
                    [triggers.TRIGGER_PREFIX],
                )
            else:
                cursor.execute(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
                    " AND substr(name, 1, %s) = %s",
                    [len(triggers.TRIGGER_PREFIX), triggers.TRIGGER_PREFIX],
                )
            return int(cursor.fetchone()[0])

    installed = triggers_installed()
    assert installed > 100
    try:
        call_command("migrate", "patients", "0006", verbosity=0)
        assert triggers_installed() == installed
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM patients_recordversion")
            rows_before = cursor.fetchone()[0]
        PatientFactory()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM patients_recordversion")
            assert cursor.fetchone()[0] == rows_before + 1
    finally:
        call_command("migrate", verbosity=0)
    assert triggers_installed() == installed
    assert _teams_in_versions() == _teams_of_patients()


def test_the_readers_in_one_query_each(django_assert_num_queries: Any) -> None:
    patient, never = PatientFactory(), PatientFactory()
    RecordVersion.objects.filter(patient=never).delete()
    with django_assert_num_queries(1):
        versions = record_versions([patient.pk, never.pk])
    assert versions[never.pk] == 0 and versions[patient.pk] > 0
    with django_assert_num_queries(1):
        row = with_versions(Patient.objects.filter(pk=patient.pk)).get()
    assert row.record_version == versions[patient.pk]  # type: ignore[attr-defined]
    assert row.directory_version == directory_version()  # type: ignore[attr-defined]
    total = record_versions_sum([patient.pk, never.pk])
    patient.save()
    assert record_versions_sum([patient.pk, never.pk]) > total
    DirectoryVersion.objects.all().delete()
    assert directory_version() == 0


# --- the classification -------------------------------------------------------------


def test_every_table_is_classified() -> None:
    """A model added without a place here fails with what to do."""
    problems = []
    for model in triggers.all_models():
        try:
            triggers.classify(model)
        except triggers.Unclassified as unclassified:
            problems.append(str(unclassified))
    assert not problems, "\n".join(problems)
    declared = (
        set(triggers.SEVERAL_PATIENTS) | triggers.DIRECTORY | set(triggers.NOT_SHOWN)
    )
    labels = {m._meta.label for m in triggers.all_models()}
    assert declared <= labels, f"classified but gone: {declared - labels}"
    tables = {m._meta.db_table for m in triggers.all_models()}
    unknown = (
        set(connection.introspection.table_names())
        - tables
        - triggers.TABLES_WITHOUT_MODEL
    )
    assert not unknown, f"tables of no model: {unknown}"


def test_an_unclassified_model_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        triggers, "DIRECTORY", triggers.DIRECTORY - {"recovery.Substance"}
    )
    triggers._patient_paths.cache_clear()
    try:
        with pytest.raises(
            triggers.Unclassified, match=r"recovery\.Substance.*DIRECTORY.*NOT_SHOWN"
        ):
            triggers.classify(apps.get_model("recovery.Substance"))
    finally:
        triggers._patient_paths.cache_clear()


def test_migrate_installs_a_trigger_on_every_table_that_moves_a_version() -> None:
    if connection.vendor == "postgresql":
        query = "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE 'recver\\_%%'"
    else:
        query = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'recver\\_%' ESCAPE '\\'"
    with connection.cursor() as cursor:
        cursor.execute(query)
        with_triggers = {table for (table,) in cursor.fetchall()}
    expected = {
        c.model._meta.db_table for c in triggers.classification() if not c.not_shown
    }
    assert with_triggers == expected


def test_course_outcomes_are_on_no_patient_page() -> None:
    """CourseOutcome moves nothing because only the service dashboard reads it."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readers = {
        str(p.relative_to(root))
        for p in root.glob("*/**/*.py")
        if ".venv" not in p.parts
        and "tests" not in p.parts
        and "migrations" not in p.parts
        and "CourseOutcome" in p.read_text(encoding="utf-8")
    }
    assert readers == {
        "outcomes/models.py",
        "outcomes/dashboard.py",
        "outcomes/service_refresh.py",
        "patients/record_version_triggers.py",  # its classification
    }
    _ = datetime  # keeps the import for the generic values above


# --- the intake version (decisions/0068) --------------------------------------------


def test_intake_tables_move_the_intake_version_by_every_path(clinic: Any) -> None:
    """A callback request is no patient's until one is linked: every write to it, or
    to its calls, moves the intake version (and no patient's, nor the directory)."""
    from referrals.choices import AttemptOutcome
    from referrals.models import ContactAttempt, Referral
    from referrals.tests.factories import ReferralFactory

    def moves(write: Any) -> None:
        intake, directory, patients = (
            intake_version(),
            directory_version(),
            _versions(),
        )
        write()
        assert intake_version() > intake
        assert directory_version() == directory
        assert not _moved(patients)

    made: list[Referral] = []
    moves(lambda: made.append(ReferralFactory(site=clinic.site_a)))
    referral = made[0]
    moves(lambda: Referral.objects.filter(pk=referral.pk).update(name="Updated"))
    attempt = ContactAttempt(
        referral=referral,
        attempted_at=timezone.now(),
        outcome=AttemptOutcome.NO_ANSWER,
        by=clinic.coordinator,
    )
    moves(lambda: ContactAttempt.objects.bulk_create([attempt]))

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE referrals_referral SET name = %s WHERE id = %s",
                ["Raw", referral.pk],
            )

    moves(raw)
    moves(lambda: ContactAttempt.objects.filter(referral=referral).delete())
    # Linked to a patient: their record moves as well.
    patients = _versions()
    intake = intake_version()
    Referral.objects.filter(pk=referral.pk).update(patient=clinic.patient)
    assert intake_version() > intake
    assert _moved(patients) == {clinic.patient.pk}


def test_other_writes_leave_the_intake_version(clinic: Any) -> None:
    intake = intake_version()
    DiagnosisFactory(patient=clinic.patient)
    Staff.objects.filter(pk=clinic.therapist_on_team.pk).update(first_name="Ines")
    audit.record(actor=clinic.coordinator, action=Action.LIST, category="referral")
    assert intake_version() == intake


def test_the_intake_tables_are_the_referrals_and_read_in_one_query(
    clinic: Any, django_assert_num_queries: Any
) -> None:
    from referrals.models import Referral
    from referrals.tests.factories import ReferralFactory, waiting

    assert {
        c.model._meta.label for c in triggers.classification() if c.intake
    } == triggers.INTAKE
    referral = waiting(ReferralFactory(site=clinic.site_a))
    ids = Referral.objects.filter(pk=referral.pk).values("patient_id")
    with django_assert_num_queries(1):
        directory, intake, total = list_versions(ids)
    assert (directory, intake) == (directory_version(), intake_version())
    assert referral.patient is not None
    assert total == record_versions([referral.patient.pk])[referral.patient.pk]
    referral.patient.save()
    assert list_versions(ids)[2] > total
    with django_assert_num_queries(1):
        rows = directory_version_and_rows(
            *Referral.objects.filter(pk=-1).values_list("pk").query.sql_with_params()
        )
    assert rows == (directory_version(), [])
