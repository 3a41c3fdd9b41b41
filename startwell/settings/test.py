"""Test runs: tasks run in the test process, e-mail is kept in memory, hashing is fast."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# scripts/test gives the SQLite and PostgreSQL runs, which run side by side, a folder each.
MEDIA_ROOT = BASE_DIR / os.environ.get("TEST_MEDIA_ROOT", ".test-media")  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: concurrency tests need real connections from several threads.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.environ.get("TEST_SQLITE_NAME", str(BASE_DIR / ".test-db.sqlite3"))  # noqa: F405
    }

# The page cache in memory: it works as the shared one does within one test process, and the
# tests that count a page's queries count the page's own, not the cache table's.
CACHES["pages"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}  # noqa: F405
# Each test runs in a transaction that never commits: a change ends the page cache's generation
# at once, as the change is as good as committed for everything the test does next.
PAGE_CACHE_END_GENERATION_AT_ONCE = True

LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}  # noqa: F405

# Passkeys need a secure origin; browsers treat http://localhost as one, allauth must too.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
