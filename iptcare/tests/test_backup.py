"""The backup's manifest: a row count and a checksum per table, which find a missing
or changed row; a backup refuses to overwrite, a restore refuses a database in use or
a damaged file. (The full backup → restore round trips are rig tests:
tests/rig/test_backup_drill.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Clinic
from iptcare import backup
from patients.models import Patient


@pytest.mark.django_db
def test_the_manifest_counts_every_table(clinic: Clinic) -> None:
    manifest = backup.manifest_of_database()
    assert manifest.tables["patients_patient"].rows == Patient.objects.count() == 2
    assert manifest.tables["django_migrations"].rows == manifest.migrations > 0
    assert "audit_auditevent" in manifest.tables


@pytest.mark.django_db
def test_a_changed_row_changes_its_tables_checksum_only(clinic: Clinic) -> None:
    before = backup.manifest_of_database()
    Patient.objects.filter(pk=clinic.patient.pk).update(given_name="Changed")
    after = backup.manifest_of_database()
    # The database moves the patient's record version with the row (decision 0063):
    # those tables change too, and no other.
    changed = backup.differences(before, after)
    assert changed[0] == "patients_patient: same row count, different contents"
    assert {line.split(":")[0] for line in changed[1:]} <= {
        "patients_recordversion",
        "patients_version_counter",
    }
    assert backup.differences(before, backup.manifest_of_database()) != []
    assert backup.differences(after, backup.manifest_of_database()) == []


@pytest.mark.django_db
def test_a_missing_row_is_named_with_the_counts(clinic: Clinic) -> None:
    before = backup.manifest_of_database()
    before.tables["patients_patient"] = backup.TableSum(rows=3, checksum="x")
    assert backup.differences(before, backup.manifest_of_database()) == [
        "patients_patient: 2 rows, the backup has 3"
    ]


def test_the_manifest_reads_back_as_written() -> None:
    manifest = backup.Manifest(
        vendor="postgresql",
        created_at="2026-12-04T12:00:00+00:00",
        tables={"a": backup.TableSum(rows=1, checksum="c")},
        migrations=3,
        files={"database.dump": "d"},
    )
    assert backup.Manifest.from_json(manifest.to_json()) == manifest


def _fake_backup(directory: Path, vendor: str) -> None:
    (directory / "database.dump").write_bytes(b"dump")
    manifest = backup.Manifest(
        vendor=vendor,
        created_at="2026-12-04T12:00:00+00:00",
        tables={},
        migrations=0,
        files={"database.dump": backup._sha256_file(directory / "database.dump")},
    )
    (directory / "manifest.json").write_text(manifest.to_json())


def test_a_damaged_dump_is_refused_before_anything_is_loaded(tmp_path: Path) -> None:
    _fake_backup(tmp_path, "postgresql")
    (tmp_path / "database.dump").write_bytes(b"dump, damaged")
    with pytest.raises(backup.BackupError, match="does not match its checksum"):
        backup.read_manifest(tmp_path)


def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="not an IPT Care backup"):
        backup.read_manifest(tmp_path)


def test_a_manifest_of_an_unknown_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 99}))
    with pytest.raises(backup.BackupError, match="format"):
        backup.read_manifest(tmp_path)


@pytest.mark.django_db
def test_a_restore_into_a_database_with_tables_is_refused(tmp_path: Path) -> None:
    from django.db import connection

    _fake_backup(tmp_path, connection.vendor)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(tmp_path)
    assert Patient.objects.count() == 0  # nothing was touched


@pytest.mark.django_db
def test_a_backup_of_another_engine_is_refused(tmp_path: Path) -> None:
    from django.db import connection

    _fake_backup(tmp_path, "oracle" if connection.vendor != "oracle" else "sqlite")
    with pytest.raises(backup.BackupError, match="backup; the database here is"):
        backup.restore(tmp_path)


@pytest.mark.django_db
def test_a_backup_never_writes_into_a_directory_in_use(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("kept")
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.backup(tmp_path)
    assert (tmp_path / "something.txt").read_text() == "kept"
