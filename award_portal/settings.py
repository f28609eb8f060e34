"""Settings, read from the environment.

With no DATABASE_URL / REDIS_URL the portal runs embedded (SQLite, eager Celery) so that
`make run` works on a bare machine; with them set it runs on PostgreSQL and a Redis broker.
Production (DEBUG off) refuses to boot without a real SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AWARD_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()


def _secret(name, default=None):
    """Read NAME, or the file named by NAME_FILE (container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEBUG = env.bool("DEBUG", default=False)

# --- Secret key (security baseline): production refuses a missing, short or placeholder key --
# Placeholders shipped in this repository or in Django's templates, and words that mark one.
_PLACEHOLDER_KEYS = {"change-me-to-a-long-random-string", "insecure-development-key-do-not-use-in-production"}
_PLACEHOLDER_MARKERS = ("django-insecure", "change-me", "changeme", "change_me", "placeholder", "insecure",
                        "do-not-use", "not-for-production", "dummy", "your-secret", "secret-key-here")


def _secret_key_weakness(key: str) -> str | None:
    """Why KEY is not fit for production, or None (Django's own deploy check asks the same)."""
    if len(key) < 50:
        return f"it has {len(key)} characters, at least 50 are needed"
    if len(set(key)) < 5:
        return "it repeats fewer than 5 distinct characters"
    lowered = key.lower()
    if key in _PLACEHOLDER_KEYS or any(marker in lowered for marker in _PLACEHOLDER_MARKERS):
        return "it is a known placeholder, not a random value"
    return None


SECRET_KEY = _secret("SECRET_KEY")
if not DEBUG and not env.bool("AWARD_ALLOW_INSECURE_KEY", default=False):
    if not SECRET_KEY:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE).")
    if weakness := _secret_key_weakness(SECRET_KEY):
        raise RuntimeError(f"SECRET_KEY is too weak for production: {weakness}. Generate one with "
                           "python -c \"import secrets; print(secrets.token_urlsafe(50))\" "
                           "(or set SECRET_KEY_FILE).")
SECRET_KEY = SECRET_KEY or "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

# The portal's public address (scheme://host[:port], no path): links in e-mails are built from it
# (`award_portal.notifications.absolute_url`), never from a request, since Celery tasks send mail
# without one. DEBUG defaults to the development server; production must set it.
PORTAL_BASE_URL = (env.str("PORTAL_BASE_URL", default="").strip() or ("http://127.0.0.1:8000" if DEBUG else "")).rstrip("/")


def _base_url_problem(url):
    from urllib.parse import urlsplit

    if not url:
        return "PORTAL_BASE_URL must be set when DEBUG is off, e.g. https://award.example.cn (links in e-mails)."
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        return f"PORTAL_BASE_URL must be an http(s) address without a path, e.g. https://award.example.cn (not {url!r})."
    return None


if _problem := _base_url_problem(PORTAL_BASE_URL):
    raise RuntimeError(_problem)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "guardian",
    "django_celery_beat",
    "award_portal",
    "applications",
    "bigdata",
    "review",
    "deliberation",
    "notices",
    "awards",
    "monitoring",
    "cultivation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "award_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "award_portal.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "award_portal.urls"
