"""The one write of the FHIR API: a QuestionnaireResponse from an external
questionnaire app, scored by the measures app's own service (so a risk answer raises
its alert as a portal answer does), idempotent by ``Idempotency-Key``."""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from pydantic import ValidationError as ModelError

from accounts.models import Site, Team
from audit import services as audit
from audit.choices import Action
from disclosures.models import Recipient
from interop import codes
from interop.models import ApiClient, IdempotentSubmission
from interop.registry import QUESTIONNAIRE_RESPONSE, validated
from interop.requester import Requester
from interop.resources import questionnaire_response as response_map
from interop.resources._common import parse_instant
from interop.resources.questionnaire import extra_link_id, position_of
from measures import services as measures
from measures.choices import Source
from measures.instruments import REGISTRY
from measures.models import Administration


class SubmissionRefused(Exception):
    """The submission cannot be taken; ``status`` and the message say why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Submitted:
    resource: dict[str, Any]
    created: bool
    """False when this answers a retry with the same key and body."""


def body_digest(data: Any) -> str:
    """The same JSON, however it is spaced or its keys ordered, digests the same."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _positions(
    instrument: Any, items: list[dict[str, Any]]
) -> tuple[list[Any], list[Any]]:
    by_link: dict[str, dict[str, Any]] = {}
    for entry in items:
        link = str(entry.get("linkId", ""))
        if link in by_link:
            raise SubmissionRefused(400, f"Item {link} is answered twice.")
        by_link[link] = entry
    links = {str(item.number) for item in instrument.items} | {
        extra_link_id(i) for i in range(len(instrument.extra_items))
    }
    stray = sorted(set(by_link) - links)
    if stray:
        raise SubmissionRefused(
            400, f"The {instrument.short_name} has no item {stray[0]!r}."
        )

    def position(item: Any, link: str) -> int | None:
        answers = by_link.get(link, {}).get("answer") or []
        if not answers:
            return None
        coding = answers[0].get("valueCoding")
        found = position_of(item, coding) if coding else None
        if len(answers) > 1 or found is None:
            raise SubmissionRefused(
                400,
                f"{instrument.short_name} item {link}: answer with one coding of the "
                "Questionnaire's answerOption.",
            )
        return found

    answers = [position(item, str(item.number)) for item in instrument.items]
    extras = [
        position(item, extra_link_id(i))
        for i, item in enumerate(instrument.extra_items)
    ]
    return answers, extras if any(p is not None for p in extras) else []


def _parse(requester: Requester, data: Any) -> dict[str, Any]:
    if (
        not isinstance(data, dict)
        or data.get("resourceType") != "QuestionnaireResponse"
    ):
        raise SubmissionRefused(400, "Send one QuestionnaireResponse resource.")
    try:
        QUESTIONNAIRE_RESPONSE.model.model_validate(data)
    except ModelError as error:
        fields = sorted({".".join(map(str, e["loc"])) for e in error.errors()})[:5]
        raise SubmissionRefused(
            400, f"Not a valid R4 QuestionnaireResponse: check {', '.join(fields)}."
        ) from None
    if data.get("status") != "completed":
        raise SubmissionRefused(400, "Only a completed QuestionnaireResponse is taken.")
    canonical = str(data.get("questionnaire", "")).partition("|")[0]
    instrument = REGISTRY.get(canonical.removeprefix(codes.QUESTIONNAIRE_BASE))
    if instrument is None or not canonical.startswith(codes.QUESTIONNAIRE_BASE):
        raise SubmissionRefused(
            400,
            f"questionnaire must be one of this server's: {codes.QUESTIONNAIRE_BASE}<id>.",
        )
    subject = str((data.get("subject") or {}).get("reference", ""))
    patient = None
    if subject.startswith("Patient/"):
        try:
            public_id = uuid.UUID(subject.removeprefix("Patient/"))
        except ValueError:
            public_id = None
        if public_id is not None:
            patient = (
                requester.patients("QuestionnaireResponse", clinical=True)
                .filter(public_id=public_id)
                .first()
            )
    if patient is None:
        raise SubmissionRefused(404, "No such patient.")
    answers, extras = _positions(instrument, list(data.get("item") or []))
    authored: datetime | None = None
    if data.get("authored"):
        authored = parse_instant(str(data["authored"]))
        if authored.tzinfo is None:
            raise SubmissionRefused(400, "authored needs a time zone.")
    return {
        "instrument_id": instrument.id,
        "answers": answers,
        "extra_answers": extras,
        "patient": patient,
        "administered_at": authored,
    }


def _resource(administration: Administration) -> dict[str, Any]:
    assert administration.patient is not None  # noqa: S101 - API rows always have one
    return validated(
        QUESTIONNAIRE_RESPONSE,
        response_map.to_fhir(administration, str(administration.patient.public_id)),
    )


def _replay(client: ApiClient, key: str, digest: str) -> Submitted | None:
    earlier = IdempotentSubmission.objects.filter(client=client, key=key).first()
    if earlier is None:
        return None
    if earlier.body_sha256 != digest:
        raise SubmissionRefused(
            422, "This Idempotency-Key was used with another body; use a new key."
        )
    administration = Administration.objects.select_related("patient").get(
        public_id=earlier.resource_id
    )
    return Submitted(_resource(administration), created=False)


