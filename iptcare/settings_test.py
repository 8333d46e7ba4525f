"""Test settings: the real settings with only what tests must change.

``DATABASE_URL`` still picks the database, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("IPTCARE_ENV", "test")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("SECRET_KEY", "test-only-key-" + "x" * 50)
os.environ.setdefault("IPTCARE_AUDIT_KEY", "test-only-audit-key-" + "y" * 44)

from iptcare.settings import *  # noqa: F403
from iptcare.settings import HUEY

# Argon2 by design costs ~50 ms; tests sign in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HUEY = {**HUEY, "huey_class": "huey.MemoryHuey", "immediate": True}
# Each test worker counts on its own (its tests share one address, 127.0.0.1);
# iptcare/tests/test_counters_on_disk.py tests the counters ``make run`` uses.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "counters": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "counters",
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Audit checkpoints go to a file of this test process's own, never the checkout's var/.
IPTCARE_AUDIT_CHECKPOINT_FILE = str(
    Path(tempfile.gettempdir()) / f"iptcare-test-checkpoints-{os.getpid()}.jsonl"
)
# A bulk export's parts in the test process: other processes cannot see a test's
# uncommitted rows (interop's own test of the worker processes says otherwise).
IPTCARE_FHIR_EXPORT_WORKERS = 1
