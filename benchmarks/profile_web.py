"""Where a reader's page spends its time: ``python benchmarks/profile_web.py [--cached]``.

Builds the benchmark's edition in a throwaway SQLite database (as bench_web.py does)
and renders the page navigator and the article view through Django's test client,
in this process, under pyinstrument (``pip install pyinstrument``), printing the
call tree of each. Bounded: ``--requests`` renders per view (default 50).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--cached", action="store_true", help="profile cache hits instead")
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--articles", type=int, default=15)
    parser.add_argument("--html", help="write the profiles as HTML files with this prefix")
    args = parser.parse_args(argv)
    from pyinstrument import Profiler

    with tempfile.TemporaryDirectory(prefix="profile-web-") as tmp:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            DJANGO_SETTINGS_MODULE="benchmarks.web_settings",
            BENCH_PAGE_CACHE_SECONDS="3600" if args.cached else "0",
        )
        os.environ.pop("DJANGO_DEBUG", None)
        os.environ.pop("REDIS_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.test import Client

        from benchmarks.bench_web import build

        paths = build(args.pages, args.articles)
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
        for name, path in paths.items():
            for _ in range(3):  # templates compiled, connection open, page cached
                assert client.get(path).status_code == 200
            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(args.requests):
                client.get(path)
            profiler.stop()
            print(f"\n===== {name} ({path}), {args.requests} requests =====")
            print(profiler.output_text(unicode=True, color=False, show_all=False))
            if args.html:
                Path(f"{args.html}-{name.split()[0]}.html").write_text(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
