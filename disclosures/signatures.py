"""Checking a signature or a written document before it is stored: a drawn signature
arrives as a PNG ``data:`` URL from the canvas, a scan as an uploaded file. Only the
formats we can show back (PNG, JPEG, PDF) are kept, recognised by their first bytes,
not by what the browser claims."""

from __future__ import annotations

import base64
import binascii

MAX_DRAWN_BYTES = 200_000
MAX_SCAN_BYTES = 5_000_000
_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"%PDF-": "application/pdf",
}
_DATA_URL_PREFIX = "data:image/png;base64,"


class BadDocument(ValueError):
    """The signature or document is not one we can keep; the message says why."""


def content_type_of(data: bytes) -> str:
    for magic, content_type in _MAGIC.items():
        if data.startswith(magic):
            return content_type
    raise BadDocument("Upload a PDF, PNG or JPEG file.")


def drawn_signature(data_url: str) -> bytes:
    """The PNG bytes of a signature drawn on the canvas."""
    if not data_url.startswith(_DATA_URL_PREFIX):
        raise BadDocument("Draw the signature in the box, or upload a scan.")
    try:
        data = base64.b64decode(data_url[len(_DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise BadDocument("The drawn signature could not be read.") from None
    if len(data) > MAX_DRAWN_BYTES:
        raise BadDocument("The drawn signature is too large.")
    if content_type_of(data) != "image/png":
        raise BadDocument("The drawn signature could not be read.")
    return data


def scanned_document(data: bytes) -> tuple[bytes, str]:
    if not data:
        raise BadDocument("The file is empty.")
    if len(data) > MAX_SCAN_BYTES:
        raise BadDocument("The file is larger than 5 MB.")
    return data, content_type_of(data)


def as_data_url(data: bytes, content_type: str) -> str:
    """For showing a stored image back (the CSP allows ``data:`` images)."""
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"
