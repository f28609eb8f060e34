"""Settings for the test suite: the real settings, plus what tests need to be fast and hermetic.

Celery runs eagerly inside tests even when REDIS_URL is set, so that a test does not depend on
a worker being up; the one test that proves the real broker starts its own worker process.
"""

import os
import secrets
import tempfile

# A random key per run: the settings refuse a short or placeholder key when DEBUG is off.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("AUDIT_HMAC_KEY", secrets.token_urlsafe(50))  # production refuses to start without one
os.environ.setdefault("PORTAL_BASE_URL", "http://testserver")  # links in e-mails; required with DEBUG off

from .settings import *  # noqa: E402,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="award-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
AUDIT_ANCHOR_DIR = Path(tempfile.mkdtemp(prefix="award-audit-anchors-"))  # noqa: F405  (never var/)
# Auth: the lockout and the second factor are off for the suite; tests/award_portal/
# test_authentication.py switches them on (override_settings) where it tests them.
AXES_ENABLED = False
OTP_REQUIRED = False
