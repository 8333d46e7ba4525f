"""IPT Care settings: one file, read from the environment.

``IPTCARE_ENV`` picks the deployment kind:

- ``production``: every safety control on; ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be
  given; passes ``check --deploy`` with no warnings.
- ``development`` (the default, what ``make run`` uses): the demo clinic on SQLite at
  127.0.0.1, plain HTTP, no second factor, e-mail printed to the console.

Tests use ``iptcare.settings_test``, which changes only what tests need changed.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from iptcare.lib.env import env_bool, env_int, env_list, env_secret, env_str

# Lets admin and form classes be subscripted for the type checker at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("IPTCARE_VAR_DIR", str(BASE_DIR / "var")))

IPTCARE_ENV = env_str("IPTCARE_ENV", "development")
if IPTCARE_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("IPTCARE_ENV must be development, production or test")
PRODUCTION = IPTCARE_ENV == "production"

DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "DEBUG may not be on in production: error pages show data"
    )


def _secret_key(name: str = "SECRET_KEY", file_name: str = "secret_key") -> str:
    key = env_secret(name)
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set in production")
    # Development: a key made once per checkout and kept beside the demo database, so
    # sessions survive restarts without a secret ever being committed.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / file_name
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name this service's host names")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "oauth2_provider",
    "iptcare",
    "audit",
    "accounts",
    "patients",
    "measures",
    "ipt",
    "scheduling",
    "referrals",
    "outcomes",
    "alerts",
    "portal",
    "reports",
    "supervision",
    "interop",
    "disclosures",
    "recovery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestContextMiddleware",
    # Outside the rest, so it sees every answer under /fhir/, errors included.
    "interop.middleware.FhirErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes wants to be last: it turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iptcare.urls"
WSGI_APPLICATION = "iptcare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "iptcare" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "iptcare.context_processors.clinic",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'iptcare.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE makes a writing transaction
    # take the lock at its start, so two writers queue instead of failing mid-way.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("IPTCARE_PGBOUNCER", default=False):
        # Behind PgBouncer in transaction mode two transactions of one request may
        # reach different server connections: nothing may outlive a transaction, so
        # no server-side cursors and no prepared statements (docs/deployment.md).
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"]["OPTIONS"] = {"prepare_threshold": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, queue -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The rate limits' counters: every process must see one count (decisions/0078).
CACHES["counters"] = (
    CACHES["default"]
    if REDIS_URL
    else {
        "BACKEND": "iptcare.lib.counters_on_disk.CountersOnDisk",
        "LOCATION": str(VAR_DIR / "counters"),
    }
)

# A patient's pages are kept rendered until the database moves their record's version
# (decisions/0066); off only to compare a kept page with one rendered afresh.
IPTCARE_KEEP_PAGES = env_bool("IPTCARE_KEEP_PAGES", default=True)

HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "iptcare", "url": REDIS_URL}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "iptcare",
        "filename": str(VAR_DIR / "huey.sqlite3"),
    }
HUEY["immediate"] = env_bool("HUEY_IMMEDIATE", default=False)

# --- Authentication -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.Staff"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "patients:caseload"
LOGOUT_REDIRECT_URL = "accounts:sign-in"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend with the per-request user lookup built once
    # (decisions/0065).
    "accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# ASVS 6.2: at least 12 characters (15 recommended), no composition rules, common
# passwords refused; see docs/decisions/0004-session-and-lockout-limits.md.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Trust (#13): the client's address, lock-out -------------------------------------
# Behind N reverse proxies that append to X-Forwarded-For, the client's address is the
# Nth entry from the right; 0 uses the connection's own address (REMOTE_ADDR). The one
# setting every address-based rule reads (lock-out, rate limits, the audit trail)
# through iptcare.lib.ratelimit.client_address; docs/deployment.md.
# IPTCARE_CALLBACK_PROXY_COUNT is its earlier name, still read.
IPTCARE_TRUSTED_PROXY_COUNT = env_int(
    "IPTCARE_TRUSTED_PROXY_COUNT", env_int("IPTCARE_CALLBACK_PROXY_COUNT", 0)
)
# Lock-out (django-axes): failures count per user name across every address (guessing
# one account from many addresses) and, separately, per address (one address
# guessing many accounts). A locked account is refused before its password is
# checked, so the right password does not sign it in either.
AXES_FAILURE_LIMIT = env_int("IPTCARE_SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("IPTCARE_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "iptcare.lib.ratelimit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Second factor: required in production; off in the demo so the demo sign-ins work.
IPTCARE_REQUIRE_2FA = env_bool("IPTCARE_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = env_str("IPTCARE_ORGANISATION", "IPT Care")

# Sessions: idle 15 minutes, at most 12 hours (HIPAA automatic log-off, ASVS 7.1).
# Read from the shared cache (Redis) when there is one, kept in the database either
# way; written only when they change, and the "last active" mark moves at most once a
# minute (iptcare/lib/sessions.py, decisions/0058). Without Redis each process's cache
# is its own, so a sign-out in one would not reach another: the database alone then.
# With Redis, Django's cached_db engine that also reads the alert counter poll's entries
# in the session's round trip (iptcare/lib/sessions.py, decisions/0065).
SESSION_ENGINE = (
    "iptcare.lib.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
)
IPTCARE_SESSION_IDLE_SECONDS = env_int("IPTCARE_SESSION_IDLE_MINUTES", 15) * 60
IPTCARE_SESSION_TOUCH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
# The stored session outlives the idle limit by a few minutes, so the idle check
# (accounts/middleware.py, from the last-active mark) is what ends it: on time, and
# with the answer a background poll needs to bring up the sign-in page.
SESSION_COOKIE_AGE = IPTCARE_SESSION_IDLE_SECONDS + 5 * IPTCARE_SESSION_TOUCH_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IPTCARE_SESSION_ABSOLUTE_HOURS = env_int("IPTCARE_SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("IPTCARE_BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No CDN, no inline script: everything the pages run is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Static files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- E-mail -------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
# Trust (#13): outside development an unset mail server would print every message
# (addresses, names, links) to the console and so to the logs: refuse to start.
if PRODUCTION and not EMAIL_HOST:
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set in production: without a mail server every message "
        "would be printed to the log instead of sent"
    )
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IPT Care <no-reply@localhost>")

# --- Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
# One catalog for the whole project (portal pages, the choices patients read).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Logging: operational only; patient data never goes here (the audit log is separate)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # One line per event, whatever a client put in the message (log_lines).
        "plain": {
            "()": "iptcare.lib.log_lines.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes would log user names and addresses of failed sign-ins at INFO.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO (reports/pdf.py).
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# --- The clinic ---------------------------------------------------------------------
IPTCARE_ORGANISATION = env_str("IPTCARE_ORGANISATION", "IPT Care demo clinic")
IPTCARE_RECORD_NUMBER_PREFIX = env_str("IPTCARE_RECORD_NUMBER_PREFIX", "IPT")
IPTCARE_BREAK_GLASS_HOURS = env_int("IPTCARE_BREAK_GLASS_HOURS", 4)
IPTCARE_CRISIS_TEXT = env_str(
    "IPTCARE_CRISIS_TEXT",
    "If you are in danger now, call 999 (or 911 in the US). "
    "For urgent mental-health help, call NHS 111 and choose option 2, "
    "or the 988 Suicide & Crisis Lifeline in the US.",
)
IPTCARE_PAGE_SIZE = env_int("IPTCARE_PAGE_SIZE", 25)

# --- FHIR API (interop; docs/fhir.md) ------------------------------------------------
IPTCARE_FHIR_PAGE_SIZE = env_int("IPTCARE_FHIR_PAGE_SIZE", 50)
IPTCARE_FHIR_MAX_PAGE_SIZE = env_int("IPTCARE_FHIR_MAX_PAGE_SIZE", 500)
IPTCARE_FHIR_EXPORT_DIR = env_str(
    "IPTCARE_FHIR_EXPORT_DIR", str(VAR_DIR / "fhir-exports")
)
IPTCARE_FHIR_EXPORT_HOURS = env_int("IPTCARE_FHIR_EXPORT_HOURS", 24)
# Processes writing a bulk export's parts side by side; 0: one per core. One by default:
# about 6,000 resources/s in one process of under 250 MB, leaving the other cores to
# the web processes (docs/decisions/0061).
IPTCARE_FHIR_EXPORT_WORKERS = env_int("IPTCARE_FHIR_EXPORT_WORKERS", 1)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    # Client credentials only; each client's scopes come from its ApiClient row.
    "SCOPES_BACKEND_CLASS": "interop.scopes.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("IPTCARE_FHIR_TOKEN_SECONDS", 3600),
    # The OAuth 2.0 Security BCP (RFC 9700) throughout: no implicit or password grant,
    # no plain PKCE, no token in a URL, hashed tokens, https redirect URIs only. Only
    # client credentials are used, so none of this narrows what a client can do.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# A licensed clinic's own wording for instruments whose wording may not ship
# (docs/instruments.md); empty: those items show as "Item N".
IPTCARE_LICENSED_WORDING_FILE = env_str("IPTCARE_LICENSED_WORDING_FILE", "")

# --- Scheduling: reminders, questionnaire invitations, calendar feeds (docs/scheduling.md)
# The address links in messages, calendar feeds and portal QR codes start with (no
# trailing slash). Unset, it is the local address `make run` serves on (``PORT``).
IPTCARE_BASE_URL = env_str(
    "IPTCARE_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}"
)
# Where the patient portal is served; invitation and sign-in links start with it.
SCHEDULING_PORTAL_PATH = env_str("IPTCARE_PORTAL_PATH", "/portal/")
# --- The patient portal (docs/portal.md) ---------------------------------------------
# A link sent by e-mail or text works once, for this long; a QR code shown for a clinic
# tablet for minutes only. Wrong dates of birth before a link is revoked.
IPTCARE_PORTAL_LINK_HOURS = env_int("IPTCARE_PORTAL_LINK_HOURS", 48)
IPTCARE_PORTAL_TABLET_LINK_MINUTES = env_int("IPTCARE_PORTAL_TABLET_LINK_MINUTES", 10)
IPTCARE_PORTAL_DOB_ATTEMPTS = env_int("IPTCARE_PORTAL_DOB_ATTEMPTS", 5)
IPTCARE_PORTAL_IDLE_MINUTES = env_int("IPTCARE_PORTAL_IDLE_MINUTES", 15)
IPTCARE_PORTAL_ABSOLUTE_HOURS = env_int("IPTCARE_PORTAL_ABSOLUTE_HOURS", 4)
# Sign-in attempts and link requests per address and hour.
IPTCARE_PORTAL_RATE_LIMIT = env_int("IPTCARE_PORTAL_RATE_LIMIT", 10)
# Crisis lines the portal offers as one-tap calls: "label=number" pairs, ";"-separated.
IPTCARE_CRISIS_LINES = env_str(
    "IPTCARE_CRISIS_LINES",
    "Emergency services=999;NHS 111, option 2=111;Samaritans=116123;"
    "988 Suicide & Crisis Lifeline (US)=988",
)
SCHEDULING_REMINDER_HOURS = env_int("IPTCARE_REMINDER_HOURS", 24)
SCHEDULING_INVITATION_HOURS = env_int("IPTCARE_INVITATION_HOURS", 48)
# Who messages to patients come from: no clinical words (not "IPT", not "therapy").
SCHEDULING_SENDER_NAME = env_str("IPTCARE_MESSAGE_SENDER", "Your appointments team")
SCHEDULING_FROM_EMAIL = env_str(
    "IPTCARE_MESSAGE_FROM_EMAIL", "Appointments <no-reply@localhost>"
)
# The SMS adapter: console (prints) for the demo, locmem (an outbox) for tests, or a
# provider's class path in production.
SCHEDULING_SMS_BACKEND = env_str(
    "IPTCARE_SMS_BACKEND",
    "scheduling.messaging.LocmemSmsBackend"
    if IPTCARE_ENV == "test"
    else "scheduling.messaging.ConsoleSmsBackend",
)
SCHEDULING_DEFAULT_DURATION_MINUTES = env_int("IPTCARE_SESSION_MINUTES", 50)

# --- Intake: the public callback form and the intake queue (docs/intake.md) --------
# Accepted callback requests per hour from the same contact details, and from one
# address in all (a shelter's or a library's shared connection): decisions 0042.
IPTCARE_CALLBACK_RATE_LIMIT = env_int("IPTCARE_CALLBACK_RATE_LIMIT", 5)
IPTCARE_CALLBACK_ADDRESS_LIMIT = env_int("IPTCARE_CALLBACK_ADDRESS_LIMIT", 30)
# The number the public form's pages give for ringing the clinic ("" : none shown).
IPTCARE_INTAKE_PHONE = env_str("IPTCARE_INTAKE_PHONE", "")
IPTCARE_CALLBACK_RATE_WINDOW_SECONDS = env_int(
    "IPTCARE_CALLBACK_RATE_WINDOW_SECONDS", 3600
)
# The same request sent again (same contact, name and message) within this many
# minutes is not stored twice.
IPTCARE_CALLBACK_RESUBMIT_MINUTES = env_int("IPTCARE_CALLBACK_RESUBMIT_MINUTES", 60)
# A create form posted without its one-time token (a client that is not our page): the
# same words sent again by the same person to the same address, nothing else between,
# within this many seconds, are saved once (decisions/0077). With the token, the form
# is saved once whenever it comes back.
IPTCARE_RESUBMIT_SECONDS = env_int("IPTCARE_RESUBMIT_SECONDS", 120)
# The acknowledgement e-mail: a neutral sender, no clinical words (a phone may be shared).
IPTCARE_CALLBACK_FROM_EMAIL = env_str(
    "IPTCARE_MESSAGE_FROM_EMAIL", "Appointments <no-reply@localhost>"
)
IPTCARE_CALLBACK_SIGNATURE = env_str(
    "IPTCARE_CALLBACK_SIGNATURE", "The appointments team"
)
# With more than one site the form asks which; "not sure" goes to this site (by name;
# empty: the first site by name).
IPTCARE_INTAKE_DEFAULT_SITE = env_str("IPTCARE_INTAKE_DEFAULT_SITE", "")
# First contact within this many working days (Monday to Friday, minus closed days).
IPTCARE_INTAKE_CONTACT_WORKING_DAYS = env_int("IPTCARE_INTAKE_CONTACT_WORKING_DAYS", 1)
IPTCARE_INTAKE_CLOSED_DAYS = env_list("IPTCARE_INTAKE_CLOSED_DAYS", [])  # 2026-12-25,…
# After this many calls in a row that reach no one, the request is unreachable.
IPTCARE_INTAKE_FAILED_ATTEMPTS = env_int("IPTCARE_INTAKE_FAILED_ATTEMPTS", 3)
IPTCARE_INTAKE_SCREENING = env_list(
    "IPTCARE_INTAKE_SCREENING", ["phq9", "gad7", "auditc", "taps1"]
)
IPTCARE_INTAKE_PROGRAMS = env_list(
    "IPTCARE_INTAKE_PROGRAMS", ["ipt16", "ipt12", "brief8", "group"]
)

# --- Alerts and outcomes (docs/alerts.md, docs/outcomes.md) -------------------------
# An urgent alert nobody has acknowledged after this long goes to the team's supervisor.
IPTCARE_ALERT_ESCALATE_AFTER_MINUTES = env_int(
    "IPTCARE_ALERT_ESCALATE_AFTER_MINUTES", 120
)
# Diary: use reported after at least this many days reported without use is a relapse.
IPTCARE_ALERT_ABSTINENT_DAYS = env_int("IPTCARE_ALERT_ABSTINENT_DAYS", 14)
# Engagement: questionnaires due and not returned for this many sessions in a row.
IPTCARE_ALERT_MISSING_QUESTIONNAIRE_SESSIONS = env_int(
    "IPTCARE_ALERT_MISSING_QUESTIONNAIRE_SESSIONS", 3
)
# Not on track: an expected trajectory replaces the stated rule once a starting band
# has this many finished courses; the stated rule expects reliable improvement by this
# session.
IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES = env_int(
    "IPTCARE_OUTCOMES_MIN_REFERENCE_COURSES", 50
)
IPTCARE_OUTCOMES_STATED_RULE_SESSION = env_int(
    "IPTCARE_OUTCOMES_STATED_RULE_SESSION", 6
)
# Scores up to this many days before a course opens count as its baseline (intake).
IPTCARE_OUTCOMES_BASELINE_DAYS = env_int("IPTCARE_OUTCOMES_BASELINE_DAYS", 28)


# --- Trust (#13): the audit trail's key and checkpoints (decision 0015) ---------------
# The chain is an HMAC under this key, kept outside the database and apart from
# SECRET_KEY (rotating that one must not break the trail): whoever can write the
# database but not read the environment cannot rewrite the chain and rehash it.
IPTCARE_AUDIT_KEY = _secret_key("IPTCARE_AUDIT_KEY", "audit_key")
# Signed checkpoints of the chain's head are appended here (and logged to the
# "iptcare.audit.checkpoint" logger for a log sink): a place the application's
# database role cannot rewrite, so removing the newest rows shows.
IPTCARE_AUDIT_CHECKPOINT_FILE = env_str(
    "IPTCARE_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")
)
# The service dashboard: a rate over fewer courses than this is shown with its count and
# a Wilson interval, never as a bare percentage; exports withhold groups of fewer than
# IPTCARE_SERVICE_SUPPRESS_BELOW courses (docs/outcomes.md, "Service outcomes").
IPTCARE_SERVICE_SMALL_NUMBER = env_int("IPTCARE_SERVICE_SMALL_NUMBER", 10)
IPTCARE_SERVICE_SUPPRESS_BELOW = env_int("IPTCARE_SERVICE_SUPPRESS_BELOW", 5)
# How long the patient's own copy of their record stays downloadable in the portal.
IPTCARE_SUBJECT_ACCESS_DAYS = env_int("IPTCARE_SUBJECT_ACCESS_DAYS", 14)
