"""Every table classified, and the triggers that move record versions, generated
from the models (docs/decisions/0063).

A table's rows either belong to patients (their versions move), or are shown on
pages but belong to no patient (the directory version moves), or are shown on no
cached page (nothing moves: ``NOT_SHOWN``, with the reason). Intake's callback
requests, which belong to no patient until one is linked, also move the intake
version (``INTAKE``, decisions/0068). Patients are found
from the models: a foreign key to ``Patient``, else the shortest chain of foreign
keys to a table whose rows belong to patients. Tables whose rows belong to several
patients, found through a reverse relation, are declared in ``SEVERAL_PATIENTS``.
``patients/tests/test_record_version.py`` fails on a model that is in none of these.

The triggers are dropped before ``migrate`` runs migrations and generated again from
the live models after it (``pre_migrate``/``post_migrate``, patients/apps.py), so a
migration never runs against a trigger of another schema and a model added later
gets its triggers from the next ``migrate`` without a migration of its own.
"""

# ruff: noqa: S608 - the SQL is built from the models' own table and column names
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.fields.related import ForeignKey, ForeignObjectRel

from patients.models import DirectoryVersion, IntakeVersion, Patient, RecordVersion

# Rows that belong to several patients, or to a patient only through a reverse
# relation: lookups (Django's, `__`-joined) ending in a foreign key to the patient.
SEVERAL_PATIENTS: dict[str, tuple[str, ...]] = {
    # A meeting belongs to everyone booked into it.
    "scheduling.Appointment": ("attendees__patient",),
    # A series is one course's or one group's.
    "scheduling.AppointmentSeries": (
        "course__patient",
        "group__members__course__patient",
    ),
    # A group's name, facilitators and meetings show on every member's pages.
    "ipt.Group": ("members__course__patient",),
    # Joining or leaving changes the group as every other member's pages show it.
    "ipt.GroupMember": ("course__patient", "group__members__course__patient"),
    # A supervision note's date and supervisor show beside each case discussed in it.
    "supervision.SupervisionNote": ("cases__patient",),
}

# Shown on pages, belonging to no patient: any change moves the directory version.
DIRECTORY: frozenset[str] = frozenset(
    {
        "accounts.Site",
        "accounts.Team",
        "accounts.Staff",  # names, titles, roles; sign-in alone does not (see below)
        "accounts.Staff_teams",
        "alerts.DutyShift",
        "disclosures.LegalText",
        "disclosures.Recipient",
        "disclosures.RetentionClass",
        "ipt.Program",
        "ipt.ProgramMeasure",
        "outcomes.ExpectedTrajectory",
        "recovery.CareLevel",
        "recovery.MedicationKind",
        "recovery.Substance",
        "recovery.TestPanel",
        "supervision.Checklist",
        "supervision.ChecklistItem",
    }
)

# Intake's requests and what hangs off them: any change moves the intake version, on
# top of the versions of the patient a request is linked to (none before intake links
# or accepts it). The intake queue and the waiting list are kept under it.
INTAKE: frozenset[str] = frozenset(
    {
        "referrals.Referral",
        "referrals.ContactAttempt",
        "referrals.ScreeningAdministration",
        "referrals.PriorityChange",
    }
)

# Columns whose change alone does not move the directory version.
DIRECTORY_IGNORED_COLUMNS: dict[str, frozenset[str]] = {
    # Signing in writes `last_login` and nothing else: no page shows it.
    "accounts.Staff": frozenset({"last_login"}),
}

# Shown on no page kept under a version: nothing moves.
NOT_SHOWN: dict[str, str] = {
    "audit.AuditEvent": "written by every read: moving a version on reads would defeat the cache",
    "outcomes.CourseOutcome": "the refresh job's per-course rows, read by the service dashboard only",
    "patients.RecordVersion": "the versions themselves",
    "patients.DirectoryVersion": "the versions themselves",
    "patients.IntakeVersion": "the versions themselves",
    "accounts.AccessChange": "the approval queue of access changes; an approval writes Staff",
    "accounts.AccessChange_teams": "the approval queue of access changes",
    "accounts.Staff_groups": "Django's groups are unused: roles are Staff.role",
    "accounts.Staff_user_permissions": "Django's permissions are unused: roles are Staff.role",
    "scheduling.CalendarFeed": "a staff member's calendar feed token, read by calendar apps",
    "interop.ApiClient": "FHIR clients, shown on the admin site only",
    "interop.ExportJob": "bulk export bookkeeping of the FHIR API",
    "interop.IdempotentSubmission": "replay protection of the FHIR API",
    "iptcare.FormSubmission": "replay protection of the create forms, no patient's",
    "disclosures.RetentionReview": "the retention review's own pages, no patient's",
    "disclosures.RetentionDue": "the retention review's own pages, no patient's",
}

