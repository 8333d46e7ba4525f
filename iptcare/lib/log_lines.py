"""One event, one log line: text a client sent (a path, a user agent, a user name
typed at sign-in) is written with its control characters escaped as ``\\x0a``, so it
can neither start a forged line nor hide one (a NUL makes grep call the file binary).

No Django imports: gunicorn's settings (``iptcare.gunicorn_conf``) load this before
Django is set up."""

from __future__ import annotations

import logging
import re

# C0, DEL and C1 controls, and the two Unicode line breaks some readers split on.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# An access log field: anything but printable ASCII, and the backslash that escapes.
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x5b\x5d-\x7e]")


def _escaped(match: re.Match[str]) -> str:
    character = match.group()
    if character == "\\":
        return "\\\\"
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``text`` with its control characters escaped; the rest as it is."""
    return _CONTROL.sub(_escaped, text)


def access_field(text: str) -> str:
    """A field of the access log as the client sent it, in printable ASCII: any other
    character as its code (``\\xe9``, ``\\u2028``, as Django's request log writes
    them) and a backslash doubled, as Apache's and nginx's access logs do, so an
    escape seen in the log was not typed by the client."""
    return _NOT_PRINTABLE_ASCII.sub(_escaped, text)


class OneLineFormatter(logging.Formatter):
    """The application's log lines: the message (with whatever a client put in it)
    on one line. A traceback, added after the line, keeps its own lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        return one_line(super().formatMessage(record))
