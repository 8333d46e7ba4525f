"""gunicorn's settings that keep patient data out of its access log (decision 0014):
``gunicorn iptcare.wsgi -c python:iptcare.gunicorn_conf``.

The log line carries the path without its query string (``%(U)s``, not the request
line ``%(r)s``) and no Referer (``%(f)s`` would repeat the previous page's query): the
caseload search's ``?q=`` holds names, record numbers and phone numbers, and a link's
``?next=`` can hold the same. Paths carry only opaque ids (UUIDs, record numbers are
never in a path).

Every field a client sends is written escaped (``iptcare.lib.log_lines``): gunicorn
writes a path's ``%0a`` as a line break and its ``%00`` as a NUL."""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger, SafeAtoms

from iptcare.lib.log_lines import access_field


class EscapedAtoms(SafeAtoms):  # type: ignore[misc]
    """gunicorn's fields with each text in printable ASCII; gunicorn then puts a
    backslash before each double quote."""

    def __init__(self, atoms: dict[str, Any]) -> None:
        super().__init__(
            {
                name: access_field(value) if isinstance(value, str) else value
                for name, value in atoms.items()
            }
        )


class AccessLogger(Logger):  # type: ignore[misc]
    atoms_wrapper_class = EscapedAtoms


# Address, time, "METHOD /path PROTOCOL", status, bytes, seconds, user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s "%(a)s"'
accesslog = "-"
logger_class = AccessLogger