# Other packages' tables, none shown on a cached page.
NOT_SHOWN_APPS: dict[str, str] = {
    "admin": "Django admin's log",
    "auth": "Django's groups and permissions are unused: roles are Staff.role",
    "contenttypes": "Django's model registry",
    "sessions": "sign-in sessions",
    "axes": "sign-in lock-out bookkeeping",
    "otp_totp": "second-factor devices",
    "otp_static": "second-factor devices",
    "oauth2_provider": "OAuth2 clients and tokens of the FHIR API",
}

# Tables without a model: Django's migration record, the SQLite audit permit
# (audit.0003) and the SQLite counter (patients.0005).
TABLES_WITHOUT_MODEL = frozenset(
    {"django_migrations", "audit_erasure_permit", "patients_version_counter"}
)

TRIGGER_PREFIX = "recver_"


@dataclass(frozen=True)
class Classification:
    """What one model's rows move: their patients' versions (by these lookups,
    empty for none), the directory version, the intake version, or nothing
    (``not_shown`` says why)."""

    model: type[models.Model]
    patient_paths: tuple[str, ...] = ()
    directory: bool = False
    not_shown: str = ""
    intake: bool = False


class Unclassified(Exception):
    pass


def _label(model: type[models.Model]) -> str:
    return model._meta.label


def _foreign_keys(
    model: type[models.Model],
) -> list[ForeignKey[models.Model, models.Model]]:
    return [f for f in model._meta.concrete_fields if isinstance(f, ForeignKey)]


