"""``{% submission_token %}``: the create form's one-time token, a hidden field beside
``{% csrf_token %}`` (iptcare.lib.submissions, decisions/0077)."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString

from iptcare.lib import kept_pages
from iptcare.lib.submissions import FIELD, submission_token

register = template.Library()


@register.simple_tag(takes_context=True, name="submission_token")
def submission_token_field(context: Context) -> SafeString:
    # In a kept page every reader gets their own token on the way out
    # (kept_pages.with_token), never the one it was rendered with.
    if context.get("csrf_token") == kept_pages.csrf_placeholder():
        token = kept_pages.submission_placeholder()
    else:
        token = submission_token()
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token)
