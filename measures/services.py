"""Recording administrations of rating scales.

Each write is atomic and audited (category ``measure``) with the instrument id and
whether an answer was critical, never the answers. Critical answers become
``RiskEvent`` rows in the same transaction, so no saved risk answer is ever without one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.choices import Action
from measures.choices import Source
from measures.instruments.base import Instrument, InvalidAnswers, Score
from measures.models import Administration, RiskEvent, instrument_for, risk_kind_for

if TYPE_CHECKING:
    from accounts.models import Staff
    from patients.models import Patient

CATEGORY = "measure"
# Devices' clocks differ a little; an administration "a minute from now" is not in the future.
CLOCK_SKEW = timedelta(minutes=5)


def instrument_get(instrument_id: str) -> Instrument:
    """The instrument behind an id; a ``ValidationError`` for an unknown one."""
    instrument = instrument_for(instrument_id)
    if instrument is None:
        raise ValidationError(
            {"instrument_id": f"There is no questionnaire called {instrument_id!r}."},
            code="unknown_instrument",
        )
    return instrument


def answers_score(instrument: Instrument, answers: Sequence[int | None]) -> Score:
    """Score through the pure scorer; its refusal becomes a ``ValidationError`` with the
    scorer's message (which names the item and the allowed options)."""
    try:
        return instrument.score(list(answers))
    except InvalidAnswers as error:
        raise ValidationError(
            {"answers": str(error)}, code="invalid_answers"
        ) from error


def _extra_answers_check(
    instrument: Instrument, extra_answers: Sequence[int | None]
) -> list[int | None]:
    extra = list(extra_answers)
    if not extra:
        return []
    if len(extra) != len(instrument.extra_items):
        raise ValidationError(
            {
                "extra_answers": f"The {instrument.short_name} has "
                f"{len(instrument.extra_items)} unscored items; got {len(extra)} answers."
            }
        )
    for item, answer in zip(instrument.extra_items, extra, strict=True):
        valid = answer is None or (
            isinstance(answer, int)
            and not isinstance(answer, bool)
            and 0 <= answer < len(item.options)
        )
        if not valid:
            raise ValidationError(
                {
                    "extra_answers": f"{instrument.short_name} {item.name}: {answer!r} is "
                    f"not one of the options. Allowed: {item.describe_options()}, or no answer."
                }
            )
    return extra


def _risk_events(
    administration: Administration, earlier: Administration | None
) -> list[RiskEvent]:
    """One event per critical item that fired, except an answer a correction carried over
    unchanged from the version it corrects (that answer has its event already)."""
    already = set()
    if earlier is not None:
        already = set(earlier.risk_events.values_list("item_number", "answer_position"))
    instrument = instrument_get(administration.instrument_id)
    events = []
    for number in administration.critical_items:
        position = administration.answers[number - 1]
        if (number, position) in already:
            continue
        events.append(
            RiskEvent(
                patient=administration.patient,
                administration=administration,
                kind=risk_kind_for(administration.instrument_id, number),
                instrument_id=administration.instrument_id,
                item_number=number,
                answer_position=position,
                answer_score=(
                    None
                    if position is None
                    else instrument.item(number).options[position].score
                ),
            )
        )
    return RiskEvent.objects.bulk_create(events)


def _audit_detail(administration: Administration, extra: str = "") -> str:
    critical = "yes" if administration.critical_items else "no"
    detail = f"instrument={administration.instrument_id}; critical={critical}"
    return f"{detail}; {extra}" if extra else detail


def administration_scored(
    instrument: Instrument,
    answers: Sequence[int | None],
    *,
    extra_answers: Sequence[int | None] = (),
    **fields: Any,
) -> Administration:
    """An unsaved administration with the pure scorer's results in its columns — the
    one place that maps a ``Score`` onto the model (the demo builds its rows with it
    too). ``fields`` are the rest: patient, when, who, source."""
    score = answers_score(instrument, answers)
    return Administration(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        answers=list(answers),
        extra_answers=list(extra_answers),
        total=score.total,
        band=score.band or "",
        caseness=score.caseness,
        critical_items=list(score.critical),
        subscales=dict(score.subscales),
        flags=list(score.flags),
        incomplete_reason=score.reason or "",
        **fields,
    )


