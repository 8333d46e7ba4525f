"""``{% kept_page %}…{% endkept_page %}``: the part of a patient's page that is kept
rendered under the view's ``kept_key`` until the record changes (iptcare.lib.kept_pages).
Without a ``kept_key`` in the context it renders as if the tag were not there.

A page kept in more than one place (its ``<title>`` names the course, which a kept
copy never reads) names each further part: ``{% kept_page "title" %}``."""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context

from iptcare.lib import kept_pages

register = template.Library()


class KeptPageNode(template.Node):
    def __init__(self, nodelist: NodeList, part: str) -> None:
        self.nodelist = nodelist
        self.part = part

    def render(self, context: Context) -> str:
        key = context.get("kept_key")
        request = context.get("request")
        if not key or request is None:
            return self.nodelist.render(context)
        if self.part:
            key = f"{key}:{self.part}"

        def render(csrf_token: str | None) -> str:
            if csrf_token is None:
                return self.nodelist.render(context)
            with context.push(csrf_token=csrf_token):
                return self.nodelist.render(context)

        return kept_pages.kept(key, request, render)


@register.tag("kept_page")
def kept_page(parser: Parser, token: Token) -> KeptPageNode:
    bits = token.split_contents()
    if len(bits) > 2 or (
        len(bits) == 2 and not (bits[1][0] == bits[1][-1] and bits[1][0] in "\"'")
    ):
        raise template.TemplateSyntaxError(
            "{% kept_page %} takes at most a quoted part name."
        )
    nodelist = parser.parse(("endkept_page",))
    parser.delete_first_token()
    return KeptPageNode(nodelist, bits[1][1:-1] if len(bits) == 2 else "")
