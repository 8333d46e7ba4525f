"""The audit trail: one row for every read and write of patient data.

Rows are append-only (the model refuses updates and deletes, and on PostgreSQL and
SQLite a database trigger refuses them too) and hash-chained, so that
``iptcare audit_verify`` can tell whether anything was altered or removed.
See docs/decisions/0002-audit-trail.md.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.choices import Action


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which record, when, from where, in which request."""

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # No key constraints in the database: each check locked the row it names at every
    # read's commit; the ORM still refuses to delete anyone the trail names
    # (decisions/0073, migration 0004).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    # The user name at the time, so the row reads the same after an account changes.
    actor_label = models.CharField(max_length=150, blank=True)
    # Looked up by the (patient, -occurred_at) index below, which leads with it.
    patient = models.ForeignKey(
        "patients.Patient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    # What kind of record: patient, diagnosis, treatment, care_team, measure, audit, …
    category = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64, blank=True)
    # Field names and reasons only; never the values of patient data.
    detail = models.CharField(max_length=500, blank=True)
    request_id = models.UUIDField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    # Not a unique index on PostgreSQL: an HMAC lands on a page of it at random, and
    # the page's image went to the log at every append (decisions/0074, migration 0005).
    chain_hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["patient", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("audit events cannot be deleted")
