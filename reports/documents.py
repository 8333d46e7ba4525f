"""The course report as a document: its HTML from a Django template, then its PDF.

Kept apart so that tests (and anyone checking a report's wording) can read the HTML
without converting it.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from reports.pdf import html_to_pdf
from reports.selectors import CourseReport

TEMPLATE = "reports/course_report.html"
STYLESHEET = "reports/_print.css"


def course_report_html(report: CourseReport) -> str:
    """The report as one self-contained HTML document: its charts the progress page's
    inline SVG, no URL to fetch (its print CSS is ``report_css``)."""
    return render_to_string(TEMPLATE, {"report": report})


def report_css() -> str:
    return render_to_string(STYLESHEET)


def course_report_pdf(report: CourseReport) -> bytes:
    return html_to_pdf(course_report_html(report), report_css())
