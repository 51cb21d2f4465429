"""Settings for Kiểm điểm. Every value is read from the environment (see docs/operations.md)."""

from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import audit_keys_from, database_from_url, env_bool, env_days, env_int, env_list, env_str
from config.holidays import DEFAULT_PUBLIC_HOLIDAYS

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (production).")
else:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "treebeard",
    "config.apps.AxesConfig",
    "organizations",
    "members",
    "reviews",
    "reports",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "config.middleware.RefuseNulBytesMiddleware",
    "config.middleware.SignInAgainMiddleware",
    "config.middleware.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "organizations.context_processors.navigation",
                "config.context_processors.season",
            ],
            "libraries": {"frame": "config.frame"},
        },
    },
]

DATABASES = {
    "default": database_from_url(env_str("DATABASE_URL", "sqlite:///var/kiemdiem.sqlite3"), base_dir=BASE_DIR)
}
# Behind PgBouncer in transaction pooling (docs/operations.md, "Past one machine"): a transaction may
# run on another server connection than the one before it, so no server-side cursors (.iterator()).
if env_bool("DATABASE_POOLED", False) and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Connected straight to PostgreSQL, a statement a process runs again (the same SQL, other values)
# is prepared on its connection after DATABASE_PREPARE_AFTER runs, and PostgreSQL stops planning
# it: the pages' reads of a subject with its unit, member and decider cost more to plan than to
# run (docs/decisions.md, "Prepared statements"). Not behind PgBouncer in transaction pooling,
# where the next transaction may run on a server connection that never prepared it; 0 turns it off.
# JIT is off on the application's own connections: PostgreSQL compiles a statement whose estimated
# cost passes jit_above_cost, which takes 0.2–0.4 s, far longer than any page's statement runs, and
# a table whose statistics were reset (a flush, a restore) makes the estimates that high
# (docs/decisions.md, "JIT off"). Behind PgBouncer, set it in postgresql.conf (docs/operations.md).
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["OPTIONS"] = {"options": "-c jit=off"}
    if _prepare_after := env_int("DATABASE_PREPARE_AFTER", 5, minimum=0):
        DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": _prepare_after}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sign-in and sessions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.SignedInUserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_str("PASSWORD_HASHER") == "md5":  # test suites only: hashing speed, not security
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
# Behind the TLS proxy, a request that reached it in plain HTTP is sent to HTTPS (the health check,
# made inside the network, is exempt); HSTS is sent on HTTPS responses only, a year by default.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", env_bool("BEHIND_TLS_PROXY", False))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
# includeSubDomains covers only the names under the product's own host name.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Harmless on a closed network; lets an Internet-facing installation join the browsers' preload list.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# django-axes: lock a (username, IP) pair after 10 failures, for 15 minutes, never for good.
# Throttling per username and IP address, and per IP address across usernames (config/login_throttle.py).
AXES_USERNAME_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10, minimum=1)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 50, minimum=1)
AXES_FAILURE_LIMIT = "config.login_throttle.failure_limit"
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# A successful sign-in would clear every failure of its address too: one's own account would then
# reset the count of an address trying other usernames. Failures age out after the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0) or None

# Second factor (TOTP, django-otp; accounts/policy.py). On by default in production (DEBUG off),
# off in the embedded demo. OTP_REQUIRED_FOR: role kinds (organizations.models.Role.Kind) and
# "admin" (users who may enter /quan-tri/). A wrong code makes the next try wait 1, 2, 4 … seconds.
OTP_REQUIRED = env_bool("OTP_REQUIRED", not DEBUG)
OTP_REQUIRED_FOR = env_list("OTP_REQUIRED_FOR", ["committee_staff", "provincial_board", "admin"])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Kiểm điểm")
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_THROTTLE_FACTOR", 1, minimum=1)
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

# Language, time, formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Public holidays, not working days when days are counted (R-ORDER-8, R366-ORDER-5): "MM-DD" every
# year (Labour Code 2019 Art. 112: 01/01, 30/04, 01/05, 02/09), "YYYY-MM-DD" for one year (Tết,
# the Hùng Kings' day, the second day of 02/09, swapped days: set each year by the Government).
# The default lists the lunar days of 2026–2030 (config/holidays.py); the variable replaces it.
PUBLIC_HOLIDAYS = env_days("PUBLIC_HOLIDAYS", DEFAULT_PUBLIC_HOLIDAYS)
USE_I18N = True
USE_TZ = True

