"""Who is asking the FHIR API: a staff member's signed-in session, or another system
with an OAuth2 access token (client credentials). Resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from oauth2_provider.oauth2_backends import get_oauthlib_core

from accounts import access
from patients.models import Patient

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import Staff
    from interop.models import ApiClient

READ, WRITE = "read", "write"


@dataclass(frozen=True)
class Requester:
    staff: Staff | None = None
    client: ApiClient | None = None
    scopes: frozenset[str] = frozenset()

    def may(self, resource_type: str, action: str = READ) -> bool:
        """Staff may read every type (access rules decide which records); a client
        needs the type's scope, ``system/<Type>.<read|write>``."""
        if self.staff is not None:
            return action == READ
        return bool(
            {f"system/{resource_type}.{action}", f"system/*.{action}"} & self.scopes
        )

    @property
    def audit_label(self) -> str:
        return self.client.label if self.client is not None else ""

    def patients(self, resource_type: str, *, clinical: bool) -> QuerySet[Patient]:
        """The patients whose ``resource_type`` records (clinical ones if asked) this
        requester may read: the one access module, then the release rules."""
        from interop.release import releasable

        if self.staff is not None:
            patients = (
                access.clinical_patients_visible_to(self.staff)
                if clinical
                else access.patients_visible_to(self.staff)
            )
        elif self.client is not None:
            patients = access.patients_visible_to_system(
                site_id=self.client.site_id, team_id=self.client.team_id
            )
        else:  # pragma: no cover - the views answer 401 first
            patients = Patient.objects.none()
        return releasable(patients, self, resource_type)

    @property
    def site_id(self) -> int | None:
        if self.client is not None:
            if self.client.team is not None:
                return self.client.team.site_id
            return self.client.site_id
        return self.staff.site_id if self.staff is not None else None


class BadToken(Exception):
    """A bearer token was sent but is unknown, expired, revoked or not a client's."""


def requester_for(request: HttpRequest) -> Requester | None:
    """The requester, ``None`` when nobody is signed in; ``BadToken`` for a token that
    does not hold. A bearer token wins over a session cookie."""
    from interop.models import ApiClient

    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        token = getattr(oauth_request, "access_token", None)
        if not valid or token is None or token.application_id is None:
            raise BadToken
        client = (
            ApiClient.objects.select_related("application", "team", "recipient")
            .filter(application_id=token.application_id)
            .first()
        )
        if client is None:
            raise BadToken
        allowed = set(client.allowed_scopes.split())
        return Requester(
            client=client, scopes=frozenset(set(token.scope.split()) & allowed)
        )
    user = request.user
    if user.is_authenticated and user.is_active:
        return Requester(staff=user)
    return None
