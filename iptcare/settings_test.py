"""Test settings: the real settings with only what tests must change.

``DATABASE_URL`` still picks the database, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os

os.environ.setdefault("IPTCARE_ENV", "test")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)

from iptcare.settings import *  # noqa: F403
from iptcare.settings import HUEY

# Argon2 by design costs ~50 ms; tests sign in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
