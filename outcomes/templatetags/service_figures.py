"""How a service rate reads: on the page (with its Wilson interval when small) and in
an export (withheld when its group is under the suppression minimum)."""

from __future__ import annotations

from django import template

from outcomes import service

register = template.Library()


def _withheld_text(minimum: int) -> str:
    return f"suppressed (fewer than {minimum})"


@register.filter
def rate_text(rate: service.Rate) -> str:
    return rate.text


@register.filter
def export_rate(rate: service.Rate, minimum: int) -> str:
    if service.suppressed(rate.denominator, minimum=minimum):
        return _withheld_text(minimum)
    return rate.text


@register.filter
def export_count(count: int, minimum: int) -> str:
    if service.suppressed(count, minimum=minimum):
        return _withheld_text(minimum)
    return str(count)


@register.filter
def label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, key)


@register.simple_tag(takes_context=True)
def figure(
    context: template.Context, rate: service.Rate, courses: int | None = None
) -> str:
    """The rate as the page shows it, or as an export writes it (``export`` set).
    ``courses``: the courses behind a rate over something else (sessions), withheld
    when they are few whatever its denominator."""
    if context.get("export"):
        minimum = context["dashboard"].suppress_below
        if courses is not None and service.suppressed(courses, minimum=minimum):
            return _withheld_text(minimum)
        return export_rate(rate, minimum)
    return rate.text


@register.simple_tag(takes_context=True)
def withheld(context: template.Context, courses: int) -> bool:
    """Whether a figure over ``courses`` courses is withheld here (exports only)."""
    return bool(context.get("export")) and service.suppressed(
        courses, minimum=context["dashboard"].suppress_below
    )


@register.simple_tag(takes_context=True)
def tally(context: template.Context, count: int) -> str:
    if context.get("export"):
        return export_count(count, context["dashboard"].suppress_below)
    return str(count)
