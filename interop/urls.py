from django.contrib.auth.decorators import login_not_required
from django.urls import path
from oauth2_provider.views import TokenView

from interop import export_views, views
from interop.registry import TYPES

app_name = "fhir"

urlpatterns = [
    path("fhir/metadata", views.metadata, name="metadata"),
    path("fhir/openapi.json", views.openapi_json, name="openapi"),
    # OAuth2 client credentials (django-oauth-toolkit's token endpoint only).
    path("fhir/auth/token", login_not_required(TokenView.as_view()), name="token"),
    path("fhir/$export", export_views.kick_off, name="export"),
    path("fhir/$export-status/<uuid:job>", export_views.status, name="export-status"),
    path(
        "fhir/$export-file/<uuid:job>/<str:name>",
        export_views.download,
        name="export-file",
    ),
]
for name in TYPES:
    urlpatterns += [
        path(f"fhir/{name}", views.TYPE_VIEWS[name], name=f"{name}-type"),
        path(
            f"fhir/{name}/<str:resource_id>",
            views.READ_VIEWS[name],
            name=f"{name}-read",
        ),
    ]
