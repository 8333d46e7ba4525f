from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff, roles, sites and teams, sign-in, second factor, and who may see which patient."""

    name = "accounts"
    verbose_name = "Staff and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import note_sign_in_time

        # Session bookkeeping only (no domain logic): every way of signing in, ours or
        # the admin's, starts the absolute session clock.
        user_logged_in.connect(note_sign_in_time, dispatch_uid="iptcare_sign_in_time")
