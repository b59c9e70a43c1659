"""Settings for the newsroom project, read from the environment.

Development needs no set-up: with no variable set, the site runs in debug mode
on a SQLite file beside ``manage.py``. Production is the profile with
``DJANGO_DEBUG=false``: it then refuses to start without a real
``DJANGO_SECRET_KEY`` and turns on every HTTPS protection that
``manage.py check --deploy`` asks for.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool, environ=os.environ) -> bool:
    """Read a yes/no variable; anything but a clear yes or no is an error, not a guess."""
    value = environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true or false).")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is false.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",  # the API's docs page, with its Swagger UI files served from here, not a CDN
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "editions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Right after CSPMiddleware: it puts each response's nonce into cached pages.
    "newsroom.csp.NonceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads request.GET: NUL cannot reach PostgreSQL.
    "editions.middleware.StripNulFromQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

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
                "django.template.context_processors.i18n",
                "editions.context_processors.newspaper",
                "newsroom.csp.nonce",
                "editions.caching.page_path",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

# A SQLite file beside manage.py unless DATABASE_URL says otherwise
# (postgres://user@host:5432/name selects PostgreSQL through psycopg 3).
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers keep reading while an import writes; IMMEDIATE makes a
    # writer wait for the lock up front instead of failing half-way. Reads through a
    # memory map (256 MiB of the file, shared by every connection through the
    # operating system's cache) skip a copy per page: a search checks a thousand
    # articles' stored text for its facets.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    if DEBUG:
        # runserver starts a thread per request: a kept connection would never be reused.
        DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it turns away a login that is locked out before any
# password is checked; ModelBackend then authenticates as before.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes; attempts and lockouts are in the admin under Axes).
# A lockout is per user name and address together. The newsroom logs in from
# behind one office address, where locking the address would shut every colleague
# out after one person's typos; locking the name alone would let anyone anywhere
# lock an editor out on deadline night. The pair stops what happened (a hundred
# passwords for one account from one place in seconds) and keeps the lock on the
# one who failed.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# Minutes a lockout lasts, counted from the last attempt; 0 keeps it until an
# administrator removes it (the admin's access attempts, or `manage.py axes_reset`).
_AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "60"))
AXES_COOLOFF_TIME = _AXES_COOLOFF_MINUTES / 60 if _AXES_COOLOFF_MINUTES > 0 else None  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed attempt, for the admin to see
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Whose address a request is: REMOTE_ADDR alone, unless DJANGO_PROXY_COUNT says how
# many reverse proxies stand in front, each adding the address it saw to
# X-Forwarded-For (as nginx's $proxy_add_x_forwarded_for does). The client is then
# that many entries from the header's right end; what a client wrote to the left is
# ignored. Trusting the header with no proxy in front would let an attacker claim a
# new address for every try.
_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "0"))
if _PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "left-most"
    AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT - 1  # ipware counts the proxies in the header
    IPWARE_STRICT = False  # a longer header (a client's own entries first) still counts
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the hashed files (nginx may serve them from there).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))


def media_storage(environ) -> dict:
    """Where media (page images, PDFs) live: an S3-compatible bucket, or MEDIA_ROOT.

    A bucket when ``DJANGO_MEDIA_BUCKET`` names one, so every web node and worker
    sees the same files; the endpoint is for stores other than AWS (MinIO, Ceph,
    a cloud's S3 API), the custom domain for a CDN in front of the bucket.
    """
    bucket = environ.get("DJANGO_MEDIA_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("DJANGO_MEDIA_ENDPOINT_URL") or None,
            "region_name": environ.get("DJANGO_MEDIA_REGION") or None,
            "access_key": environ.get("DJANGO_MEDIA_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("DJANGO_MEDIA_SECRET_ACCESS_KEY") or None,
            "custom_domain": environ.get("DJANGO_MEDIA_CUSTOM_DOMAIN") or None,
            "location": environ.get("DJANGO_MEDIA_PREFIX", ""),
            # Published pages are public; signed, expiring URLs would defeat a CDN.
            "querystring_auth": env_bool("DJANGO_MEDIA_SIGNED_URLS", False, environ),
            # A second file of the same name gets a new name rather than replacing one.
            "file_overwrite": False,
            "default_acl": None,  # the bucket's policy decides, not each object
        },
    }


MEDIA_CUSTOM_DOMAIN = os.environ.get("DJANGO_MEDIA_CUSTOM_DOMAIN", "")
if os.environ.get("DJANGO_MEDIA_BUCKET") and MEDIA_CUSTOM_DOMAIN:
    MEDIA_URL = f"https://{MEDIA_CUSTOM_DOMAIN}/"
STORAGES = {
    "default": media_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background jobs (imports uploaded in the admin): django-tasks. The database
# backend keeps the queue in the project's own database, so no extra server is
# needed on SQLite or PostgreSQL; `manage.py db_worker` runs the jobs (`make run`
# starts one beside the server). DJANGO_TASKS_BACKEND=immediate runs each job
# inline, in the request that queued it (handy in development and tests).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("DJANGO_TASKS_BACKEND", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

LOGIN_URL = "admin:login"
# One day's raw pages can exceed Django's default of 100 files in one upload.
DATA_UPLOAD_MAX_NUMBER_FILES = 1000

# Readers' rendered pages are kept in the cache (per process, or shared through
# Redis), keyed by the edition's last change, so an editor's correction shows at
# once; 0 turns the cache off.
READER_PAGE_CACHE_SECONDS = int(os.environ.get("READER_PAGE_CACHE_SECONDS", "3600"))
# How long browsers and shared caches (a CDN) may reuse a published page without
# asking (see editions/caching.py): browsers revalidate every time (a 304 costs
# one query), a CDN for READER_SHARED_MAX_AGE seconds, and may serve a stale copy
# for READER_STALE_SECONDS more while it revalidates. A correction or withdrawal
# reaches a CDN's readers within their sum; every node serves it at once.
READER_MAX_AGE = int(os.environ.get("READER_MAX_AGE", "0"))
READER_SHARED_MAX_AGE = int(os.environ.get("READER_SHARED_MAX_AGE", "30"))
READER_STALE_SECONDS = int(os.environ.get("READER_STALE_SECONDS", "30"))

# One cache per process unless REDIS_URL names a shared one: then the rendered
# pages, sessions and whatever else uses the cache are the same on every node.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Each test worker on a database of its own (the one named, plus the worker's
    # number), as pytest-django does for SQL: one worker's cache.clear() between
    # tests must not empty the cache under another's feet.
    _base, _, _number = REDIS_URL.rpartition("/")
    _offset = int(os.environ["PYTEST_XDIST_WORKER"][2:])
    REDIS_URL = (
        f"{_base}/{int(_number) + _offset}"
        if _number.isdigit()
        else f"{REDIS_URL.rstrip('/')}/{_offset}"
    )
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several installations (or test runs) may share one Redis.
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "newsroom"),
            "TIMEOUT": 3600,
            # A Redis that is down slows a page by this much, never hangs it.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the shared database, so a login on one node holds on every
# other, with or without Redis. Only editors have sessions (readers' pages never
# start one), so caching them would save one query on an editor's request, while a
# per-process cache would let a copy outlive a logout made in another worker.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The login throttle (django-axes) keeps its attempts and lockouts in the
# database (its default handler), so they hold across every node and restart.

# Content-Security-Policy (django-csp): nothing but this site's own scripts,
# styles, images and fonts; the two inline blocks of base.html carry a nonce
# (newsroom/csp.py explains how it survives the page cache). JSON-LD is a data
# block, never executed, and needs no permission.
_CSP_MEDIA = [f"https://{MEDIA_CUSTOM_DOMAIN}"] if MEDIA_CUSTOM_DOMAIN else []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_CSP_MEDIA],
        "media-src": [SELF, *_CSP_MEDIA],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["DJANGO_CSP_REPORT_URI"]]
# Powerful browser features a newspaper never needs, off for the site and any frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
}

# The first paper (title) of this installation, made by a data migration; more
# are added with `manage.py create_paper` or in the admin. The demo papers are invented.
NEWSPAPER_NAME = os.environ.get("NEWSPAPER_NAME", "临江日报")
NEWSPAPER_CODE = os.environ.get("NEWSPAPER_CODE", "ljrb")
# The name of the whole site when it publishes several papers (a newspaper group).
NEWSPAPER_GROUP_NAME = os.environ.get("NEWSPAPER_GROUP_NAME", "临江报业")

# Logs go to standard error (journald under systemd); in production as one JSON
# object per line, for a log collector to read without guessing.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Trust X-Forwarded-Proto only behind a proxy that sets it (deploy/nginx.conf
# does); without one, any client could claim to have come over HTTPS.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A load balancer probes each node directly, over plain HTTP (when SSL redirects are on).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