# Static and uploaded files.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
if not MEDIA_ROOT.is_absolute():
    MEDIA_ROOT = BASE_DIR / MEDIA_ROOT
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("WHITENOISE_USE_FINDERS", False)
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest request body accepted at all (config.middleware.RequestSizeLimitMiddleware): above the
# largest upload a page takes (a roster, IMPORT_MAX_BYTES; a document to verify, 50 MB).
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 60 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Celery. Without a broker (the embedded default of `make run`) tasks run in-process.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL) or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900, minimum=1)
# The broker may be down: a request that hands over a job waits at most a few seconds (connect
# timeout, one retry), then keeps the job for the re-dispatch below (docs/operations.md "Faults").
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2, minimum=1)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Chords (large reports fan out to the workers) need a result backend: Redis when there is one.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL) or None
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE
# Report jobs left "queued" (the broker was down) or "running" with a silent worker are sent to
# the workers again; part files of finished jobs that were left behind are removed.
REPORT_SWEEP_SECONDS = env_int("REPORT_SWEEP_SECONDS", 60, minimum=1)
# Days before a quarter's deadline on which the daily task reminds the leaders who have not
# self-assessed and the bodies that have not evaluated (0: the deadline day); e.g. "5,0".
QUARTER_REMINDER_DAYS = [int(n) for n in env_list("QUARTER_REMINDER_DAYS", ["5", "0"])]
CELERY_BEAT_SCHEDULE = {
    "redispatch-report-jobs": {
        "task": "reports.tasks.redispatch_jobs",
        "schedule": REPORT_SWEEP_SECONDS,
        "options": {"expires": REPORT_SWEEP_SECONDS},  # behind a backlog, only the latest one runs
    },
    "sweep-report-parts": {"task": "reports.tasks.sweep_parts", "schedule": crontab(minute=17)},
    "notify-deadlines": {"task": "reviews.tasks.notify_deadlines", "schedule": crontab(hour=6, minute=0)},
    # Issue 14, R366-QTR-5: leaders and managing bodies reminded before a quarter's deadline.
    "remind-quarters": {"task": "reviews.tasks.remind_quarters", "schedule": crontab(hour=6, minute=10)},
    "audit-checkpoint": {
        "task": "reviews.tasks.write_audit_checkpoint",
        "schedule": crontab(hour=23, minute=50),
    },
    "send-notification-emails": {
        "task": "reviews.tasks.send_notification_emails",
        "schedule": crontab(minute="*/15"),
    },
}
# Redis hands a dead worker's unacknowledged task to another after the visibility timeout; it must
# exceed CELERY_TASK_TIME_LIMIT, or a task still running is delivered twice. Recovery itself is
# bounded by REPORT_STALE_SECONDS + REPORT_SWEEP_SECONDS (the re-dispatch above).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1200, minimum=5),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A page never waits long on a Redis that is down (config/ratelimit.py falls back).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL and not env_bool("CACHE_LOCMEM", False)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kiemdiem@localhost")
NOTIFY_BY_EMAIL = env_bool("NOTIFY_BY_EMAIL", False)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Members and roster import.
MEMBER_CARD_PATTERN = env_str("MEMBER_CARD_PATTERN", r"^\d{8,12}$")
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
# Each part of an uploaded .xlsx (the sheet's XML, the shared strings) unpacks to at most this much:
# a full roster row takes under 1 KB of sheet XML, so 1 KB per allowed row.
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", IMPORT_MAX_ROWS * 1024, minimum=1024 * 1024)

# Signing reports (PAdES). A PKCS#12 file per signing organization (<DIR>/<CODE>.p12) or one for the
# whole system; a PKCS#11 token where configured. `manage.py make_dev_signing_cert` makes a local CA.
# The audit chain is sealed with HMAC keys that are not in the database (R-REC-4, reviews/audit_keys.py):
# AUDIT_KEYS="id:secret,older-id:older-secret", the first seals new events, the others still verify
# what they sealed (key rotation, docs/operations.md). Unset, one key is derived from SECRET_KEY
# (`check --deploy` warns). Checkpoints of every chain head are written to AUDIT_CHECKPOINT_DIR.
AUDIT_KEYS = audit_keys_from(env_str("AUDIT_KEYS"), secret_key=SECRET_KEY)
AUDIT_KEYS_FROM_SECRET_KEY = not env_str("AUDIT_KEYS")
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(BASE_DIR / "var" / "audit-checkpoints")))

SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", str(BASE_DIR / "var" / "signing" / "signer.p12"))
SIGNING_PKCS12_DIR = env_str("SIGNING_PKCS12_DIR", "")
SIGNING_PKCS12_PASSPHRASE = env_str("SIGNING_PKCS12_PASSPHRASE", "kiemdiem-dev")
SIGNING_DEV_CA_PATH = env_str("SIGNING_DEV_CA_PATH", str(BASE_DIR / "var" / "signing" / "dev-ca.pem"))
SIGNING_PKCS11_MODULE = env_str("SIGNING_PKCS11_MODULE", "")
SIGNING_PKCS11_TOKEN_LABEL = env_str("SIGNING_PKCS11_TOKEN_LABEL", "")
SIGNING_PKCS11_KEY_LABEL = env_str("SIGNING_PKCS11_KEY_LABEL", "")
SIGNING_PKCS11_CERT_LABEL = env_str("SIGNING_PKCS11_CERT_LABEL", "")
SIGNING_PKCS11_PIN = env_str("SIGNING_PKCS11_PIN", "")
REPORT_STALE_SECONDS = env_int("REPORT_STALE_SECONDS", 300, minimum=5)
REPORT_CHUNK_SIZE = env_int("REPORT_CHUNK_SIZE", 40, minimum=1)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
    },
}
