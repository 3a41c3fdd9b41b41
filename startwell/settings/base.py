"""Settings shared by every environment. Anything that differs per deployment is read from the
environment, with defaults that run the portal on one machine with SQLite."""

import os
from pathlib import Path

import dj_database_url

from startwell.csp import PUBLIC_DIRECTIVES

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Earlier keys, while rotating: signed links and browser sessions made with them still work.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = False
# True only in startwell.settings.production: commands that would be dangerous on a live site
# (the demo data, with its published password) refuse to run there.
PRODUCTION = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "startwell",
    "cms",
    "bookings",
    "codesign",
    "parent_champions",
    "feedback",
    "reports",
    "privacy",
    "openreferral",
    # Managers translate pages in the admin: an editor beside the English, PO export and import
    # (wagtail_localize.locales is Wagtail's locale management, with sync between languages).
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks",
    "django_tasks_db",
    "phonenumber_field",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Last: its `ready` says every app is loaded (manage.py's paused cycle collector restarts).
    "startwell.started.StartedConfig",
]

MIDDLEWARE = [
    # First: a cached public page is answered before anything else runs (startwell/pagecache.py).
    "startwell.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "startwell.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before the language: a signed-in person's saved language comes from their account.
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signing out clears the site's data (offline registers, queued check-ins) from the device.
    "startwell.sign_out.ClearSiteDataOnSignOutMiddleware",
    # After sessions and authentication, before CommonMiddleware (which resolves URLs, and
    # the page tree's URLs depend on the language). The page cache above keys each page by the
    # same choice of language (startwell/languages.py), so it never answers in another one.
    "startwell.languages.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "startwell.middleware.StaffSessionIdleMiddleware",
    "startwell.middleware.StaffSecondFactorMiddleware",
    "parent_champions.second_factor.ChampionSecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# In every environment, so that the tests and browser journeys run under the same policy as
# production (startwell/csp.py; the admin has its own).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": PUBLIC_DIRECTIVES}

ROOT_URLCONF = "startwell.urls"
WSGI_APPLICATION = "startwell.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "parent_champions.context_processors.champions_nav",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite on one machine by default; PostgreSQL (or anything dj-database-url reads) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so "lock, re-read, write"
    # cannot interleave with another writer; WAL lets readers carry on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Queries asked again and again (a register's, a person's standing) are prepared once per
    # connection: PostgreSQL then stops planning them afresh, which cost more than running them
    # (2.3 ms of planning against 0.9 ms of running for a champion's register). Behind a pooler
    # that hands out connections per transaction and does not keep prepared statements (PgBouncer
    # before 1.21), set DATABASE_PREPARED_STATEMENTS=0.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Shared by every worker process (allauth's rate limits rely on that): the database by default,
# Redis when REDIS_URL is set.
# The anonymous page cache (`pages`, startwell/pagecache.py) is kept apart from the rest, so
# that however many pages it holds it never pushes out a rate-limit counter.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "startwell_cache",
        },
        # Django's, with a set of one statement that counts the table only now and then
        # (startwell/db_cache.py): pages and people's header facts are kept all the time.
        "pages": {
            "BACKEND": "startwell.db_cache.DatabaseCache",
            "LOCATION": "startwell_page_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000, "COUNT_EVERY": 100},
        },
    }
# The longest a public page is kept (it is dropped sooner whenever what it shows changes);
# 0 switches the anonymous page cache off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# A change made in a transaction ends the page cache's generation when it commits. The test
# settings end it at once as well: a test's transaction never commits.
PAGE_CACHE_END_GENERATION_AT_ONCE = False

# --- Background tasks -----------------------------------------------------------------------
# Tasks are stored in the database and run by `manage.py db_worker`; several workers may share
# the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "startwell.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

ACCOUNT_ADAPTER = "startwell.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Start Well] "
# Sessions in the database, encrypted: sign-in codes and reset keys wait there
# (startwell/sessions.py).
SESSION_ENGINE = "startwell.sessions"
# Parents choose "remember me" (two weeks) or until the browser closes; staff sessions end
# after this many idle minutes whatever they choose (startwell.middleware).
ACCOUNT_SESSION_REMEMBER = None
STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
# Counted in the shared cache, so the limits hold across every worker process.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed passwords lock the account tried (ten in 15 minutes), not the address: a library, a
    # children's centre or a council network puts many families behind one address, and one
    # person's typos (or an attacker's guesses) must not stop the others signing in. The generous
    # per-address limit only slows one machine spraying guesses across many accounts.
    "login_failed": "60/m/ip,10/15m/key",
    "signup": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy every request comes from the proxy's address, so the rate limits above