@transaction.atomic
def administration_record(
    *,
    by: Staff | None,
    instrument_id: str,
    answers: Sequence[int | None],
    source: Source | str,
    patient: Patient | None = None,
    administered_at: datetime | None = None,
    supersedes: Administration | None = None,
    extra_answers: Sequence[int | None] = (),
    correction_reason: str = "",
) -> Administration:
    """Score the answers (option positions, ``None`` = missing) and store them with the
    score, the instrument version, who entered them, when and from where.

    Critical answers are recorded as ``RiskEvent`` rows at once. With ``supersedes`` the
    new row is a correction: it joins the earlier row's series as the next revision, and
    the earlier row is marked superseded (never changed otherwise). ``patient`` may be
    left out only for an intake screening.

    Raises ``ValidationError`` for an unknown instrument, answers the instrument refuses
    (the message names the item and the allowed options), or a bad source or date.
    """
    instrument = instrument_get(instrument_id)
    administration = administration_scored(
        instrument,
        answers,
        extra_answers=_extra_answers_check(instrument, extra_answers),
        patient=patient,
        administered_at=administered_at or timezone.now(),
        entered_by=by,
        source=source,
        correction_reason=correction_reason.strip(),
    )
    if supersedes is not None:
        supersedes = _lock_current(supersedes)
        if supersedes.instrument_id != instrument.id:
            raise ValidationError("A correction must be of the same questionnaire.")
        if supersedes.patient_id != (patient.pk if patient else None):
            raise ValidationError("A correction must be for the same patient.")
        administration.supersedes = supersedes
        administration.series = supersedes.series
        administration.revision = supersedes.revision + 1
    _check(administration)
    administration.save()
    entries = [
        audit.Entry(
            Action.CREATE,
            CATEGORY,
            patient,
            str(administration.public_id),
            _audit_detail(
                administration,
                f"corrects={supersedes.public_id}" if supersedes is not None else "",
            ),
        )
    ]
    if supersedes is not None:
        supersedes.superseded_at = timezone.now()
        supersedes.save(update_fields=["superseded_at", "updated_at"])
        entries.append(
            audit.Entry(
                Action.UPDATE,
                CATEGORY,
                patient,
                str(supersedes.public_id),
                f"instrument={supersedes.instrument_id}; "
                f"superseded_by={administration.public_id}",
            )
        )
    risk_events = _risk_events(administration, supersedes)
    if risk_events:
        # Alerts read measures, not the other way round: import here, queue on commit.
        from alerts.tasks import alerts_raise_for_new_risk

        transaction.on_commit(alerts_raise_for_new_risk)
    for event in risk_events:
        entries.append(
            audit.Entry(
                Action.CREATE,
                "risk_event",
                patient,
                str(event.public_id),
                f"kind={event.kind}",
            )
        )
    audit.record_many(actor=by, entries=entries)
    return administration


def _lock_current(administration: Administration) -> Administration:
    """The row again, locked, refusing one that has been corrected already (two people
    correcting the same version at once: the second is told, not silently merged)."""
    locked = Administration.objects.select_for_update().get(pk=administration.pk)
    if locked.superseded_at is not None:
        raise ValidationError(
            "This version has been corrected already; correct the latest version."
        )
    return locked


def _check(administration: Administration) -> None:
    errors: dict[str, str] = {}
    if administration.source not in Source.values:
        errors["source"] = f"Unknown source {administration.source!r}."
    elif (
        administration.patient is None
        and administration.source != Source.INTAKE_SCREENING
    ):
        errors["patient"] = (
            "Only an intake screening may be recorded without a patient."
        )
    if administration.administered_at > timezone.now() + CLOCK_SKEW:
        errors["administered_at"] = "The date is in the future."
    if errors:
        raise ValidationError(errors)
    administration.full_clean(
        exclude=["answers", "extra_answers", "critical_items", "subscales", "flags"]
    )


@transaction.atomic
def administration_correct(
    *,
    by: Staff,
    original: Administration,
    answers: Sequence[int | None],
    reason: str,
    extra_answers: Sequence[int | None] | None = None,
) -> Administration:
    """A new version of ``original`` with corrected answers and the reason; the original
    stays as it was, marked superseded, and both are in the audit trail."""
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": "Say why the answers are being corrected."})
    return administration_record(
        by=by,
        instrument_id=original.instrument_id,
        answers=answers,
        source=original.source,
        patient=original.patient,
        administered_at=original.administered_at,
        supersedes=original,
        extra_answers=original.extra_answers
        if extra_answers is None
        else extra_answers,
        correction_reason=reason,
    )


@transaction.atomic
def administrations_link_patient(
    *, by: Staff, administrations: Iterable[Administration], patient: Patient
) -> int:
    """Give screening administrations made before the record existed their patient,
    with their risk events; returns how many were linked. Rows that already have a
    patient are left alone."""
    ids = [a.pk for a in administrations]
    rows = list(
        Administration.objects.select_for_update()
        .filter(pk__in=ids, patient__isnull=True)
        .values_list("pk", "public_id", "instrument_id")
    )
    if not rows:
        return 0
    pks = [pk for pk, _, _ in rows]
    Administration.objects.filter(pk__in=pks).update(
        patient=patient, updated_at=timezone.now()
    )
    linked_risks = RiskEvent.objects.filter(administration_id__in=pks).update(
        patient=patient, updated_at=timezone.now()
    )
    if linked_risks:
        # The answers waited for a record: raise their alerts now, not at the scan.
        from alerts.tasks import alerts_raise_for_new_risk

        transaction.on_commit(alerts_raise_for_new_risk)
    audit.record_many(
        actor=by,
        entries=[
            audit.Entry(
                Action.UPDATE,
                CATEGORY,
                patient,
                str(public_id),
                f"instrument={instrument_id}; fields: patient",
            )
            for _, public_id, instrument_id in rows
        ],
    )
    return len(rows)
