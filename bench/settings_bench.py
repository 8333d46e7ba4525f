"""The product's settings, plus the benchmark's Server-Timing middleware, outermost so
that every query of the request is counted (sessions, authentication, audit)."""

from iptcare.settings import *  # noqa: F403
from iptcare.settings import MIDDLEWARE

MIDDLEWARE = ["timing.ServerTiming", *MIDDLEWARE]