# would count all visitors as one. Say how many proxies you run (the client's address is then
# read from X-Forwarded-For, that many entries from the right) or name a header your proxy sets
# to the client's address (e.g. X-Real-IP). Neither is trusted by default: a visitor could
# otherwise pick their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None
# Passkeys beside the authenticator app: on a phone a passkey is easier than typing codes. A
# passkey can also be the whole sign-in (it is something you have and, unlocked by the phone,
# something you are), so it counts as a completed second factor.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Only the development and test settings accept passkeys on http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
MFA_ADAPTER = "startwell.adapters.MFAAdapter"
MFA_FORMS = {"add_webauthn": "startwell.passkey_forms.AddPasskeyForm"}
# Authenticator secrets are encrypted with this key (Fernet). Without it, a key is derived from
# SECRET_KEY; set it separately so rotating SECRET_KEY does not lose every authenticator.
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
MFA_TOTP_ISSUER = "Start Well"
# Accept the code one period either side of now: phone clocks drift, and a code typed as it
# changes should still work.
MFA_TOTP_TOLERANCE = 1

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Start Well"
# The portal's public address. Links in e-mails use the address a request came in on (as
# allauth's own e-mails do) and this one only outside a request: reminders and other scheduled
# messages (startwell.site_address).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# Passwords are managed by allauth so that staff go through the same second factor.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt"]
# Pages are translated in the admin (wagtail-localize); each language has its own copy of the
# page tree, linked to the English pages by their translation key. The content languages are
# the site's languages (below); their Locale rows are made by cms/migrations/0010_locales.py.
WAGTAIL_I18N_ENABLED = True
# Every centre is in England and every time in the admin is the portal's local time: no choice
# of time zone in the admin's account settings (the full list also offers names, such as
# "localtime", that browsers do not know).
WAGTAIL_USER_TIME_ZONES = ["Europe/London"]
# The dashboard's upgrade notice would fetch from wagtail.org; the admin loads nothing from
# other sites (startwell/csp.py), and upgrades come through requirements anyway.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: they would load from another site and send a hash of each staff
# member's e-mail address there.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------------
# Every message goes through the task queue; the worker hands it to EMAIL_DELIVERY_BACKEND.
EMAIL_BACKEND = "startwell.mail.QueuedEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_DELIVERY_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Start Well <hello@startwell.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Text messages (and e-mail) through GOV.UK Notify -----------------------------------------
# With a key, texts go through Notify; without one, the task worker prints them (development).
# Each template id names a Notify template whose content is the one placeholder ((body)).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_SMS_TEMPLATE_ID = os.environ.get("NOTIFY_SMS_TEMPLATE_ID", "")
# With a key and this template (subject `((subject))`, body `((body))`), e-mail goes through
# Notify too; without the template, through EMAIL_DELIVERY_BACKEND.
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
# Optional: the id of a reply-to address set up in the Notify service.
NOTIFY_EMAIL_REPLY_TO_ID = os.environ.get("NOTIFY_EMAIL_REPLY_TO_ID", "")
PHONENUMBER_DEFAULT_REGION = "GB"
PHONENUMBER_DB_FORMAT = "E164"

# --- Payments -------------------------------------------------------------------------------
# Online payment (Stripe Checkout) is on only when a secret key is set; without one, paid sessions
# are paid at the centre. STRIPE_API_BASE points the client at a local test server in tests.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

