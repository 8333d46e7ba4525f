"""The framework's floor for ``make bench``: a bare Django "hello world" with no
middleware, no apps and no database. Both the settings and the URLconf (served by
gunicorn as ``hello:application`` with ``bench/`` on the path)."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hello")

SECRET_KEY = "bench-hello-world-not-a-secret"  # noqa: S105 - serves a constant only
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "hello"
DATABASES: dict[str, object] = {}
USE_TZ = True


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("hello", hello)]


def _application() -> object:
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


application = _application()
