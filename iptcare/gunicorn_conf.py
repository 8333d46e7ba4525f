"""gunicorn's settings that keep patient data out of its access log (decision 0014):
``gunicorn iptcare.wsgi -c python:iptcare.gunicorn_conf``.

The log line carries the path without its query string (``%(U)s``, not the request
line ``%(r)s``) and no Referer (``%(f)s`` would repeat the previous page's query): the
caseload search's ``?q=`` holds names, record numbers and phone numbers, and a link's
``?next=`` can hold the same. Paths carry only opaque ids (UUIDs, record numbers are
never in a path)."""

from __future__ import annotations

# Address, time, "METHOD /path PROTOCOL", status, bytes, seconds, user agent.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s "%(a)s"'
accesslog = "-"
