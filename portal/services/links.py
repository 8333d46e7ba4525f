"""Single-use sign-in links: issued by a clinician (e-mail, text, or a QR code for a
clinic tablet), by a questionnaire invitation, or asked for by the patient; redeemed
once, with the date of birth (docs/portal.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from iptcare.lib.phone import phone_digits
from iptcare.lib.tokens import token_digest, token_new
from portal.choices import LinkChannel
from portal.models import PortalLink
from scheduling import messaging

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

CATEGORY = "portal_link"
PATIENT = "patient"  # the audit trail's actor label for the patient's own actions


class LinkRefused(Exception):
    """The link cannot be sent: the patient has no address for that channel."""


@dataclass(frozen=True)
class IssuedLink:
    link: PortalLink
    token: str

    @property
    def path(self) -> str:
        return f"{settings.SCHEDULING_PORTAL_PATH.rstrip('/')}/link/{self.token}/"

    @property
    def url(self) -> str:
        return settings.IPTCARE_BASE_URL.rstrip("/") + self.path


def _lifetime(channel: str) -> timedelta:
    if channel == LinkChannel.TABLET:
        return timedelta(minutes=settings.IPTCARE_PORTAL_TABLET_LINK_MINUTES)
    return timedelta(hours=settings.IPTCARE_PORTAL_LINK_HOURS)


def link_issue(
    *,
    patient: Patient,
    channel: LinkChannel | str,
    by: Staff | None,
    now: datetime | None = None,
) -> IssuedLink:
    """A new link for the patient. The token is returned once and never stored.
    One tablet code per patient is live at a time: a new one ends the old (a code left
    on a tablet's screen must not still sign in once another has been made)."""
    now = now or timezone.now()
    if channel == LinkChannel.TABLET:
        ended = PortalLink.objects.filter(
            patient=patient,
            channel=LinkChannel.TABLET,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(revoked_at=now)
        if ended:
            audit.record(
                actor=by,
                action=Action.UPDATE,
                category=CATEGORY,
                patient=patient,
                detail=f"channel=tablet; revoked={ended}; reason=new tablet code",
                actor_label="" if by else "system",
            )
    token = token_new()
    link = PortalLink.objects.create(
        patient=patient,
        token_digest=token_digest(token),
        channel=channel,
        issued_by=by,
        expires_at=now + _lifetime(channel),
    )
    audit.record(
        actor=by,
        action=Action.CREATE,
        category=CATEGORY,
        patient=patient,
        object_id=str(link.pk),
        detail=f"channel={channel}",
        actor_label="" if by else "system",
    )
    return IssuedLink(link=link, token=token)


@transaction.atomic
def link_send(
    *, patient: Patient, channel: LinkChannel | str, by: Staff | None
) -> None:
    """Issue a link and send it by e-mail or text. The message names no clinic
    service and no patient (``scheduling.messaging``)."""
    if channel == LinkChannel.EMAIL and not patient.email:
        raise LinkRefused("There is no e-mail address on the record.")
    if channel == LinkChannel.SMS and not (patient.phone and patient.may_text):
        raise LinkRefused("The patient has not agreed to texts, or has no number.")
    if channel not in (LinkChannel.EMAIL, LinkChannel.SMS):
        raise LinkRefused("Links are sent by e-mail or text.")
    issued = link_issue(patient=patient, channel=channel, by=by)
    message = messaging.compose_portal_link(
        link=issued.url, hours=settings.IPTCARE_PORTAL_LINK_HOURS
    )
    if channel == LinkChannel.EMAIL:
        transaction.on_commit(
            lambda: messaging.send_email(
                to=patient.email, subject=message.subject, body=message.body
            )
        )
    else:
        transaction.on_commit(
            lambda: messaging.send_sms(to=patient.phone, body=message.sms)
        )
    audit.record(
        actor=by,
        action=Action.EXPORT,
        category="message",
        patient=patient,
        object_id=str(issued.link.pk),
        detail=f"purpose=portal_link; channel={channel}",
    )


class Redeemed(StrEnum):
    SIGNED_IN = "signed_in"
    WRONG_DATE = "wrong_date"
    SPENT = "spent"  # used, expired, revoked, or never issued: all look the same


@dataclass(frozen=True)
class Redemption:
    outcome: Redeemed
    patient: Patient | None = None
    attempts_left: int = 0


def link_for_digest(digest: str, *, now: datetime | None = None) -> PortalLink | None:
    """The usable link behind a token's digest, or ``None``. The sign-in page keeps
    only the digest in the session between the link and the date of birth: the token
    itself is stored nowhere."""
    link = (
        PortalLink.objects.select_related("patient").filter(token_digest=digest).first()
    )
    if link is None or not link.is_usable(now or timezone.now()):
        return None
    return link


@transaction.atomic
def link_redeem(
    *, digest: str, date_of_birth: date, now: datetime | None = None
) -> Redemption:
    """Sign in with the link and the date of birth. Right: the link is used up and
    the patient returned. Wrong: one attempt fewer; the last wrong one revokes the
    link. The link row is locked, so two taps of the same link sign in once."""
    now = now or timezone.now()
    # Lock the link row only: locking the joined patient row too (Django's default)
    # deadlocks with any audit write for that patient, whose foreign-key check waits
    # for the patient row while holding the audit chain's lock (docs/operations.md).
    link = (
        PortalLink.objects.select_for_update(of=("self",))
        .select_related("patient")
        .filter(token_digest=digest)
        .first()
    )
    if link is None or not link.is_usable(now):
        return Redemption(Redeemed.SPENT)
    patient = link.patient
    if patient.date_of_birth != date_of_birth:
        link.failed_attempts += 1
        update = ["failed_attempts"]
        if link.failed_attempts >= settings.IPTCARE_PORTAL_DOB_ATTEMPTS:
            link.revoked_at = now
            update.append("revoked_at")
        link.save(update_fields=update)
        audit.record(
            actor=None,
            action=Action.SIGN_IN_FAILED,
            category=CATEGORY,
            patient=patient,
            object_id=str(link.pk),
            detail=f"wrong date of birth; attempt={link.failed_attempts}",
            actor_label=PATIENT,
        )
        left = settings.IPTCARE_PORTAL_DOB_ATTEMPTS - link.failed_attempts
        if left <= 0:
            return Redemption(Redeemed.SPENT)
        return Redemption(Redeemed.WRONG_DATE, attempts_left=left)
    link.used_at = now
    link.save(update_fields=["used_at"])
    audit.record(
        actor=None,
        action=Action.SIGN_IN,
        category="portal",
        patient=patient,
        object_id=str(link.pk),
        detail=f"channel={link.channel}",
        actor_label=PATIENT,
    )
    return Redemption(Redeemed.SIGNED_IN, patient=patient)


def link_request(*, contact: str, date_of_birth: date) -> bool:
    """A patient asks for a new link, giving the e-mail address or mobile number on
    their record and their date of birth. When exactly one patient matches, a link
    goes to that contact; the caller says the same thing either way (no oracle)."""
    from patients.models import Patient

    contact = contact.strip()
    if not contact:
        return False
    # Few patients share a date of birth: match the contact among them in Python, so
    # a number typed with other spacing still matches.
    candidates = list(
        Patient.objects.filter(date_of_birth=date_of_birth).only(
            "pk", "email", "phone", "may_text", "date_of_birth"
        )[:200]
    )
    if "@" in contact:
        matches = [
            p for p in candidates if p.email and p.email.lower() == contact.lower()
        ]
        channel = LinkChannel.EMAIL
    else:
        digits = phone_digits(contact)
        matches = [
            p
            for p in candidates
            if p.may_text and len(digits) >= 7 and phone_digits(p.phone) == digits
        ]
        channel = LinkChannel.SMS
    if len(matches) != 1:
        return False
    link_send(patient=matches[0], channel=channel, by=None)
    return True
