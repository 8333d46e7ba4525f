"""Messages to patients: e-mail through Django's mail, SMS through an adapter chosen by
``settings.SCHEDULING_SMS_BACKEND``.

Adapters take a number and a body and either send or raise; they never log the body or
the number (operational logs carry no patient data). Shipped here:

- ``ConsoleSmsBackend``: prints to standard output, the number masked (the demo);
- ``LocmemSmsBackend``: appends to ``outbox`` (tests).

A provider's adapter is a class with the same ``send`` method, named by class path.
The wording of every message is in ``compose_*`` below: no patient name, no clinical
word (``CLINICAL_WORDS`` is what the tests look for).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

# Words a message to a patient never contains: it may be read by someone else.
CLINICAL_WORDS = (
    "ipt",
    "interpersonal",
    "therapy",
    "therapist",
    "psych",
    "mental",
    "depress",
    "anxi",
    "addiction",
    "alcohol",
    "drug",
    "substance",
    "questionnaire",
    "phq",
    "gad",
    "audit",
    "suicid",
    "diagnos",
    "treatment",
    "clinic",
)


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> None: ...


def _masked(number: str) -> str:
    return "…" + number[-3:] if len(number) > 3 else "…"


class ConsoleSmsBackend:
    """The demo's SMS: printed, the number masked."""

    def send(self, *, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {_masked(to)}:\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


outbox: list[Sms] = []


class LocmemSmsBackend:
    """Tests' SMS: kept in ``scheduling.messaging.outbox``."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append(Sms(to=to, body=body))


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SCHEDULING_SMS_BACKEND)()
    return backend


def send_sms(*, to: str, body: str) -> None:
    sms_backend().send(to=to, body=body)


def send_email(*, to: str, subject: str, body: str) -> None:
    EmailMessage(
        subject=subject, body=body, from_email=settings.SCHEDULING_FROM_EMAIL, to=[to]
    ).send(fail_silently=False)


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    sms: str


def _when(local_start: datetime) -> str:
    return f"{local_start:%A} {local_start.day} {local_start:%B} at {local_start:%H:%M}"


def compose_reminder(*, local_start: datetime, place: str, video_link: str) -> Message:
    """'You have an appointment on Tuesday 4 March at 18:00 at Room 3.'"""
    sender = settings.SCHEDULING_SENDER_NAME
    when = _when(local_start)
    where = f" at {place}" if place else ""
    join = f"\nJoin by video: {video_link}" if video_link else ""
    body = (
        f"Hello,\n\nThis is a reminder of your appointment on {when}{where}.{join}\n\n"
        "If you cannot come, please let us know as soon as you can.\n\n"
        f"{sender}\n"
    )
    sms = f"Reminder: your appointment is on {when}{where}. {sender}"
    return Message(subject=f"Your appointment on {when}", body=body, sms=sms)


def compose_invitation(*, local_start: datetime, link: str) -> Message:
    """'Before your appointment on …, please answer a few questions: <link>'."""
    sender = settings.SCHEDULING_SENDER_NAME
    when = _when(local_start)
    body = (
        f"Hello,\n\nBefore your appointment on {when}, please answer a few short "
        f"questions here:\n{link}\n\nIt takes about five minutes.\n\n{sender}\n"
    )
    sms = f"Before your appointment on {when}, please answer a few questions: {link}"
    return Message(
        subject="A few questions before your appointment", body=body, sms=sms
    )


def compose_portal_link(*, link: str, hours: int) -> Message:
    """'Here is your link to sign in … it works once, for N hours.'"""
    sender = settings.SCHEDULING_SENDER_NAME
    body = (
        f"Hello,\n\nHere is your personal link to sign in:\n{link}\n\n"
        f"It works once, for the next {hours} hours. You will be asked for your date "
        "of birth. If you did not expect this message, you can ignore it.\n\n"
        f"{sender}\n"
    )
    sms = f"Your sign-in link (works once, for {hours} hours): {link} {sender}"
    return Message(subject="Your sign-in link", body=body, sms=sms)
