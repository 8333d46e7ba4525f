from django.contrib import admin

from disclosures.models import LegalText, Recipient


@admin.register(LegalText)
class LegalTextAdmin(admin.ModelAdmin[LegalText]):
    """New versions of a legal wording are added with their effective date; the newest
    in force is the one disclosures carry."""

    list_display = ["key", "version", "effective_on", "status"]
    list_filter = ["key", "status"]


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin[Recipient]):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
