"""Settings for ``bench_web.py``: the product's settings in production mode, plus a bare view.

The database comes from ``DATABASE_URL``, which the benchmark points at a
throwaway SQLite file before it imports this module or starts gunicorn.
Two knobs come from the environment so one run can compare configurations:

* ``BENCH_CONN_MAX_AGE`` (default 60): keep each gunicorn worker's database
  connection open between requests, as the PostgreSQL profile of
  ``newsroom/settings.py`` already does. The SQLite profile there opens a
  connection per request (0), which costs about a millisecond per request.
* ``BENCH_PAGE_CACHE_SECONDS`` (default 3600): the reader's rendered-page
  cache; 0 renders every request from the database.
"""

import os
import warnings

from newsroom.settings import *  # noqa: F403
from newsroom.settings import BASE_DIR, DATABASES, STORAGES, TEMPLATES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.web_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]
LOGGING = {"version": 1, "disable_existing_loggers": True}
# No collectstatic in a benchmark: plain static storage, whatever DEBUG was at import.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("BENCH_CONN_MAX_AGE", "60"))
READER_PAGE_CACHE_SECONDS = int(os.environ.get("BENCH_PAGE_CACHE_SECONDS", "3600"))

# There is no collected static folder to serve from, and no need for one here.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
