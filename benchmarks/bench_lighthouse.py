"""Lighthouse scores of the page view (版面图) and the article view, phone emulation.

``make bench-lighthouse``: the demo papers are imported into a throwaway SQLite
database, their page images rendered (``render_pages``), and gunicorn serves them
on 127.0.0.1 with the production settings (``DEBUG=False``, the page cache on),
static files through WhiteNoise and media through ``editions.printed.serving``.
Lighthouse 12.2.3 (npm, installed under benchmarks/out/lighthouse, git-ignored)
drives Debian's chromium headless. Targets: accessibility 100, performance >= 90,
best practices >= 95; ``--check`` exits 1 when one is missed.

Imported as a module, this file is also the server's settings and URLs
(``DJANGO_SETTINGS_MODULE=benchmarks.bench_lighthouse``), so the benchmark is one file.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "benchmarks" / "out" / "lighthouse" / "node_modules" / "lighthouse" / "cli"
TARGETS = {"accessibility": 100, "performance": 90, "best-practices": 95}

if os.environ.get("DJANGO_SETTINGS_MODULE") == "benchmarks.bench_lighthouse":
    # --- the server's settings and URLs --------------------------------------------------
    from benchmarks.web_settings import *  # noqa: F403

    ROOT_URLCONF = "benchmarks.bench_lighthouse"
    WHITENOISE_USE_FINDERS = True  # no collectstatic in a benchmark
    WHITENOISE_MAX_AGE = 3600

    from django.urls import path

    def _urls():
        from editions.printed import serving
        from newsroom.urls import urlpatterns as project

        return [path("media/<path:name>", serving.media), *project]

    class _LazyUrls(list):
        """The URLs, built when Django first asks (settings are imported before apps load)."""

        def __iter__(self):
            if not len(self):
                self.extend(_urls())
            return super().__iter__()

    urlpatterns = _LazyUrls()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Import the demo, render its pages; the addresses to measure: the newest printed
    page with regions (the page the demo opens on) and its first article."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    run = {"env": env, "check": True, "cwd": ROOT, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **run)
    subprocess.run(
        [*manage, "create_paper", "ljwb", "临江晚报", "--position", "2", "--colour", "#1f4e79"],
        **run,
    )
    subprocess.run([*manage, "import_pages", "-v", "0", str(ROOT / "fixtures" / "demo")], **run)
    subprocess.run([*manage, "render_pages", "-v", "0"], **run)
    script = (
        "import django, json; django.setup()\n"
        "from editions.models import Page\n"
        "page = Page.objects.exclude(image='').filter(regions__isnull=False)"
        ".select_related('edition__paper').order_by('-edition__date', 'number').first()"
        " or Page.objects.exclude(image='').first() or Page.objects.order_by('number').first()\n"
        "article = page.articles.order_by('position').first()\n"
        "urls = {'page': page.get_absolute_url(), 'article': article.get_absolute_url()}\n"
        "print(json.dumps(urls))"
    )
    found = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(found.stdout.strip().splitlines()[-1])


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()  # 127.0.0.1 only
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def lighthouse(url: str, out: Path) -> dict[str, int]:
    subprocess.run(
        [
            "node",
            str(LIGHTHOUSE / "index.js"),
            url,
            "--chrome-path=/usr/bin/chromium",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            "--only-categories=performance,accessibility,best-practices",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
        ],
        check=True,
        cwd=ROOT,
    )
    report = json.loads(out.read_text())
    scores = {key: round(cat["score"] * 100) for key, cat in report["categories"].items()}
    misses = [
        f"{audit['id']} ({audit.get('score')})"
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit["scoreDisplayMode"] in {"binary", "numeric", "metricSavings"}
    ]
    scores["_misses"] = misses[:12]
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not (LIGHTHOUSE / "index.js").exists():
        print(
            "Lighthouse is not installed: "
            "npm install --prefix benchmarks/out/lighthouse lighthouse@12.2.3",
            file=sys.stderr,
        )
        return 2
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.bench_lighthouse",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{tmp}/media",
            "PYTHONPATH": str(ROOT),
        }
        paths = prepare(env)
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        failed = False
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + paths["page"])
            print(f"{'view':<10} {'performance':>12} {'accessibility':>14} {'best practices':>15}")
            for view, path in paths.items():
                scores = lighthouse(base + path, out / f"lighthouse-{view}.json")
                print(
                    f"{view:<10} {scores['performance']:>12} {scores['accessibility']:>14} "
                    f"{scores['best-practices']:>15}   {path}"
                )
                if scores["_misses"]:
                    print("           below 0.9: " + ", ".join(scores["_misses"]))
                failed |= any(scores[key] < target for key, target in TARGETS.items())
        finally:
            server.terminate()
            server.wait(timeout=10)
    print("targets: " + ", ".join(f"{key} >= {value}" for key, value in TARGETS.items()))
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
