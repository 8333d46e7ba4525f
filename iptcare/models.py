"""What the project package itself stores: the forms already saved (decisions/0077)."""

from __future__ import annotations

from django.db import models


class FormSubmission(models.Model):
    """A create form saved once: its key (who sent it, where, and the form's one-time
    token) is unique, so a second send of the same form
    — a double click, a resend, the same POST at the same moment — finds the first's
    row and is sent where the first went instead of saving again."""

    key = models.CharField(max_length=64, unique=True)
    # A POST without a token: a digest of what it said (its key is then the sender
    # and the address alone, so the row holds the last plain send there).
    words = models.CharField(max_length=64, blank=True)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"form saved at {self.created_at:%Y-%m-%d %H:%M}"
