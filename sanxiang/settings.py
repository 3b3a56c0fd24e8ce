"""Settings of the sanxiang platform: every value comes from the environment.

Two modes, chosen by ``SANXIANG_MODE``:

- ``embedded`` (default, what ``make run`` uses): SQLite and local files under
  the data folder; the secret key is generated into the data folder on the
  first start.
- ``production``: the secret key and the allowed hosts must come from the
  environment; secure cookies and HSTS are on.

The README lists every variable. Readers live in ``sanxiang.lib.env`` and stop
the start with a message naming the variable when a value is bad.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sanxiang.lib.env import env_bool, env_choice, env_int, env_list, env_path, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
MODE = env_choice("SANXIANG_MODE", "embedded", frozenset({"embedded", "production"}))
PRODUCTION = MODE == "production"
DATA_DIR = env_path("SANXIANG_DATA_DIR", BASE_DIR / "var")


def _secret_key() -> str:
    """Return the secret key: from the environment, or (embedded mode only) from the data folder."""
    key = env_secret("SANXIANG_SECRET_KEY")
    if key is not None:
        if len(key) < 32:
            raise ImproperlyConfigured("SANXIANG_SECRET_KEY must be at least 32 characters long.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SANXIANG_SECRET_KEY (or SANXIANG_SECRET_KEY_FILE) is required in production mode.")
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SANXIANG_DEBUG", False)
ALLOWED_HOSTS = env_list("SANXIANG_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SANXIANG_ALLOWED_HOSTS is required in production mode (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = env_list("SANXIANG_CSRF_TRUSTED_ORIGINS", [])


def _database() -> dict[str, Any]:
    """Parse ``DATABASE_URL``: SQLite (default, in the data folder) or PostgreSQL."""
    url = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'sanxiang.sqlite3'}")
    assert url is not None
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60 if PRODUCTION else 0))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from None
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write
        # lock at BEGIN so that two writers queue instead of failing with
        # "database is locked" half-way through a transaction.
        # synchronous=FULL: a commit is on disk when it returns (RECORD-LOG.md §9: keep the record's events
        # durable); NORMAL in WAL mode could lose the last commits on a power cut.
        synchronous = env_choice("SANXIANG_SQLITE_SYNCHRONOUS", "FULL", frozenset({"FULL", "NORMAL"}))
        config["OPTIONS"] = {
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    elif engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:// or postgres:// URL.")
    config["TEST"] = {"NAME": env_str("SANXIANG_TEST_DATABASE_NAME")}
    return config


DATABASES = {"default": _database()}
# How logged writes reach the record log (RECORD-LOG.md §4): "direct" appends inside the business
# transaction (the head row is locked until it commits); "outbox" writes an outbox row there and a
# sequencer appends committed rows in batches (scales on PostgreSQL, where commits of concurrent
# writers overlap). Kinds in SANXIANG_LOG_SYNC_KINDS are appended directly in either mode.
RECORD_LOG_MODE = env_choice(
    "SANXIANG_LOG_MODE",
    "outbox" if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "direct",
    frozenset({"direct", "outbox"}),
)
RECORD_LOG_SYNC_KINDS = env_list("SANXIANG_LOG_SYNC_KINDS", ["evidence.view", "evidence.download", "evidence.export"])
RECORD_OUTBOX_MAX_AGE_SECONDS = env_int("SANXIANG_LOG_OUTBOX_MAX_AGE_SECONDS", 5, minimum=1)
RECORD_SEQUENCER_BATCH = env_int("SANXIANG_LOG_SEQUENCER_BATCH", 1000, minimum=1)
# Sequence the outbox right after each committing request (off: only `sanxiang sequence --loop` / the signer do).
RECORD_SEQUENCE_ON_COMMIT = env_bool("SANXIANG_LOG_SEQUENCE_ON_COMMIT", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sanxiang.record",
    "sanxiang.org",
    "sanxiang.procedures",
    "sanxiang.catalog",
    "sanxiang.cases",
    "sanxiang.evidence",
    "sanxiang.uploads",
    "sanxiang.devices",
    "sanxiang.apitokens",
    "sanxiang.discretion",
    "sanxiang.review",
    "sanxiang.documents",
    "sanxiang.publicity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sanxiang.record.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sanxiang.org.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sanxiang.record.middleware.AuditRequestMiddleware",
]

ROOT_URLCONF = "sanxiang.urls"
WSGI_APPLICATION = "sanxiang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sanxiang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sanxiang.org.context_processors.roles",
            ],
        },
    },
]

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# --- Login security (RULES.md §11, §13.20; GB/T 22239-2019 L3 身份鉴别) -------------
# The standard gives no numbers: every figure is a setting (RULES.md §15.13).
PASSWORD_MIN_LENGTH = env_int("SANXIANG_PASSWORD_MIN_LENGTH", 10, minimum=8, maximum=128)
PASSWORD_MAX_AGE_DAYS = env_int("SANXIANG_PASSWORD_MAX_AGE_DAYS", 90, minimum=0, maximum=3650)
LOCKOUT_THRESHOLD = env_int("SANXIANG_LOCKOUT_THRESHOLD", 5, minimum=1, maximum=100)
LOCKOUT_MINUTES = env_int("SANXIANG_LOCKOUT_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_IDLE_MINUTES = env_int("SANXIANG_SESSION_IDLE_MINUTES", 15, minimum=1, maximum=24 * 60)
MFA_REQUIRED = env_bool("SANXIANG_MFA_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("SANXIANG_OTP_ISSUER", "sanxiang")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "sanxiang.org.passwords.ComplexityValidator", "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
]

SESSION_COOKIE_AGE = env_int("SANXIANG_SESSION_MAX_HOURS", 12, minimum=1, maximum=24 * 7) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SANXIANG_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SANXIANG_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SANXIANG_BEHIND_TLS_PROXY", PRODUCTION) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Enforcement certificates (RULES.md §6) ----------------------------------------------
# Jilin rules withhold a certificate not annually inspected, but the inspection
# calendar is UNCONFIRMED (RULES.md §15.9): the check is a setting.
CERT_REQUIRE_ANNUAL_INSPECTION = env_bool("SANXIANG_CERT_REQUIRE_ANNUAL_INSPECTION", True)
# The previous year's inspection is due by the end of this month.
CERT_ANNUAL_INSPECTION_DUE_MONTH = env_int("SANXIANG_CERT_ANNUAL_INSPECTION_DUE_MONTH", 3, minimum=1, maximum=12)


# --- Cases (RULES.md §1, §14) -----------------------------------------------------------
# Numbers: {year} and {n} (also {n:03d}) are filled in; one gapless series per pattern and year.
def _number_pattern(name: str, default: str) -> str:
    pattern = env_str(name, default) or default
    try:
        pattern.format(year=2026, n=1)
    except (KeyError, IndexError, ValueError):
        raise ImproperlyConfigured(f"{name}={pattern!r} may use only {{year}} and {{n}} (e.g. {{n:03d}}).") from None
    if "{n" not in pattern:
        raise ImproperlyConfigured(f"{name}={pattern!r} must contain {{n}}.")
    return pattern


CASE_NUMBER_PATTERN = _number_pattern("SANXIANG_CASE_NUMBER_PATTERN", "铁西城管立〔{year}〕{n}号")
LEAD_NUMBER_PATTERN = _number_pattern("SANXIANG_LEAD_NUMBER_PATTERN", "铁西城管案源〔{year}〕{n}号")
SIMPLE_CASE_NUMBER_PATTERN = _number_pattern("SANXIANG_SIMPLE_CASE_NUMBER_PATTERN", "铁西城管简〔{year}〕{n}号")
# APL sets no statement window (RULES.md §14, UNCONFIRMED): an agency rule.
# 较大数额 fines that make a case hearing-eligible (APL Art. 63): the Jilin thresholds are
# UNCONFIRMED (RULES.md §15.6), so they are settings, in yuan.
HEARING_FINE_THRESHOLD_PERSON = env_int("SANXIANG_HEARING_FINE_THRESHOLD_PERSON", 10000, minimum=1)
HEARING_FINE_THRESHOLD_ORGANISATION = env_int("SANXIANG_HEARING_FINE_THRESHOLD_ORGANISATION", 100000, minimum=1)
HEARING_CONFISCATION_THRESHOLD = env_int("SANXIANG_HEARING_CONFISCATION_THRESHOLD", 10000, minimum=1)
STATEMENT_WINDOW_WORKING_DAYS = env_int("SANXIANG_STATEMENT_WINDOW_WORKING_DAYS", 3, minimum=1, maximum=30)
# 法制审核 (APL Art. 58): when on, every decision outside the simple procedure is treated as major and
# reviewed (some bureaus review all general-procedure decisions); off, the 法制审核目录清单 decides.
REVIEW_ALL_GENERAL = env_bool("SANXIANG_REVIEW_ALL_GENERAL", False)

# --- Documents (RULES.md §8, §13.12): numbers, remedies printed in decisions, signing, dossier retention.
# Number patterns per document type override the defaults of documents/doctypes.py, as
# "type=pattern;type=pattern" (e.g. "penalty_decision=铁西城管罚决字〔{year}〕第{n:03d}号").
DOCUMENT_NUMBER_PATTERNS = {
    code.strip(): _number_pattern("SANXIANG_DOCUMENT_NUMBER_PATTERNS", pattern.strip())
    for code, _sep, pattern in (
        item.partition("=") for item in (env_str("SANXIANG_DOCUMENT_NUMBER_PATTERNS", "") or "").split(";") if item
    )
}
# The 复议机关 printed in decisions when the agency record names none (ARL Art. 24), and the court (ALL Art. 18).
DOCUMENT_REVIEW_BODY = env_str("SANXIANG_DOCUMENT_REVIEW_BODY", "四平市铁西区人民政府") or ""
DOCUMENT_COURT = env_str("SANXIANG_DOCUMENT_COURT", "四平市铁西区人民法院") or ""
# The verification URL in every QR code is PUBLIC_BASE_URL + /d/<id>/.
PUBLIC_BASE_URL = (env_str("SANXIANG_PUBLIC_BASE_URL", "http://127.0.0.1:8000") or "").rstrip("/")
# The bureau's signing certificate and key (PEM). Embedded mode makes a self-signed pair on first use
# (`sanxiang documents_keygen`); production needs the bureau's files.
DOCUMENT_SIGNING_CERT_FILE = env_path("SANXIANG_DOCUMENT_SIGNING_CERT_FILE", DATA_DIR / "keys" / "documents.cert.pem")
DOCUMENT_SIGNING_KEY_FILE = env_path("SANXIANG_DOCUMENT_SIGNING_KEY_FILE", DATA_DIR / "keys" / "documents.key.pem")
DOCUMENT_SIGNING_KEY_PASSPHRASE = env_secret("SANXIANG_DOCUMENT_SIGNING_KEY_PASSPHRASE")
# Electronic service links stay open this many days.
DOCUMENT_SERVICE_LINK_DAYS = env_int("SANXIANG_DOCUMENT_SERVICE_LINK_DAYS", 30, minimum=1, maximum=365)
# Retention of penalty dossiers (国家档案局令第8号 Art. 6; classification UNCONFIRMED, RULES.md §8.2):
# 永久 for licence revocation, closure or a fine of at least this many yuan; 30 years for other decided
# penalties; 10 years for the rest (no penalty, not registered, inspections).
DOSSIER_PERMANENT_FINE_YUAN = env_int("SANXIANG_DOSSIER_PERMANENT_FINE_YUAN", 100000, minimum=1)
# 归档 is refused until every checklist item has an issued document (RULES.md §13.18). Switch off only
# for tests of other parts that walk cases to the archive without printing documents.
DOSSIER_ARCHIVE_GATE = env_bool("SANXIANG_DOSSIER_ARCHIVE_GATE", True)
# Archive exports carry evidence files up to this size; larger files (audio/video) go in by hash only.
EXPORT_EVIDENCE_MAX_BYTES = env_int("SANXIANG_EXPORT_EVIDENCE_MAX_MB", 20, minimum=0) * 1024 * 1024
# The review period in working days from a complete package: none national, a local example of 7
# (RULES.md §3.3, UNCONFIRMED for Jilin/Siping).
REVIEW_WORKING_DAYS = env_int("SANXIANG_REVIEW_WORKING_DAYS", 7, minimum=1, maximum=60)
# 集体讨论 (APL Art. 57 para 2) sets no quorum: at least three people incl. the chairing leader, so that
# no one or two decide alone and a majority exists.
COLLECTIVE_DISCUSSION_MIN_PARTICIPANTS = env_int("SANXIANG_COLLECTIVE_DISCUSSION_MIN_PARTICIPANTS", 3, minimum=2)

# --- Language, time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sanxiang" / "locale"]
TIME_ZONE = env_str("SANXIANG_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "sanxiang" / "static"]
MEDIA_ROOT = DATA_DIR / "media"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# --- Evidence store (RECORD-LOG.md §7): content-addressed, never overwritten, never deleted here.
EVIDENCE_DIR = env_path("SANXIANG_EVIDENCE_DIR", DATA_DIR / "evidence")
# Incoming bytes are staged here; keep it on the filesystem of EVIDENCE_DIR so a finished upload is a link.
EVIDENCE_STAGING_DIR = env_path("SANXIANG_EVIDENCE_STAGING_DIR", EVIDENCE_DIR.parent / "evidence-staging")
EVIDENCE_SM3 = env_bool("SANXIANG_EVIDENCE_SM3", False)  # also hash every file with SM3 (GB/T 32905)
EVIDENCE_CAPTURE_SKEW_SECONDS = env_int("SANXIANG_EVIDENCE_CAPTURE_SKEW_SECONDS", 300, minimum=0, maximum=86400)
# How long the player page of a recording may keep fetching ranges after the access was recorded.
EVIDENCE_REPLAY_MINUTES = env_int("SANXIANG_EVIDENCE_REPLAY_MINUTES", 60, minimum=1, maximum=24 * 60)
EVIDENCE_FORM_MAX_BYTES = env_int("SANXIANG_EVIDENCE_FORM_MAX_MB", 20, minimum=1, maximum=1024) * 1024 * 1024
EVIDENCE_S3_BUCKET = env_str("SANXIANG_EVIDENCE_S3_BUCKET")
if EVIDENCE_S3_BUCKET:
    STORAGES["evidence"] = {
        "BACKEND": "sanxiang.evidence.storage.EvidenceS3Storage",
        "OPTIONS": {
            "bucket_name": EVIDENCE_S3_BUCKET,
            "endpoint_url": env_str("SANXIANG_EVIDENCE_S3_ENDPOINT"),
            "access_key": env_secret("SANXIANG_EVIDENCE_S3_ACCESS_KEY"),
            "secret_key": env_secret("SANXIANG_EVIDENCE_S3_SECRET_KEY"),
            "region_name": env_str("SANXIANG_EVIDENCE_S3_REGION"),
            "file_overwrite": False,
            "signature_version": "s3v4",
            "addressing_style": "path",
            "querystring_auth": True,
            "object_lock_days": env_int("SANXIANG_EVIDENCE_S3_OBJECT_LOCK_DAYS", 0, minimum=0, maximum=36500),
        },
    }
else:
    STORAGES["evidence"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_DIR, "file_permissions_mode": 0o444, "directory_permissions_mode": 0o750},
    }
# Resumable uploads (tus 1.0 at /api/v1/uploads/): the largest file accepted, and how long an unfinished
# upload may be resumed before `sanxiang uploads_prune` removes its bytes.
UPLOAD_MAX_SIZE = env_int("SANXIANG_UPLOAD_MAX_SIZE", 8 * 1024**3, minimum=1)
UPLOAD_EXPIRY_HOURS = env_int("SANXIANG_UPLOAD_EXPIRY_HOURS", 72, minimum=1, maximum=24 * 365)
# `sanxiang ingest` (camera dock): a file is linked to the case event of its officer nearest to its capture
# time, only within this many hours either side.
INGEST_MATCH_HOURS = env_int("SANXIANG_INGEST_MATCH_HOURS", 2, minimum=1, maximum=24 * 7)
# Embedded mode serves static files straight from the apps, no collectstatic needed
# (the folder must still exist: whitenoise scans it at start).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_ROWS = env_int("SANXIANG_IMPORT_MAX_ROWS", 5000, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SANXIANG_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF they lay out at INFO ("Step 2 - Fetching and parsing CSS").
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}

# --- Record log (RECORD-LOG.md): the tamper-evident log of every case event, evidence file and audit event.
# The origin names the log in every entry and checkpoint; keep it stable for the life of the deployment.
RECORD_LOG_ORIGIN = env_str("SANXIANG_LOG_ORIGIN", "sanxiang.local/record") or "sanxiang.local/record"
# The checkpoint signer's Ed25519 key (C2SP signed-note "PRIVATE+KEY+..." text) and its memory of what it
# signed: outside the database. Embedded mode makes the key in the data folder on first use; production
# needs the file (`sanxiang log_keygen`), readable only by the signer's Unix user.
RECORD_SIGNING_KEY_FILE = env_path("SANXIANG_LOG_SIGNING_KEY_FILE", DATA_DIR / "keys" / "log-signer.key")
RECORD_SIGNER_STATE_FILE = env_path(
    "SANXIANG_LOG_SIGNER_STATE_FILE", RECORD_SIGNING_KEY_FILE.parent / "log-signer.state.json"
)
# The trust anchor `verify` checks signatures with (the vkey `sanxiang log_keygen` prints). Unset in the
# embedded mode: verify then reads the public half of the local key file and says so.
RECORD_LOG_PUBLIC_KEY = env_str("SANXIANG_LOG_PUBLIC_KEY")
# Witnesses that cosign checkpoints: comma-separated "<url> <witness vkey>" items.
RECORD_WITNESSES = env_list("SANXIANG_WITNESSES", [])
# A parallel SM3 tree over the same entries (GB/T 39786 密评 deployments), its root signed in every checkpoint;
# it takes effect for a log begun with it on (it cannot be added to an existing log).
RECORD_LOG_SM3 = env_bool("SANXIANG_LOG_SM3", False)
RECORD_CHECKPOINT_INTERVAL_SECONDS = env_int("SANXIANG_CHECKPOINT_INTERVAL_SECONDS", 60, minimum=1)

# --- Publicity (行政执法公示, RULES.md §3.1, §10, §13.16) -----------------------------------
# 事后公开 deadlines in working days from the decision: 行政处罚 7 (双公示), other enforcement decisions 20 (118号).
PUBLICITY_PENALTY_WORKING_DAYS = env_int("SANXIANG_PUBLICITY_PENALTY_WORKING_DAYS", 7, minimum=1, maximum=60)
PUBLICITY_OTHER_WORKING_DAYS = env_int("SANXIANG_PUBLICITY_OTHER_WORKING_DAYS", 20, minimum=1, maximum=60)
# Publication periods in months by kind (UNCONFIRMED for urban management; 总局令第45号 analogy: 3 years).
PUBLICITY_PERIOD_MONTHS_PENALTY = env_int("SANXIANG_PUBLICITY_PERIOD_MONTHS_PENALTY", 36, minimum=1, maximum=600)
PUBLICITY_PERIOD_MONTHS_OTHER = env_int("SANXIANG_PUBLICITY_PERIOD_MONTHS_OTHER", 12, minimum=1, maximum=600)
# Mask the penalised natural person's name (张三 → 张某某); RULES.md §15.10 UNCONFIRMED for Jilin.
PUBLICITY_MASK_PERSON_NAMES = env_bool("SANXIANG_PUBLICITY_MASK_PERSON_NAMES", True)
# 纠错 reports accepted per client per hour.
PUBLICITY_CORRECTIONS_PER_HOUR = env_int("SANXIANG_PUBLICITY_CORRECTIONS_PER_HOUR", 5, minimum=1, maximum=1000)
# Push to the provincial platform: the endpoint (empty: no push), the HMAC-SHA256 key, retries.
PUBLICITY_PUSH_URL = env_str("SANXIANG_PUBLICITY_PUSH_URL", "") or ""
PUBLICITY_PUSH_KEY = env_secret("SANXIANG_PUBLICITY_PUSH_KEY") or ""
PUBLICITY_PUSH_TIMEOUT_SECONDS = env_int("SANXIANG_PUBLICITY_PUSH_TIMEOUT_SECONDS", 10, minimum=1, maximum=300)
PUBLICITY_PUSH_BACKOFF_SECONDS = env_int("SANXIANG_PUBLICITY_PUSH_BACKOFF_SECONDS", 30, minimum=0, maximum=3600)
PUBLICITY_PUSH_MAX_ATTEMPTS = env_int("SANXIANG_PUBLICITY_PUSH_MAX_ATTEMPTS", 12, minimum=1, maximum=100)
# Cache lifetime of public pages (Cache-Control max-age, seconds).
PUBLICITY_CACHE_SECONDS = env_int("SANXIANG_PUBLICITY_CACHE_SECONDS", 60, minimum=0, maximum=86400)
