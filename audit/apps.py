from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who saw or changed what: the append-only, hash-chained audit trail."""

    name = "audit"
    verbose_name = "Audit trail"
