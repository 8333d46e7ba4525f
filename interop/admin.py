from django.contrib import admin

from interop.models import ApiClient, ExportJob


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin[ApiClient]):
    """Administrators bind OAuth2 applications to a site or team and grant scopes;
    the secret itself is made with ``iptcare fhir_client``."""

    list_display = ["application", "site", "team", "recipient", "allowed_scopes"]
    list_select_related = ["application", "site", "team", "recipient"]


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin[ExportJob]):
    list_display = ["public_id", "client", "status", "resources_written", "created_at"]
    readonly_fields = [f.name for f in ExportJob._meta.fields]
