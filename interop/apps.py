from django.apps import AppConfig


class InteropConfig(AppConfig):
    """FHIR R4 resources, the FHIR API for other systems (OAuth2 clients) and $export."""

    name = "interop"
    verbose_name = "FHIR interoperability"
