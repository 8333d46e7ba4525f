"""API clients, bulk export jobs and idempotent submissions of the FHIR API."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from interop.choices import ExportStatus


class ApiClient(models.Model):
    """Another system that reads the FHIR API with OAuth2 client credentials.

    The OAuth2 application (django-oauth-toolkit) holds the secret and the scopes it may
    ask for; this row binds it to the one site or team whose patients it may see.
    """

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    site = models.ForeignKey(
        "accounts.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
    )
    recipient = models.ForeignKey(
        "disclosures.Recipient",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        help_text="Who receives what this client reads, for the disclosure rules: "
        "Part 2 records reach it only under a consent naming this recipient.",
    )
    allowed_scopes = models.CharField(
        max_length=1000,
        help_text="Space-separated scopes this client may ask for, e.g. "
        "system/Patient.read system/Observation.read",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application__name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(site__isnull=False, team__isnull=True)
                    | models.Q(site__isnull=True, team__isnull=False)
                ),
                name="api_client_bound_to_site_or_team",
            )
        ]

    def __str__(self) -> str:
        return str(self.application)

    def clean(self) -> None:
        if (self.site_id is None) == (self.team_id is None):
            raise ValidationError("Bind the client to one site or one team.")

    @property
    def label(self) -> str:
        """How the audit trail names the client (never a secret)."""
        return f"api:{self.application.client_id}"[:150]


class ExportJob(models.Model):
    """One bulk ``$export``: asked for by a client, run by the worker, its NDJSON files
    kept for ``IPTCARE_FHIR_EXPORT_HOURS`` and then removed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="exports"
    )
    types = models.JSONField(default=list)
    since = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    request_url = models.CharField(max_length=1000)
    resources_written = models.PositiveIntegerField(default=0)
    output = models.JSONField(default=list, blank=True)
    """One entry per file: type, file name, count."""
    error = models.CharField(max_length=300, blank=True)
    transaction_time = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.public_id} ({self.status})"


class IdempotentSubmission(models.Model):
    """A write made with an ``Idempotency-Key``: a retry with the same key and body gets
    the first answer again; the same key with another body is refused."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="submissions"
    )
    key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    resource_id = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "key"], name="idempotency_key_once_per_client"
            )
        ]

    def __str__(self) -> str:
        return f"submission {self.key[:20]}"
