"""The project package's own job (Huey): forgetting forms saved long ago."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from iptcare.models import FormSubmission

# A form sent again after this long is not a double click or a resend of the page
# just left (decisions/0077): its claim need not be kept.
SUBMISSIONS_KEPT = timedelta(days=30)


@db_periodic_task(crontab(minute="40", hour="2"))  # type: ignore[untyped-decorator]
def forget_old_submissions() -> int:
    """Nightly: delete the claims of create forms sent more than 30 days ago, so the
    table holds a month of sends, not every send ever made."""
    cutoff = timezone.now() - SUBMISSIONS_KEPT
    deleted, _ = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
