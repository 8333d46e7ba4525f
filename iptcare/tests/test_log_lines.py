"""One event, one log line: control characters a client sent are escaped in the
application's log and in the access log's fields."""

from __future__ import annotations

import logging
import sys

import pytest
from django.conf import settings

from iptcare.lib.log_lines import OneLineFormatter, access_field, one_line


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("a\nFORGED", "a\\x0aFORGED"),
        ("a\r\nb", "a\\x0d\\x0ab"),
        ("nul\x00", "nul\\x00"),
        ("esc\x1b[31m del\x7f c1\x85", "esc\\x1b[31m del\\x7f c1\\x85"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("Zoë \\ tab-free", "Zoë \\ tab-free"),  # printable text as it is
    ],
)
def test_a_control_character_is_written_as_its_escape(sent: str, written: str) -> None:
    assert one_line(sent) == written


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("/nonexist\nFORGED", "/nonexist\\x0aFORGED"),
        ("caf\xc3\xa9\xff", "caf\\xc3\\xa9\\xff"),  # bytes as gunicorn hands them
        ("\u2028", "\\u2028"),
        ("typed\\x0a", "typed\\\\x0a"),  # a typed escape is not an escape
        ('Mozilla/5.0 "quoted"', 'Mozilla/5.0 "quoted"'),  # gunicorn escapes quotes
    ],
)
def test_an_access_log_field_is_printable_ascii(sent: str, written: str) -> None:
    assert access_field(sent) == written


def _record(message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    return logging.LogRecord(
        "axes",
        logging.WARNING,
        __file__,
        1,
        message,
        args,
        sys.exc_info() if exc else None,
    )


def test_the_applications_log_line_is_one_line_whatever_its_message() -> None:
    # given: a user name typed at sign-in, as a library logs it
    record = _record("Locked out: %s", "admin\n2026-01-01 INFO FORGED\x00")
    # when
    line = OneLineFormatter("%(levelname)s %(name)s %(message)s").format(record)
    # then
    assert line == "WARNING axes Locked out: admin\\x0a2026-01-01 INFO FORGED\\x00"


def test_a_traceback_keeps_its_lines_after_the_one_line_message() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = _record("failed for %s", "a\nb", exc=True)
    text = OneLineFormatter("%(message)s").format(record)
    first, *rest = text.splitlines()
    assert first == "failed for a\\x0ab"
    assert rest[0] == "Traceback (most recent call last):"


def test_the_settings_log_through_the_one_line_formatter() -> None:
    plain = settings.LOGGING["formatters"]["plain"]
    assert plain["()"] == "iptcare.lib.log_lines.OneLineFormatter"
