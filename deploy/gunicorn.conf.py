"""gunicorn settings for a web node: ``gunicorn --config deploy/gunicorn.conf.py``.

Every value can be changed from the environment (the systemd unit reads
/etc/newsroom/env), so one file serves every node. The node listens on the
loopback for nginx on the same host; X-Forwarded-* headers are believed only
from the addresses in GUNICORN_FORWARDED_ALLOW_IPS (the proxy's), and Django
trusts X-Forwarded-Proto only with DJANGO_BEHIND_PROXY=true.
"""

import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a page is rendered in a few milliseconds and reads are served from
# the cache; 2 per core plus one, as gunicorn's documentation advises.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))

# A request that runs longer than this is killed and its worker replaced: imports
# run as background jobs (newsroom-worker.service), never in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Replace each worker now and then, so no slow leak grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10

# Only the proxy in front may say which scheme and address a request came from.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The heartbeat file on tmpfs: a worker is never judged dead for a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs on standard error (journald), one JSON object per line like Django's own,
# unless DJANGO_LOG_FORMAT=text.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "true") != "false" else None
errorlog = "-"
_format = os.environ.get("DJANGO_LOG_FORMAT", "json")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "newsroom.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _format == "json" else "text",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
