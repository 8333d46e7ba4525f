from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkChannel(models.TextChoices):
    """How a sign-in link reached the patient."""

    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"
    TABLET = "tablet", "QR code for a clinic tablet"
    INVITATION = "invitation", "Questionnaire invitation"
    REQUESTED = "requested", "Asked for by the patient"


class HomeworkStatus(models.TextChoices):
    SET = "set", _("To do")
    DONE = "done", _("Done")
    REVIEWED = "reviewed", _("Talked about in session")
