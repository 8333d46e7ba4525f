"""HTML to PDF with WeasyPrint, fetching nothing: no Django here.

A report is a self-contained HTML document (its chart an inline SVG) with its print
CSS handed over as a string — templates never carry inline ``<style>``, the rule every
page keeps for the CSP — so the converter never needs to fetch a resource. The URL fetcher it
is given refuses every scheme but ``data:``: a stray ``<img src="https://…">`` or
``<link href="file:///…">`` in a template is not fetched (WeasyPrint logs that it was
refused and leaves it out), so making a report cannot call out to the network or read
the server's files.

WeasyPrint is imported on first use: it loads Pango through cffi, which takes a
moment, and a machine without Pango still runs everything but the PDF
(``PdfUnavailable``; scripts/setup.sh installs it on Debian).
"""

from __future__ import annotations

from typing import Any

ALLOWED_SCHEMES = frozenset({"data"})


class PdfUnavailable(RuntimeError):
    """WeasyPrint or the Pango library it needs is not installed."""


def url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses everything but ``data:`` URLs."""
    try:
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    return URLFetcher(
        allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False, timeout=1
    )


def html_to_pdf(html: str, css: str = "") -> bytes:
    """The PDF of a self-contained HTML document styled by ``css``, tagged for screen
    readers (headings, tables and the figures' text are in the PDF's structure tree)."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    fetcher = url_fetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    stylesheets = [CSS(string=css, url_fetcher=fetcher)] if css else []
    pdf = document.write_pdf(stylesheets=stylesheets, pdf_tags=True)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target
        raise TypeError("WeasyPrint returned no bytes.")
    return pdf
