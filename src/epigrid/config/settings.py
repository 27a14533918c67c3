"""Django settings. Every value comes from the environment (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from pathlib import Path

from celery.schedules import crontab

from epigrid.config import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

SECRET_KEY = env.secret_key(DATA_DIR)
# Identity fields (ID numbers, phones): AES-GCM keys "kid:base64,..." (the first encrypts) and
# the HMAC key of their look-up hashes. Generated into the data directory for a demo only.
EPIGRID_FIELD_KEYS = env.generated_secret("EPIGRID_FIELD_KEYS", DATA_DIR / "field_keys",
                                          env.field_key_spec)
EPIGRID_HASH_KEY = env.generated_secret("EPIGRID_HASH_KEY", DATA_DIR / "hash_key",
                                        lambda: secrets.token_urlsafe(32))
DEBUG = env.env_bool("EPIGRID_DEBUG", False)
ALLOWED_HOSTS = env.env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves the API docs' Swagger UI from its bundled static files (offline), no CDN
    "epigrid.core",
    "epigrid.areas",
    "epigrid.accounts",
    "epigrid.registry",
    "epigrid.alerts",
    "epigrid.cases",
    "epigrid.checkpoints",
    "epigrid.care",
    "epigrid.problems",
    "epigrid.supplies",
    "epigrid.supervision",
    "epigrid.mobilization",
    "epigrid.volunteers",
    "epigrid.reporting",
    "epigrid.dashboards",
    "epigrid.briefing",
    "epigrid.web",
    "epigrid.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "epigrid.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "epigrid.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "epigrid.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "epigrid.config.urls"
WSGI_APPLICATION = "epigrid.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "epigrid.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database(env.env_str("DATABASE_URL"), DATA_DIR,
                                    jit=env.env_bool("EPIGRID_DB_JIT", False))}
# The device APIs' hand-written queries (core.rows) bind on the server: psycopg prepares one it has
# run this many times on a connection (parsed and planned once); 0 turns that off, for a pooler
# that cannot keep prepared statements. Django's own queries bind on the client and never prepare.
PREPARE_AFTER = env.env_int("EPIGRID_DB_PREPARE_AFTER", 5, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = PREPARE_AFTER or None  # type: ignore[index]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins: after this many within the window, the account and the client address wait.
LOGIN_FAILURE_LIMIT = env.env_int("EPIGRID_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env.env_int("EPIGRID_LOGIN_FAILURE_WINDOW", 900)

SECURE_COOKIES = env.env_bool("EPIGRID_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.env_int("EPIGRID_SESSION_SECONDS", 12 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.env_bool("EPIGRID_SSL_REDIRECT", False)
# Strict-Transport-Security, once every host name of the deployment answers over HTTPS only: a
# browser that saw it refuses plain HTTP for that long, so it is off unless asked for.
SECURE_HSTS_SECONDS = env.env_int("EPIGRID_HSTS_SECONDS", 0, minimum=0)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_COOKIES else None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["epigrid.config.formats"]  # ISO dates first in Chinese forms
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.env_str("TIME_ZONE", "Asia/Shanghai")
DAILY_CUTOFF = env.env_hhmm("EPIGRID_DAILY_CUTOFF", "16:00")
# The morning's digest of the claims of hours waiting for the volunteers' keepers.
VOLUNTEER_DIGEST_AT = env.env_hhmm("EPIGRID_VOLUNTEER_DIGEST_AT", "08:00")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": env.env_str("EPIGRID_MEDIA_DIR")
                            or str(DATA_DIR / "media")}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CELERY_BROKER_URL = env.env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.env_str("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Run by `celery beat` (`epigrid worker --beat`): periodic checks and figures.
CELERY_BEAT_SCHEDULE = {
    "check-missed-follow-ups": {"task": "epigrid.cases.check_missed_follow_ups",
                                "schedule": env.env_int("EPIGRID_FOLLOW_UP_CHECK_SECONDS", 1800)},
    # Today's case figures every 15 minutes; yesterday's once more after midnight.
    "recompute-case-figures": {"task": "epigrid.cases.recompute_figures", "schedule": 900},
    # Imports and background exports whose task the broker or a worker lost (core.stranded).
    "resend-stranded-imports": {"task": "epigrid.core.resend_stranded_imports", "schedule": 300},
    "resend-stranded-exports": {"task": "epigrid.core.resend_stranded_exports", "schedule": 300},
    "recompute-yesterdays-case-figures": {"task": "epigrid.cases.recompute_figures",
                                          "schedule": crontab(hour=0, minute=10),
                                          "kwargs": {"days_back": 1}},
    # Screening progress of the campaigns still running, recounted whole (registry.progress).
    "recompute-screening-progress": {"task": "epigrid.registry.recompute_open_campaigns",
                                     "schedule": crontab(hour=2, minute=40)},
    # The IDs held in more than one household, recounted whole (registry.duplicates).
    "recount-duplicate-ids": {"task": "epigrid.registry.recount_duplicates",
                              "schedule": crontab(hour=3, minute=10)},
    # Personal data past its retention limit (core.retention), at night.
    "purge-expired-data": {"task": "epigrid.core.purge_expired",
                           "schedule": crontab(hour=3, minute=30)},
}

# Text messages 短信 of notices sent by hand (alerts.sms): the gateway's address, which takes a
# POST of {"phones": [...], "text": "..."} with a bearer token; empty, nothing is texted.
SMS_GATEWAY_URL = env.env_url("EPIGRID_SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env.env_str("EPIGRID_SMS_GATEWAY_TOKEN")
SMS_BATCH = env.env_int("EPIGRID_SMS_BATCH", 100, minimum=1)
# Notices e-mailed too when their sender asks (alerts.mailing): the mail server, off unless a
# host is given; Django's own mail settings, read here from the environment.
EMAIL_HOST = env.env_str("EPIGRID_EMAIL_HOST")
EMAIL_PORT = env.env_int("EPIGRID_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env.env_str("EPIGRID_EMAIL_USER")
EMAIL_HOST_PASSWORD = env.env_str("EPIGRID_EMAIL_PASSWORD")
EMAIL_USE_TLS = env.env_bool("EPIGRID_EMAIL_TLS", False)
EMAIL_TIMEOUT = 10  # seconds: a server that does not answer fails the run, not the worker
DEFAULT_FROM_EMAIL = env.env_str("EPIGRID_EMAIL_FROM", "epigrid@localhost")
# Where users open epigrid (https://epigrid.example.org): e-mails link to the inbox there.
SITE_URL = env.env_str("EPIGRID_SITE_URL").rstrip("/")

# Retention limits in days (`epigrid purge`, core.retention); 0 keeps the records for good.
RETAIN_PASSAGES_DAYS = env.env_int("EPIGRID_RETAIN_PASSAGES_DAYS", 60, minimum=0)
RETAIN_NOTICES_DAYS = env.env_int("EPIGRID_RETAIN_NOTICES_DAYS", 90, minimum=0)
RETAIN_IMPORT_ERRORS_DAYS = env.env_int("EPIGRID_RETAIN_IMPORT_ERRORS_DAYS", 30, minimum=0)
RETAIN_AUDIT_DAYS = env.env_int("EPIGRID_RETAIN_AUDIT_DAYS", 0, minimum=0)
RETAIN_EXPORT_FILES_DAYS = env.env_int("EPIGRID_RETAIN_EXPORT_FILES_DAYS", 7, minimum=0)

# The quarantine and case policy of this deployment (docs/cases.md).
QUARANTINE_DAYS = env.env_int("EPIGRID_QUARANTINE_DAYS", 14)
QUARANTINE_RELEASE_NEGATIVE_TESTS = env.env_int("EPIGRID_QUARANTINE_RELEASE_TESTS", 2)
FEVER_THRESHOLD = env.env_decimal("EPIGRID_FEVER_THRESHOLD", "37.3")
# Serial interval for Rt (cases/rt.py): "gamma:MEAN:SD" in days, or daily probabilities
# "0,p1,p2,..."; the default is SARS-CoV-2's (Nishiura et al. 2020).
CASE_SERIAL_INTERVAL = env.env_str("EPIGRID_SERIAL_INTERVAL", "gamma:4.7:2.9")

# Risk levels 风险等级 (docs/reporting.md): new local confirmed cases in the window that make a
# town or village high or medium risk; read when the rules run.
RISK_WINDOW_DAYS = env.env_int("EPIGRID_RISK_WINDOW_DAYS", 14, minimum=1)
RISK_HIGH_AT = env.env_int("EPIGRID_RISK_HIGH_AT", 10, minimum=1)
RISK_MEDIUM_AT = env.env_int("EPIGRID_RISK_MEDIUM_AT", 1, minimum=1)
env.check_at_most("EPIGRID_RISK_MEDIUM_AT", RISK_MEDIUM_AT, "EPIGRID_RISK_HIGH_AT", RISK_HIGH_AT)
# The public CAP 1.2 feed of risk levels 风险等级公告 (alerts.cap, docs/alerts.md): whether it is
# served at /alerts/cap/, the sender's address (one word, no space or comma) and its name.
CAP_FEED = env.env_bool("EPIGRID_CAP_FEED", True)
CAP_SENDER = env.env_token("EPIGRID_CAP_SENDER", "epigrid@localhost")
CAP_SENDER_NAME = env.env_str("EPIGRID_CAP_SENDER_NAME", "epigrid")
# Alert levels 警戒值 of the talking points (docs/briefing.md); metric codes are checked when the
# briefing app starts.
ALERT_THRESHOLDS = env.env_alert_levels(
    "EPIGRID_ALERT_THRESHOLDS",
    "new_confirmed>=10,new_asymptomatic>=10,waiting_over_24h>=1,follow_ups_missed>=10,"
    "free_beds_icu<=0,free_beds_isolation<=0,free_beds_quarantine<=0")

# Beds and transfers (docs/care.md): bed figures older than this are flagged stale, or, where
# the facilities update at set times of day ("08:00,12:00,16:00"), those that missed the last.
BEDS_STALE_HOURS = env.env_int("EPIGRID_BEDS_STALE_HOURS", 4)
BEDS_UPDATE_TIMES = env.env_times("EPIGRID_BEDS_UPDATE_TIMES", "")

PAGE_SIZE = env.env_int("EPIGRID_PAGE_SIZE", 50)
IMPORT_BATCH_SIZE = env.env_int("EPIGRID_IMPORT_BATCH_SIZE", 1000)
IMPORT_MAX_UPLOAD_BYTES = env.env_int("EPIGRID_IMPORT_MAX_BYTES", 200 * 1024 * 1024)
# Files from this size on are read ahead by a forked process, for the importers that can be
# (core.imports.ahead); smaller ones by a thread, not worth a process.
IMPORT_PROCESS_MIN_BYTES = env.env_int("EPIGRID_IMPORT_PROCESS_MIN_BYTES", 4 * 1024 * 1024)
# An import of a CSV file of at least this many rows, into a table holding fewer, builds the
# tables' indexes once at its end (core.imports.bulk_load; PostgreSQL).
IMPORT_BULK_LOAD_MIN_ROWS = env.env_int("EPIGRID_IMPORT_BULK_LOAD_MIN_ROWS", 100_000, minimum=1)
# Such a load's batch: each batch has fixed costs in every process (look-ups, a savepoint,
# a COPY per table); a million roster rows took 32 s in batches of 1,000, 28 s of 5,000 and
# 24 to 27 s of 10,000. Batches of 20,000 took 22 s, but the run's memory rose from about
# 200 MB to 330 MB (each batch is held three times: read, cleaned, being written).
IMPORT_BULK_LOAD_BATCH_SIZE = env.env_int("EPIGRID_IMPORT_BULK_LOAD_BATCH_SIZE", 10_000,
                                          minimum=1)
# An import sent to a worker longer ago than this and not running is sent again (task lost).
IMPORT_STRANDED_MINUTES = env.env_int("EPIGRID_IMPORT_STRANDED_MINUTES", 10, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("EPIGRID_LOG_LEVEL", "WARNING")},
}

