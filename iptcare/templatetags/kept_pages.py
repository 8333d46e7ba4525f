"""``{% kept_page %}…{% endkept_page %}``: the part of a patient's page that is kept
rendered under the view's ``kept_key`` until the record changes (iptcare.lib.kept_pages).
Without a ``kept_key`` in the context it renders as if the tag were not there."""

from __future__ import annotations

from django import template
from django.template.base import NodeList, Parser, Token
from django.template.context import Context

from iptcare.lib import kept_pages

register = template.Library()


class KeptPageNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        key = context.get("kept_key")
        request = context.get("request")
        if not key or request is None:
            return self.nodelist.render(context)

        def render(csrf_token: str | None) -> str:
            if csrf_token is None:
                return self.nodelist.render(context)
            with context.push(csrf_token=csrf_token):
                return self.nodelist.render(context)

        return kept_pages.kept(key, request, render)


@register.tag("kept_page")
def kept_page(parser: Parser, token: Token) -> KeptPageNode:
    nodelist = parser.parse(("endkept_page",))
    parser.delete_first_token()
    return KeptPageNode(nodelist)
