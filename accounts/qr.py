"""QR codes for enrolling an authenticator app, drawn here (segno), not by a web service."""

from __future__ import annotations

import segno


def qr_svg_data_uri(text: str) -> str:
    return str(segno.make(text, error="m").svg_data_uri(scale=5))