WSGI_APPLICATION = "award_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "award_portal.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth (security baseline GB/T 22239-2019 level 3; award_portal/accounts.py explains) ----
AUTH_USER_MODEL = "award_portal.User"
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
# Second factor and session lifetime right after the messages (they add messages); axes last.
MIDDLEWARE[MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1:0] = [
    "django_otp.middleware.OTPMiddleware",
    "award_portal.accounts.SessionLifetimeMiddleware",
    "award_portal.accounts.SecondFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "award_portal.auth_backend.PortalModelBackend",  # Django's, reading account and roles at once
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ["username", "full_name", "email", "first_name", "last_name"]}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "award_portal.accounts.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "award_portal.accounts.PasswordChangeAudit"},  # audits every password change
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
# Failed log-ins: locked per account and, separately, per client address.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# Public lookups limited per client (per process unless the cache is Redis): certificate
# verification, objections to a notice.
AWARDS_VERIFY_LIMIT = env.int("AWARDS_VERIFY_LIMIT", default=30)
AWARDS_VERIFY_WINDOW = env.int("AWARDS_VERIFY_WINDOW", default=600)
NOTICES_OBJECTIONS_PER_HOUR = env.int("NOTICES_OBJECTIONS_PER_HOUR", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock lifts at the time we announce
AXES_LOCKOUT_CALLABLE = "award_portal.accounts.lockout_response"
AXES_CLIENT_IP_CALLABLE = "award_portal.middleware.client_ip"  # the address the audit trail shows
AXES_USERNAME_FORM_FIELD = "username"
# Second factor (TOTP) for office, supervisor and superuser accounts; off by default with DEBUG.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "质量奖评审管理平台")
OTP_TOTP_THROTTLE_FACTOR = 1
# Sessions: idle limit and absolute lifetime (the cookie never outlives the absolute limit).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)

# --- I18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates read as 2026年11月30日 on Chinese pages and 30 Nov 2026 on English ones (templates use
# `|date` / `|date:"DATETIME_FORMAT"`, never a hard-coded pattern where people read the date).
FORMAT_MODULE_PATH = ["award_portal.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (uploads live outside the static root) -----------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or not env.bool("COMPRESS_STATIC", default=False)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Celery ---------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE

# Big-data runs' chunks (bigdata/screening.py says why screening splits by record type).
BIGDATA_CHUNK_ORGS = env.int("BIGDATA_CHUNK_ORGS", default=50_000)
BIGDATA_SCREENING_TYPE_GROUPS = env.int("BIGDATA_SCREENING_TYPE_GROUPS", default=2)
BIGDATA_SCREENING_CHUNK_ORGS = env.int("BIGDATA_SCREENING_CHUNK_ORGS", default=1_000_000)

# --- Audit trail: MAC key, anchors, client address (security baseline, GB/T 22239-2019 level 3) --
# The key that MACs every audit entry and anchor lives outside the database, so that someone
# who can rewrite the table cannot recompute valid MACs. Production refuses to start without
# one, like SECRET_KEY; DEBUG (and the AWARD_ALLOW_INSECURE_KEY escape hatch) derive a
# development key from SECRET_KEY instead, and `manage.py check` warns about it.
AUDIT_HMAC_KEY = _secret("AUDIT_HMAC_KEY")
AUDIT_HMAC_KEY_IS_DEVELOPMENT = not AUDIT_HMAC_KEY
if AUDIT_HMAC_KEY_IS_DEVELOPMENT:
    if not DEBUG and not env.bool("AWARD_ALLOW_INSECURE_KEY", default=False):
        raise RuntimeError("AUDIT_HMAC_KEY must be set when DEBUG is off (or set AUDIT_HMAC_KEY_FILE). "
                           "Generate one with python -c \"import secrets; print(secrets.token_urlsafe(32))\".")
    import hashlib
    import hmac

    AUDIT_HMAC_KEY = hmac.new(SECRET_KEY.encode(), b"award-portal audit development key", hashlib.sha256).hexdigest()
elif not DEBUG and not env.bool("AWARD_ALLOW_INSECURE_KEY", default=False):
    if weakness := _secret_key_weakness(AUDIT_HMAC_KEY):
        raise RuntimeError(f"AUDIT_HMAC_KEY is too weak for production: {weakness}.")
    if AUDIT_HMAC_KEY == SECRET_KEY:
        raise RuntimeError("AUDIT_HMAC_KEY must differ from SECRET_KEY.")
# Append-only JSON lines with the chain head, written by Celery beat every 10 minutes and by
# `manage.py verify_audit --anchor`; keep it where the database user cannot write.
AUDIT_ANCHOR_DIR = Path(os.environ.get("AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
# Reverse proxies in front of the portal whose X-Forwarded-For entries are trusted (0: none,
# the peer address is the client's).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Cache ----------------------------------------------------------------------------------
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "award_portal.cache.PortalRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the cache and written through to the database when the cache is shared
# by every worker (Redis): a logged-in request then reads its session without a query. With the
# in-process cache a worker could keep a session another worker ended, so the database alone.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if REDIS_URL
                  else "django.contrib.sessions.backends.db")

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "评审办 <award-office@localhost>")

# --- Security baseline (GB/T 22239-2019 level 3): headers, HTTPS, CSP, no-store -------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    # Trust a scheme header only when the deployment names the one its TLS proxy overwrites
    # (e.g. X-Forwarded-Proto): trusted by default, any client could pass plain HTTP off as HTTPS.
    if _proxy_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
        SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    # HSTS is sent on HTTPS responses only (SecurityMiddleware asks request.is_secure()): one year.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp 4): no inline scripts and no inline styles, nothing from
# other origins. Templates keep scripts in static/js/ and styles in static/css/ (a progress
# bar's width is set by script through the CSSOM, which style-src does not govern). img-src
# also allows data: URIs (QR codes, small icons); object-src, frames and <base> are shut.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "csp.middleware.CSPMiddleware")
# Cache-Control: no-store on every page a logged-in user sees, PDFs and downloads.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "award_portal.no_store.NoStoreMiddleware")

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "award_portal.accounts.PortalBasicAuthentication",  # basic auth under lockout and 2FA rules
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {"TITLE": "Quality Award Portal API", "VERSION": "1.0.0"}
if not DEBUG:  # security baseline: no browsable API (HTML forms over the data) in production
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"weasyprint": {"level": "ERROR"}, "fontTools": {"level": "ERROR"},
                "celery": {"level": "WARNING"}},
}