# --- Internationalisation -------------------------------------------------------------------
# English is the default and has unprefixed addresses; translated pages live under /pl/ and /ur/
# (startwell/urls.py, startwell/languages.py). Urdu is written right to left.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", "English"),
    ("pl", "Polish"),
    ("ur", "Urdu"),
]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Our own translations (locale/<language>/LC_MESSAGES/django.po, compiled by
# `manage.py compilemessages` in `make run` and `make test`), and for English the portal's own
# wording over the libraries' (allauth's "Sign Up", "Email Addresses").
# Ours first; then our Urdu for Django's own messages that Django leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_libraries"]
# The language control's cookie: a year, readable only by the server, sent on every request.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level on the handler as well as the root: Django's own loggers (e.g. every 4xx answer,
    # logged as a warning by django.request) pass their records up to it whatever the root's.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "level": os.environ.get("LOG_LEVEL", "INFO")}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail logs every page action at INFO; the admin's history keeps them anyway.
    # The Stripe library logs every request at INFO.
    "loggers": {"wagtail": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}

# --- Bookings -------------------------------------------------------------------------------
# Booking attempts per person (allauth's rate limiter, counted in the shared cache): plenty for
# a family, too few to hammer the booking form.
BOOKINGS_RATE_LIMIT = os.environ.get("BOOKINGS_RATE_LIMIT", "10/m/user,40/h/user")
# Codes sent to claim a family contact's bookings (each one a text or an e-mail to the family):
# enough for a slow phone, too few to flood anyone's phone.
FAMILY_CLAIM_CODE_RATE_LIMIT = os.environ.get("FAMILY_CLAIM_CODE_RATE_LIMIT", "3/10m/user,6/d/user")
# How long a booking change waits for another change to the same session (PostgreSQL's
# lock_timeout) before the family is told the centre is very busy and to try again.
BOOKINGS_LOCK_TIMEOUT = os.environ.get("BOOKINGS_LOCK_TIMEOUT", "5s")

# --- Parent champions -----------------------------------------------------------------------
# How long a champion's checks count as current. The borough asks for a DBS check renewed every
# three years and safeguarding training refreshed every three years; the portal warns this many
# days before either lapses, and a champion whose checks have lapsed cannot host for children.
CHAMPION_DBS_CHECK_VALID_YEARS = int(os.environ.get("CHAMPION_DBS_CHECK_VALID_YEARS", "3"))
CHAMPION_TRAINING_VALID_YEARS = int(os.environ.get("CHAMPION_TRAINING_VALID_YEARS", "3"))
CHAMPION_CHECK_WARNING_DAYS = 30
# Longest message a champion may send to the families booked on a session.
CHAMPION_MESSAGE_MAX_LENGTH = 2000

# --- Privacy --------------------------------------------------------------------------------
# How long personal data is kept (the privacy notice shows these figures). Each rule runs daily
# in `privacy.tasks.enforce_retention`.
# Children's profiles go when the child reaches this age and has no upcoming booking.
RETENTION_CHILD_PROFILE_AGE_YEARS = int(os.environ.get("RETENTION_CHILD_PROFILE_AGE_YEARS", "6"))
# Bookings lose their link to the family this long after the session (anonymous rows stay).
RETENTION_BOOKING_MONTHS = int(os.environ.get("RETENTION_BOOKING_MONTHS", "24"))
# Register logs and the bodies of messages sent to families.
RETENTION_REGISTER_LOG_MONTHS = int(os.environ.get("RETENTION_REGISTER_LOG_MONTHS", "12"))
# Payloads of the payment provider's events (they hold payers' e-mail addresses).
RETENTION_STRIPE_EVENT_DAYS = int(os.environ.get("RETENTION_STRIPE_EVENT_DAYS", "90"))
# Records of e-mails sent (the task queue's rows), and downloads of a family's data.
RETENTION_SENT_EMAIL_DAYS = int(os.environ.get("RETENTION_SENT_EMAIL_DAYS", "7"))
# Accounts nobody has signed in to for this long are warned, then erased this long after.
RETENTION_IDLE_ACCOUNT_MONTHS = int(os.environ.get("RETENTION_IDLE_ACCOUNT_MONTHS", "24"))
RETENTION_IDLE_WARNING_DAYS = int(os.environ.get("RETENTION_IDLE_WARNING_DAYS", "30"))
# What a drop-off session needs to know about each child (emergency contact, allergies and
# medical notes, photo consent) is deleted this long after the session.
RETENTION_DROP_OFF_DAYS = int(os.environ.get("RETENTION_DROP_OFF_DAYS", "30"))
# A family's data download is built at once up to this many records, and in the background
# (with a link e-mailed, valid for PRIVACY_EXPORT_LINK_DAYS) above it.
PRIVACY_EXPORT_INLINE_MAX_RECORDS = int(os.environ.get("PRIVACY_EXPORT_INLINE_MAX_RECORDS", "500"))
PRIVACY_EXPORT_LINK_DAYS = 7

# --- Feedback -------------------------------------------------------------------------------
# The link asking a family about a session they came to works for this long after it is sent.
FEEDBACK_LINK_DAYS = int(os.environ.get("FEEDBACK_LINK_DAYS", "14"))
