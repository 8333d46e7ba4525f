"""The retention schedule at work (decision 0025).

``review_run`` (nightly, ``tasks.review_retention``) counts what each class says is
due and lists the erasable ones for a person; it erases nothing. ``erase`` is the
only path that deletes, for one listed record of an erasable class, by a person,
audited, after checking again that the record is still due.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, QuerySet
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from disclosures.models import RetentionClass, RetentionDue, RetentionReview

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient
    from referrals.models import Referral

MENTAL_HEALTH = "mental_health_record"
REJECTED_CALLBACK = "rejected_callback"
NOT_TAKEN_ON = ("declined", "withdrawn", "referred_elsewhere")


class Refused(Exception):
    """The schedule does not allow this erasure; the message says why."""


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the 29th–31st fall back to the month's end)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def patients_due(cutoff: date) -> QuerySet[Patient]:
    """Patients with no contact after ``cutoff``: no open course, no session, score,
    course end or registration since."""
    from ipt.models import Course, CourseSession
    from measures.models import Administration
    from patients.models import Patient

    since = timezone.make_aware(datetime.combine(cutoff, datetime.min.time()))
    return Patient.objects.filter(created_at__lt=since).exclude(
        Exists(
            Course.objects.filter(patient=OuterRef("pk")).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=cutoff)
            )
        )
        | Exists(
            CourseSession.objects.filter(
                course__patient=OuterRef("pk"), held_on__gte=cutoff
            )
        )
        | Exists(
            Administration.objects.filter(
                patient=OuterRef("pk"), administered_at__gte=since
            )
        )
    )


def callbacks_due(cutoff: date) -> QuerySet[Referral]:
    """Callback requests closed without being taken on, before ``cutoff``."""
    from referrals.models import Referral

    since = timezone.make_aware(datetime.combine(cutoff, datetime.min.time()))
    return Referral.objects.filter(
        status__in=NOT_TAKEN_ON, patient__isnull=True, closed_at__lt=since
    )


@transaction.atomic
def review_run(at: datetime | None = None) -> int:
    """Count what is due per class and list the erasable items; erase nothing."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    classes = {c.code: c for c in RetentionClass.objects.all()}
    review = RetentionReview.objects.create(run_at=at)
    summary: dict[str, int] = {}
    if MENTAL_HEALTH in classes:
        cutoff = months_before(today, classes[MENTAL_HEALTH].keep_months)
        summary[MENTAL_HEALTH] = patients_due(cutoff).count()
    if REJECTED_CALLBACK in classes:
        record_class = classes[REJECTED_CALLBACK]
        cutoff = months_before(today, record_class.keep_months)
        already = RetentionDue.objects.filter(
            record_class=record_class, erased_at__isnull=True
        ).values_list("object_ref", flat=True)
        rows = [
            RetentionDue(
                review=review,
                record_class=record_class,
                site_id=site_id,
                object_ref=public_id,
                due_on=months_after(
                    timezone.localdate(closed_at), record_class.keep_months
                ),
            )
            for public_id, site_id, closed_at in callbacks_due(cutoff)
            .exclude(public_id__in=already)
            .values_list("public_id", "site_id", "closed_at")
        ]
        RetentionDue.objects.bulk_create(rows)
        summary[REJECTED_CALLBACK] = callbacks_due(cutoff).count()
    review.summary = summary
    review.save(update_fields=["summary", "updated_at"])
    audit.record(
        actor=None,
        action=Action.LIST,
        category="retention",
        detail="; ".join(f"{k}={v}" for k, v in sorted(summary.items())),
        actor_label="system",
    )
    return sum(summary.values())


@transaction.atomic
def erase(*, by: Staff, due: RetentionDue) -> None:
    """Erase one listed record, if its class may be erased and it is still due."""
    from measures.models import Administration

    due = (
        RetentionDue.objects.select_for_update()
        .select_related("record_class")
        .get(pk=due.pk)
    )
    if not due.record_class.erasable:
        raise Refused("The schedule does not allow erasing this class of record.")
    if due.erased_at is not None:
        raise Refused("Already erased.")
    cutoff = months_before(timezone.localdate(), due.record_class.keep_months)
    referral = callbacks_due(cutoff).filter(public_id=due.object_ref).first()
    if referral is None:
        raise Refused("This record is no longer due: it was reopened or taken on.")
    screening_ids = list(
        referral.screenings.values_list("administration_id", flat=True)
    )
    try:
        referral.delete()
        Administration.objects.filter(
            pk__in=screening_ids, patient__isnull=True
        ).delete()
    except ProtectedError as error:
        raise Refused("Other records still point to this one; it was kept.") from error
    due.erased_at = timezone.now()
    due.erased_by = by
    due.save(update_fields=["erased_at", "erased_by", "updated_at"])
    audit.record(
        actor=by,
        action=Action.DELETE,
        category="retention",
        object_id=str(due.object_ref),
        detail=f"class={due.record_class.code}",
    )
