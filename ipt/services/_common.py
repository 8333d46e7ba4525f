"""What every IPT service shares: the refusal, the course lock and the audit call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from audit import services as audit
from audit.choices import Action
from ipt.choices import Phase
from ipt.models import Course

if TYPE_CHECKING:
    from accounts.models import Staff


class Refused(Exception):
    """A rule of the course refused the change; ``reasons`` say why, in words a
    clinician reads. Nothing was changed."""

    def __init__(self, reasons: str | Iterable[str]) -> None:
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(self.reasons))


def locked(course: Course) -> Course:
    """The course row again, locked until the transaction ends, so that two writers
    (two sessions recorded at once) queue instead of counting twice."""
    return (
        Course.objects.select_for_update()
        .select_related("program", "patient")
        .get(pk=course.pk)
    )


def require_open(course: Course) -> None:
    if course.phase == Phase.ENDED:
        raise Refused("The course has ended: it no longer changes.")


def require_phase(course: Course, *allowed: Phase, doing: str) -> None:
    if course.phase not in allowed:
        names = " or ".join(Phase(phase).label.lower() for phase in allowed)
        raise Refused(
            f"{doing} belongs to the {names}; the course is in its "
            f"{course.get_phase_display().lower()}."
        )


def fields_detail(fields: Iterable[str]) -> str:
    """Audit detail: the names of the fields written, never their values."""
    names = sorted(set(fields))
    return "fields: " + ", ".join(names) if names else ""


def record(
    *,
    by: Staff | None,
    action: Action,
    category: str,
    course: Course,
    object_id: str = "",
    detail: str = "",
) -> None:
    audit.record(
        actor=by,
        action=action,
        category=category,
        patient=course.patient,
        object_id=object_id or str(course.public_id),
        detail=detail,
    )