def questionnaire_response_submit(
    *, requester: Requester, key: str, data: Any
) -> Submitted:
    """Score and store a response once per key (draft-ietf-httpapi-idempotency-key):
    a retry with the same key and body gets the same answer and no second row; the
    same key with another body is refused with 422."""
    client = requester.client
    if client is None or not requester.may("QuestionnaireResponse", "write"):
        raise SubmissionRefused(403, "This client may not submit responses.")
    key = key.strip()
    if not key or len(key) > 200:
        raise SubmissionRefused(
            400, "Send an Idempotency-Key header (1–200 characters)."
        )
    digest = body_digest(data)
    replay = _replay(client, key, digest)
    if replay is not None:
        return replay
    fields = _parse(requester, data)
    try:
        with transaction.atomic():
            administration = measures.administration_record(
                by=None, source=Source.IMPORT, **fields
            )
            IdempotentSubmission.objects.create(
                client=client,
                key=key,
                body_sha256=digest,
                resource_id=str(administration.public_id),
                status_code=201,
            )
            audit.record(
                actor=None,
                actor_label=client.label,
                action=Action.CREATE,
                category="fhir",
                patient=fields["patient"],
                object_id=str(administration.public_id),
                detail="type=QuestionnaireResponse; via=api",
            )
    except ValidationError as error:
        raise SubmissionRefused(400, " ".join(error.messages)) from None
    except IntegrityError:
        # The same key arrived twice at once: the other request's row won.
        replay = _replay(client, key, digest)
        if replay is None:  # pragma: no cover - the row that won is there
            raise
        return replay
    administration.patient = fields["patient"]
    return Submitted(_resource(administration), created=True)


def _site_named(name: str) -> Site:
    site = Site.objects.filter(name=name).first()  # a site's name is unique
    if site is None:
        raise SubmissionRefused(404, f"No site is called {name!r}.")
    return site


def _team_named(name: str, site: Site | None) -> Team:
    """The one team of that name (at ``site`` if given), or its Organization id
    ``team-<n>``. Team names repeat across sites (every demo site has an "IPT team"),
    so a name that fits more than one is refused with the choices: a client bound to
    the wrong team would read the wrong site's patients."""
    teams = Team.objects.select_related("site").order_by("site__name", "pk")
    if site is not None:
        teams = teams.filter(site=site)
    found = list(teams.filter(name=name))
    number = name.removeprefix("team-")
    if not found and name.startswith("team-") and number.isdigit():
        found = list(teams.filter(pk=int(number)))
    if not found:
        where = f" at {site.name}" if site is not None else ""
        raise SubmissionRefused(404, f"No team is called {name!r}{where}.")
    if len(found) > 1:
        choices = "; ".join(
            f"team-{team.pk} at {team.site.name} (--site {team.site.name!r})"
            for team in found
        )
        raise SubmissionRefused(
            400,
            f"{len(found)} teams are called {name!r}: {choices}. Say which with "
            "--site, or give --team team-<n>.",
        )
    return found[0]


def _recipient_named(name: str) -> Recipient:
    """The one recipient of that name, or the one with that public id; recipients'
    names may repeat, and records must not go to the wrong one."""
    found = list(Recipient.objects.filter(name=name).order_by("pk"))
    if not found:
        with contextlib.suppress(ValueError):  # not an id either
            found = list(Recipient.objects.filter(public_id=uuid.UUID(name)))
    if not found:
        raise SubmissionRefused(404, f"No disclosure recipient is called {name!r}.")
    if len(found) > 1:
        choices = "; ".join(
            f"{recipient.public_id} ({recipient.get_kind_display()})"
            for recipient in found
        )
        raise SubmissionRefused(
            400,
            f"{len(found)} disclosure recipients are called {name!r}: {choices}. "
            "Give --recipient <id> for the one meant.",
        )
    return found[0]


@transaction.atomic
def api_client_register(
    *,
    name: str,
    site_name: str | None,
    team_name: str | None,
    scopes: str,
    recipient_name: str,
    secret: str,
) -> ApiClient:
    """An OAuth2 client-credentials application and its binding to one site or team:
    ``team_name`` alone, ``team_name`` at ``site_name``, or ``site_name`` alone."""
    from oauth2_provider.models import Application

    from interop.registry import scope_names

    unknown = set(scopes.split()) - set(scope_names())
    if unknown or not scopes.split():
        raise SubmissionRefused(400, f"Unknown scopes: {' '.join(sorted(unknown))}.")
    if not site_name and not team_name:
        raise SubmissionRefused(400, "Bind the client to a site or a team.")
    site = _site_named(site_name) if site_name else None
    team = _team_named(team_name, site) if team_name else None
    if team is not None:
        site = None  # bound to the team; the site only said which team
    recipient = _recipient_named(recipient_name) if recipient_name else None
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    client = ApiClient(
        application=application,
        site=site,
        team=team,
        recipient=recipient,
        allowed_scopes=" ".join(scopes.split()),
    )
    client.full_clean()
    client.save()
    audit.record(
        actor=None,
        action=Action.CREATE,
        category="fhir_client",
        object_id=application.client_id,
        detail=f"scopes={client.allowed_scopes}"[:500],
    )
    return client
