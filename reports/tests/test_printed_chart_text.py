"""Every text of every chart a PDF prints is at least the page's small print, as
printed: each chart's size is read from WeasyPrint's own layout of the document (the
width its box takes on the A4 page), then each text's size in the chart's units is
scaled by that width over the chart's viewBox. The small print is one constant
(``SMALL_PRINT_PT``), which the print CSS uses too."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from accounts.access import ServiceScope
from conftest import Clinic
from iptcare.lib.drawing import SMALL_PRINT_PT
from outcomes import dashboard, exports
from outcomes.forms import default_period
from outcomes.service_refresh import service_outcomes_refresh
from outcomes.tests.service_factories import service_course
from reports import documents, selectors
from reports.tests.factories import report_course

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels: 96 to the inch, 72 points


def _boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _printed_widths(html: str, css: str) -> list[float]:
    """The width, in points, of each inline SVG as WeasyPrint lays the document out,
    in document order."""
    weasyprint = pytest.importorskip("weasyprint")
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(string=css)]
    )
    return [
        box.width * PX_TO_PT
        for page in document.pages
        for box in _boxes(page._page_box)
        if type(getattr(box, "replacement", None)).__name__ == "SVGImage"
    ]


def _text_sizes(svg: str) -> list[tuple[str, float]]:
    """Each text of the SVG with its font size in the SVG's units (inherited from
    the nearest element that sets one)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own charts, not untrusted input
    found: list[tuple[str, float]] = []

    def walk(node: ET.Element, size: float | None) -> None:
        own = node.get("font-size")
        if own is not None:
            size = float(own.removesuffix("px"))
        if node.tag == f"{SVG}text":
            assert size is not None, "a text without a size"
            found.append(("".join(node.itertext()).strip(), size))
        for child in node:
            walk(child, size)

    walk(root, None)
    return found


def _printed_sizes(html: str, css: str) -> list[tuple[str, float]]:
    """Each chart text of the document with its size as printed, in points."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    widths = _printed_widths(html, css)
    assert len(widths) == len(charts) > 0
    printed = []
    for svg, width in zip(charts, widths, strict=True):
        viewbox = re.search(r'viewBox="([^"]+)"', svg)
        assert viewbox is not None
        units = float(viewbox.group(1).split()[2])
        printed += [(text, size * width / units) for text, size in _text_sizes(svg)]
    return printed


def _too_small(printed: list[tuple[str, float]]) -> list[tuple[str, float]]:
    return [(text, round(size, 2)) for text, size in printed if size < SMALL_PRINT_PT]


def test_the_print_css_uses_the_one_small_print_size() -> None:
    css = documents.report_css()
    assert f"figcaption {{ font-size: {SMALL_PRINT_PT:g}pt;" in css
    assert "{%" not in css and "small_print" not in css


def test_every_text_of_the_course_reports_charts_prints_at_least_small_print(
    clinic: Clinic,
) -> None:
    course = report_course(
        patient=clinic.patient,
        clinician=clinic.therapist_on_team,
        phq9=[22, 19, 16, 14, 12, 9, 7],  # every band of the PHQ-9, named at the edge
        gad7=[16, 14, 11, 9, 7, 5, 4],
        missed=2,
    )
    report = selectors.course_report(
        patient=course.patient,
        course_public_id=course.public_id,
        by=clinic.therapist_on_team,
    )
    printed = _printed_sizes(
        documents.course_report_html(report), documents.report_css()
    )
    texts = [text for text, _ in printed]
    assert "PHQ-9" in texts and "GAD-7" in texts  # both charts were measured
    assert "missed session" in texts  # the legend, the smallest text, is in them
    assert _too_small(printed) == []


@pytest.mark.parametrize("courses", [0, 6])
def test_every_text_of_the_service_reports_trend_prints_at_least_small_print(
    clinic: Clinic, courses: int
) -> None:
    for index in range(courses):
        service_course(
            clinician=clinic.therapist_on_team,
            team=clinic.team_a,
            phq9=(15, 5 if index % 2 else 12),
            ended_on=timezone.localdate() - timezone.timedelta(days=20),
        )
    service_outcomes_refresh()
    start, end = default_period(timezone.localdate())
    board = dashboard.service_dashboard(
        scope=ServiceScope(whole_service=True),
        filters=dashboard.Filters(start=start, end=end),
    )
    printed = _printed_sizes(exports.service_html(board), documents.report_css())
    assert "Recovery rate (%)" in [text for text, _ in printed]
    assert _too_small(printed) == []
