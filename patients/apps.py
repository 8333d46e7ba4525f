from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


class PatientsConfig(AppConfig):
    """The patient record: identity, contact, diagnoses, concurrent treatments, care team."""

    name = "patients"
    verbose_name = "Patients"

    def ready(self) -> None:
        # Schema bookkeeping, not domain logic: record-version triggers are generated
        # from the models after every migrate and kept out of the migrations' way
        # while they run (docs/decisions/0063). Sent once per app: ours alone acts.
        pre_migrate.connect(
            _triggers_drop, sender=self, dispatch_uid="iptcare_record_version_drop"
        )
        post_migrate.connect(
            _triggers_install,
            sender=self,
            dispatch_uid="iptcare_record_version_install",
        )


def _triggers_drop(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    from patients import record_version_triggers

    if plan:  # a flush sends no plan and leaves the schema alone
        record_version_triggers.drop(connections[using])


def _triggers_install(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    from patients import record_version_triggers

    if plan is not None:  # a flush leaves the triggers where they are
        record_version_triggers.install(connections[using], migrated=bool(plan))
