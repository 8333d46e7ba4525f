from django.apps import AppConfig


class IptcareConfig(AppConfig):
    """The project package itself: base templates, static files, health check."""

    name = "iptcare"
    verbose_name = "IPT Care"

    def ready(self) -> None:
        from iptcare.lib import lookups

        lookups.register()
