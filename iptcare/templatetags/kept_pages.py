"""``{% kept_page %}…{% endkept_page %}``: the part of a patient's page that is kept
rendered under the view's ``kept_key`` until the record changes (iptcare.lib.kept_pages).
Without a ``kept_key`` in the context it renders as if the tag were not there.

A page kept in more than one place (its ``<title>`` names the course, which a kept
copy never reads) names each further part: ``{% kept_page "title" %}``.

``{% kept_in_process "name" value … %}…{% endkept_in_process %}``: a part of every
page that rests only on the values named and the release (the staff pages' header:
the reader, their role and name, the clinic's name), kept rendered in this process
under them (decisions/0074). The reader's CSRF token is put in on the way out."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils import translation

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


# A copy per reader and language (about 2 KB each): a process serves a few hundred.
_in_process = kept_pages.CopiesInProcess(2048)


class KeptInProcessNode(template.Node):
    def __init__(
        self, nodelist: NodeList, part: str, rests_on: list[FilterExpression]
    ) -> None:
        self.nodelist = nodelist
        self.part = part
        self.rests_on = rests_on

    def render(self, context: Context) -> str:
        request = context.get("request")
        if request is None or not kept_pages.in_use():
            return self.nodelist.render(context)
        key = (
            kept_pages.release(),
            get_script_prefix(),  # the links' own prefix, where the clinic serves it
            translation.get_language() or "",
            self.part,
            *(repr(value.resolve(context)) for value in self.rests_on),
        )
        html = _in_process.get(key)
        if html is None:
            with context.push(csrf_token=kept_pages.csrf_placeholder()):
                html = self.nodelist.render(context)
            _in_process.put(key, html)
        return kept_pages.with_token(html, request)


@register.tag("kept_in_process")
def kept_in_process(parser: Parser, token: Token) -> KeptInProcessNode:
    bits = token.split_contents()
    if len(bits) < 3 or not (bits[1][0] == bits[1][-1] and bits[1][0] in "\"'"):
        raise template.TemplateSyntaxError(
            "{% kept_in_process %} takes a quoted part name and what the part rests on."
        )
    nodelist = parser.parse(("endkept_in_process",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        # A page that overrides the block would set the part for every other page.
        raise template.TemplateSyntaxError(
            "{% kept_in_process %} may hold no {% block %}: its key names no template."
        )
    return KeptInProcessNode(
        nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]]
    )


def forget_in_process() -> None:
    """Drop every part kept in this process (tests)."""
    _in_process.clear()
