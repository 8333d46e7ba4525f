"""django-oauth-toolkit's scopes backend: a client may be granted only the scopes its
``ApiClient`` row allows (``system/<Type>.read`` per resource type)."""

from __future__ import annotations

from typing import Any

from oauth2_provider.scopes import BaseScopes

from interop.registry import scope_names


class ClientScopes(BaseScopes):  # type: ignore[misc]
    def get_all_scopes(self) -> dict[str, str]:
        return scope_names()

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = getattr(application, "api_client", None) if application else None
        if client is None:
            return []
        known = scope_names()
        return [s for s in client.allowed_scopes.split() if s in known]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request)