@cache
def _patient_paths(label: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Lookups from a row of ``label`` to its patients' ids; () when there is none."""
    model = apps.get_model(label)
    if model is Patient:
        return ("pk",)
    if label in SEVERAL_PATIENTS:
        return SEVERAL_PATIENTS[label]
    if (
        label in DIRECTORY
        or label in NOT_SHOWN
        or model._meta.app_label in NOT_SHOWN_APPS
    ):
        return ()
    keys = _foreign_keys(model)
    direct = [f for f in keys if f.related_model is Patient]
    if direct:
        return tuple(f.name for f in direct)
    # Through another table: non-null keys first (the row always has that parent),
    # then the shortest chain; a row with only nullable keys belongs to any of them.
    candidates: list[tuple[bool, int, str, tuple[str, ...]]] = []
    for f in keys:
        target = _label(f.related_model)  # type: ignore[arg-type]
        if target in seen or target == label:
            continue
        paths = _patient_paths(target, seen | {label})
        if paths and paths != ("pk",):
            longest = max(p.count("__") for p in paths)
            candidates.append((f.null, longest, f.name, paths))
    if not candidates:
        return ()
    candidates.sort(key=lambda c: (c[0], c[1]))
    if not candidates[0][0]:
        _, _, name, paths = candidates[0]
        return tuple(f"{name}__{p}" for p in paths)
    return tuple(f"{name}__{p}" for _, _, name, paths in candidates for p in paths)


def all_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included."""
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy
    ]


def classify(model: type[models.Model]) -> Classification:
    label = _label(model)
    paths = _patient_paths(label)
    reason = NOT_SHOWN.get(label) or NOT_SHOWN_APPS.get(model._meta.app_label, "")
    if paths or label in DIRECTORY or reason:
        return Classification(
            model, paths, label in DIRECTORY, reason, intake=label in INTAKE
        )
    raise Unclassified(
        f"{label} ({model._meta.db_table}) moves no record version. If its rows "
        "belong to patients, give the lookups to them in SEVERAL_PATIENTS; if pages "
        "show it but it belongs to no patient, add it to DIRECTORY; if no page kept "
        "under a version shows it, add it to NOT_SHOWN with the reason "
        "(patients/record_version_triggers.py, docs/decisions/0063)."
    )


def classification() -> list[Classification]:
    return [classify(m) for m in all_models()]


# --- SQL: the rows' patients -------------------------------------------------------


@dataclass
class _Select:
    """``SELECT <expr> FROM <tables> WHERE <conditions>`` built step by step."""

    tables: list[str]
    conditions: list[str]
    expr: str


def _qn(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _patients_select(
    model: type[models.Model], path: str, row: str, row_is_table: bool
) -> str:
    """The patients' ids of ``row`` (a transition table alias on PostgreSQL, NEW or
    OLD on SQLite) reached by ``path``. A forward key is followed without reading its
    table when only its id is needed, so a parent deleted in the same cascade does
    not hide the patient its key names."""
    q = _Select(tables=[f"{row} AS r"] if row_is_table else [], conditions=[], expr="")
    alias = "r" if row_is_table else row
    pk_only: tuple[str, type[models.Model]] | None = None  # (id expression, model)
    current = model
    aliases = (f"t{n}" for n in range(1, 100))
    for step in path.split("__"):
        if step == "pk":
            q.expr = f"{alias}.{_qn(current._meta.pk.column)}"
            break
        if pk_only is not None:
            id_expr, current = pk_only
            alias = next(aliases)
            q.tables.append(f"{_qn(current._meta.db_table)} AS {alias}")
            q.conditions.append(f"{alias}.{_qn(current._meta.pk.column)} = {id_expr}")
            pk_only = None
        field = current._meta.get_field(step)
        if isinstance(field, ForeignKey):
            target = field.related_model
            if not field.target_field.primary_key:
                raise ValueError(f"{field} names no primary key")
            pk_only = (f"{alias}.{_qn(field.column)}", target)  # type: ignore[assignment]
        elif isinstance(field, ForeignObjectRel) and isinstance(
            field.remote_field, ForeignKey
        ):
            child: type[models.Model] = field.related_model  # type: ignore[assignment]
            key = field.remote_field
            new_alias = next(aliases)
            q.tables.append(f"{_qn(child._meta.db_table)} AS {new_alias}")
            q.conditions.append(
                f"{new_alias}.{_qn(key.column)} = {alias}.{_qn(current._meta.pk.column)}"
            )
            alias, current = new_alias, child
        else:
            raise ValueError(f"{_label(model)}: {path}: {step} is not a key")
    else:
        if pk_only is None or pk_only[1] is not Patient:
            raise ValueError(f"{_label(model)}: {path} ends at no patient")
        q.expr = pk_only[0]
    sql = f"SELECT {q.expr} AS patient_id"
    if q.tables:
        sql += " FROM " + ", ".join(q.tables)
    if q.conditions:
        sql += " WHERE " + " AND ".join(q.conditions)
    return sql


def _changed(model: type[models.Model], old: str, new: str, postgres: bool) -> str:
    """A condition true when a column other than the ignored ones changed."""
    ignored = DIRECTORY_IGNORED_COLUMNS.get(_label(model), frozenset())
    columns = [f.column for f in model._meta.concrete_fields if f.column not in ignored]
    if postgres:
        left = ", ".join(f"{new}.{_qn(c)}" for c in columns)
        right = ", ".join(f"{old}.{_qn(c)}" for c in columns)
        return f"ROW({left}) IS DISTINCT FROM ROW({right})"
    return " OR ".join(f"{old}.{_qn(c)} IS NOT {new}.{_qn(c)}" for c in columns)


# --- PostgreSQL: statement-level triggers over transition tables --------------------


def _pg_common(teams: bool) -> list[str]:
    """The functions every PostgreSQL trigger calls. ``teams``: the version rows have
    their ``team_id`` (patients.0007, decisions/0075)."""
    # One upsert per statement, ids distinct and sorted so that two statements lock
    # the version rows in the same order; a patient deleted in the same statement or
    # cascade gets no row (their own delete removed it). An existing row takes a value
    # drawn once its lock is held, not the one drawn before waiting for it: a writer
    # that waited behind another's commit must not set a lower value than the one it
    # waited for, so each patient's version only ever rises.
    #
    # The patient's team is set on a new row, and on an existing one only by a write
    # to the patient's own row (``own_rows``): that writer holds the patient's row and
    # reads its own new team. Another table's writer reads the team as its statement
    # began, and may wait for the version row behind a move to another team: setting
    # the team it read would put the old team back.
    columns, team, set_team = "patient_id, version", "", ""
    if teams:
        columns, team = "patient_id, version, team_id", ", s.team_id"
        set_team = (
            ", team_id = CASE WHEN own_rows THEN EXCLUDED.team_id"
            f" ELSE {RecordVersion._meta.db_table}.team_id END"
        )
    return [
        f"""
CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}move_patients(ids bigint[], own_rows boolean)
RETURNS void LANGUAGE sql AS $f$
  INSERT INTO {RecordVersion._meta.db_table} ({columns})
  SELECT s.id, nextval('patients_record_version_seq'){team}
  FROM (
    SELECT DISTINCT u.id, p.team_id FROM unnest(ids) AS u(id)
    JOIN {Patient._meta.db_table} p ON p.id = u.id
    ORDER BY u.id
  ) AS s
  ON CONFLICT (patient_id) DO UPDATE
    SET version = nextval('patients_record_version_seq'){set_team}
$f$
""",
        *(
            f"""
CREATE OR REPLACE FUNCTION {TRIGGER_PREFIX}move_{name}() RETURNS void
LANGUAGE sql AS $f$
  INSERT INTO {counter._meta.db_table} (id, version)
  VALUES (1, nextval('patients_record_version_seq'))
  ON CONFLICT (id) DO UPDATE SET version = nextval('patients_record_version_seq')
$f$
"""
            # The clinic-wide versions: one row each, moved from the same counter.
            for name, counter in (
                ("directory", DirectoryVersion),
                ("intake", IntakeVersion),
            )
        ),
    ]


def _pg_name(table: str, suffix: str = "") -> str:
    name = f"{TRIGGER_PREFIX}{table}{suffix}"
    if len(name) > 63:
        raise ValueError(f"{name} is longer than PostgreSQL's names")
    return name


def _pg_statements(c: Classification) -> list[str]:
    model, table = c.model, c.model._meta.db_table
    qt = _qn(table)

    def patients(rows: Iterable[str]) -> str:
        selects = [
            _patients_select(model, path, rows_, row_is_table=True)
            for rows_ in rows
            for path in c.patient_paths
        ]
        own_rows = "true" if model is Patient else "false"
        return (
            f"PERFORM {TRIGGER_PREFIX}move_patients("
            f"ARRAY({' UNION ALL '.join(selects)}), {own_rows});"
        )

    def directory(event: str) -> str:
        if event == "UPDATE" and _label(model) in DIRECTORY_IGNORED_COLUMNS:
            pk = _qn(model._meta.pk.column)
            return (
                "IF EXISTS (SELECT 1 FROM rv_new AS n JOIN rv_old AS o"
                f" ON o.{pk} = n.{pk} WHERE {_changed(model, 'o', 'n', True)}) THEN"
                f" PERFORM {TRIGGER_PREFIX}move_directory(); END IF;"
            )
        rows = "rv_old" if event == "DELETE" else "rv_new"
        return (
            f"IF EXISTS (SELECT 1 FROM {rows}) THEN"
            f" PERFORM {TRIGGER_PREFIX}move_directory(); END IF;"
        )

    branches: dict[str, list[str]] = {"INSERT": [], "UPDATE": [], "DELETE": []}
    if c.patient_paths:
        branches["INSERT"].append(patients(["rv_new"]))
        branches["UPDATE"].append(patients(["rv_new", "rv_old"]))
        if model is Patient:
            branches["DELETE"].append(
                f"DELETE FROM {RecordVersion._meta.db_table}"
                " WHERE patient_id IN (SELECT id FROM rv_old);"
            )
        else:
            branches["DELETE"].append(patients(["rv_old"]))
    if c.directory:
        for event in branches:
            branches[event].append(directory(event))
    if c.intake:
        for event in branches:
            rows = "rv_old" if event == "DELETE" else "rv_new"
            branches[event].append(
                f"IF EXISTS (SELECT 1 FROM {rows}) THEN"
                f" PERFORM {TRIGGER_PREFIX}move_intake(); END IF;"
            )
    function = _pg_name(table)
    body = "\n".join(
        f"  {'IF' if n == 0 else 'ELSIF'} TG_OP = '{event}' THEN\n    "
        + "\n    ".join(lines)
        for n, (event, lines) in enumerate(branches.items())
    )
    statements = [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $f$\n"
        f"BEGIN\n{body}\n  END IF;\n  RETURN NULL;\nEND\n$f$"
    ]
    referencing = {
        "INSERT": "NEW TABLE AS rv_new",
        "UPDATE": "OLD TABLE AS rv_old NEW TABLE AS rv_new",
        "DELETE": "OLD TABLE AS rv_old",
    }
    for event, tables in referencing.items():
        statements.append(
            f"CREATE TRIGGER {_pg_name(table, '_' + event.lower()[:3])} AFTER {event} ON {qt}"
            f" REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    return statements


def _pg_drop(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE %s"
            " AND n.nspname = current_schema()",
            [TRIGGER_PREFIX.replace("_", r"\_") + "%"],
        )
        triggers = cursor.fetchall()
        cursor.execute(
            "SELECT p.proname FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE p.proname LIKE %s AND n.nspname = current_schema()",
            [TRIGGER_PREFIX.replace("_", r"\_") + "%"],
        )
        functions = [name for (name,) in cursor.fetchall()]
    return [
        f"DROP TRIGGER IF EXISTS {_qn(t)} ON {_qn(table)}" for t, table in triggers
    ] + [f"DROP FUNCTION IF EXISTS {_qn(f)} CASCADE" for f in functions]


# --- SQLite: row-level triggers -------------------------------------------------------

_SQLITE_BUMP = (
    "INSERT INTO patients_version_counter (id, value) VALUES (1, 1)"
    " ON CONFLICT (id) DO UPDATE SET value = value + 1;"
)
_SQLITE_VALUE = "(SELECT value FROM patients_version_counter WHERE id = 1)"
_SQLITE_DIRECTORY = (
    f"{_SQLITE_BUMP} INSERT INTO {DirectoryVersion._meta.db_table} (id, version)"
    f" VALUES (1, {_SQLITE_VALUE})"
    " ON CONFLICT (id) DO UPDATE SET version = excluded.version;"
)

_SQLITE_INTAKE = (
    f"{_SQLITE_BUMP} INSERT INTO {IntakeVersion._meta.db_table} (id, version)"
    f" VALUES (1, {_SQLITE_VALUE})"
    " ON CONFLICT (id) DO UPDATE SET version = excluded.version;"
)


def _sqlite_statements(c: Classification, teams: bool) -> list[str]:
    model, table = c.model, c.model._meta.db_table
    qt = _qn(table)
    statements = []

    def patients(rows: list[str]) -> str:
        selects = " UNION ".join(
            _patients_select(model, path, row, row_is_table=False)
            for row in rows
            for path in c.patient_paths
        )
        # The patient's team as on PostgreSQL (``_pg_common``): on a new row, and
        # on an existing one by a write to the patient's own row.
        columns, team, set_team = "patient_id, version", "", ""
        if teams:
            columns, team = "patient_id, version, team_id", ", p.team_id"
            if model is Patient:
                set_team = ", team_id = excluded.team_id"
        # The WHERE also tells SQLite's parser that ON CONFLICT is the upsert's.
        return (
            f"{_SQLITE_BUMP} INSERT INTO {RecordVersion._meta.db_table} ({columns})"
            f" SELECT q.patient_id, {_SQLITE_VALUE}{team} FROM ({selects}) AS q"
            f" JOIN {Patient._meta.db_table} AS p ON p.id = q.patient_id WHERE 1"
            f" ON CONFLICT (patient_id) DO UPDATE SET version = excluded.version{set_team};"
        )

    directory = _SQLITE_DIRECTORY
    events = {"INSERT": ["NEW"], "UPDATE": ["NEW", "OLD"], "DELETE": ["OLD"]}
    for event, rows in events.items():
        name = _qn(f"{TRIGGER_PREFIX}{table}_{event.lower()[:3]}")
        body = []
        if c.patient_paths:
            if model is Patient and event == "DELETE":
                body.append(
                    f"DELETE FROM {RecordVersion._meta.db_table} WHERE patient_id = OLD.id;"
                )
            else:
                body.append(patients(rows))
        if c.directory:
            if event == "UPDATE" and _label(model) in DIRECTORY_IGNORED_COLUMNS:
                statements.append(
                    f"CREATE TRIGGER {_qn(f'{TRIGGER_PREFIX}{table}_dir')} AFTER UPDATE ON {qt}"
                    f" WHEN {_changed(model, 'OLD', 'NEW', False)} BEGIN {directory} END"
                )
            else:
                body.append(directory)
        if c.intake:
            body.append(_SQLITE_INTAKE)
        if body:
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {qt} BEGIN {' '.join(body)} END"
            )
    return statements


def _sqlite_drop(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE ? ESCAPE '\\'",
            [TRIGGER_PREFIX.replace("_", r"\_") + "%"],
        )
        return [f"DROP TRIGGER IF EXISTS {_qn(name)}" for (name,) in cursor.fetchall()]


# --- installing ---------------------------------------------------------------------


def drop_statements(connection: BaseDatabaseWrapper) -> list[str]:
    if connection.vendor == "postgresql":
        return _pg_drop(connection)
    return _sqlite_drop(connection)


def install_statements(connection: BaseDatabaseWrapper) -> list[str]:
    """Every statement that creates the triggers, for the tables that exist."""
    postgres = connection.vendor == "postgresql"
    existing = set(connection.introspection.table_names())
    teams = _has_teams(connection)
    statements = _pg_common(teams) if postgres else []
    for c in classification():
        if c.not_shown or c.model._meta.db_table not in existing:
            continue
        statements += _pg_statements(c) if postgres else _sqlite_statements(c, teams)
    return statements


def _has_teams(connection: BaseDatabaseWrapper) -> bool:
    """Whether the version rows have their team (patients.0007): a migrate back to
    before it installs the triggers without it."""
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(
            cursor, RecordVersion._meta.db_table
        )
    return any(column.name == "team_id" for column in described)


_TEAMS_SET = (
    f"INSERT INTO {RecordVersion._meta.db_table} (patient_id, version, team_id)"
    f" SELECT p.id, 0, p.team_id FROM {Patient._meta.db_table} AS p WHERE 1 = 1"
    " ON CONFLICT (patient_id) DO UPDATE SET team_id = excluded.team_id"
    f" WHERE {RecordVersion._meta.db_table}.team_id IS NULL"
    f" OR {RecordVersion._meta.db_table}.team_id <> excluded.team_id"
)


def drop(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in drop_statements(connection):
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper, *, migrated: bool = False) -> None:
    """Drop every record-version trigger and create them again from the models.

    ``migrated``: migrations have just run without the triggers, and may have
    changed what any page shows, so the directory version moves: every kept
    fragment is keyed by it."""
    if RecordVersion._meta.db_table not in connection.introspection.table_names():
        return  # patients.0005 has not run yet: the next migrate installs them
    from django.db import transaction

    with transaction.atomic(using=connection.alias):
        drop(connection)
        with connection.cursor() as cursor:
            for statement in install_statements(connection):
                cursor.execute(statement)
            # Migrations ran without the triggers: every patient's version row names
            # the patient's team again, a patient never written getting a row at
            # version 0 (what a missing row reads as). After the triggers: a writer
            # waits for them, so none is left out.
            if _has_teams(connection):
                cursor.execute(_TEAMS_SET)
            if migrated and connection.vendor == "postgresql":
                cursor.execute(f"SELECT {TRIGGER_PREFIX}move_directory()")
            elif migrated:
                for statement in _SQLITE_DIRECTORY.split(";")[:-1]:
                    cursor.execute(statement)
