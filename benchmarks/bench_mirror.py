"""Benchmark of ``import_pages`` on an e-paper mirror: a generated month of a 12-page daily.

Run by ``make bench-import`` after the text benchmark (or alone:
``.venv/bin/python benchmarks/bench_mirror.py``). It writes, under ``benchmarks/out/``,
a Founder site mirror of 30 days: per page a page view (``node_N.htm``, image map,
linked headlines), 5 article views (``content_N.htm``), the page image (JPEG) and its
PDF, as ``wget -m`` keeps them; then imports it on a fresh SQLite database and, when
reachable, PostgreSQL, each in a fresh process, and prints files/s, MB/s and peak
memory. The page images and PDFs go through ``default_storage`` (a temporary folder).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
sys.path.insert(0, str(ROOT))

from benchmarks.bench_import import (  # noqa: E402
    _fresh_postgres,
    _paragraph,
    _peak_mib,
    _postgres_default,
    _title,
)

PAGES, ARTICLES = 12, 5
SIZE = (900, 1290)  # page image pixels: a small scan


def generate(folder: Path, days: int, seed: int = 2024) -> int:
    from PIL import Image

    from tests import mirror

    rng = random.Random(seed)
    pages = [(f"{n:02d}", f"版{n}") for n in range(1, PAGES + 1)]
    count = 0
    for day in range(1, days + 1):
        html = f"bench/html/2024-06/{day:02d}"
        for page in range(1, PAGES + 1):
            label = f"{page:02d}"
            images = f"bench/images/2024-06/{day:02d}/{label}"
            stem = f"BENCH202406{day:02d}{label}"
            keys = [f"{day:02d}{page:02d}{n}" for n in range(1, ARTICLES + 1)]
            titles = [_title(rng, day, page, n) for n in range(1, ARTICLES + 1)]
            step = 573 // ARTICLES
            boxes = [(4, 4 + i * step, 396, (i + 1) * step) for i in range(ARTICLES)]
            node = mirror.node_view(
                label,
                pages=pages,
                headlines=list(zip(titles, keys, strict=True)),
                areas=[
                    ("rect", ",".join(map(str, b)), k) for b, k in zip(boxes, keys, strict=True)
                ],
                image=f"../../../images/2024-06/{day:02d}/{label}/{stem}_b.jpg",
                pdf=f"../../../images/2024-06/{day:02d}/{label}/{stem}.pdf",
            )
            mirror.write(folder, f"{html}/node_{page}.htm", node)
            for key, title in zip(keys, titles, strict=True):
                paragraphs = [_paragraph(rng) for _ in range(rng.randint(4, 9))]
                article = mirror.founder_article(
                    label,
                    title,
                    paragraphs,
                    pages=pages,
                    headlines=list(zip(titles, keys, strict=True)),
                )
                mirror.write(folder, f"{html}/content_{key}.htm", article)
            scale = SIZE[0] / 400
            jpeg = mirror.page_image(SIZE, [tuple(int(v * scale) for v in b) for b in boxes])
            mirror.write(folder, f"{images}/{stem}_b.jpg", jpeg)
            pdf = io.BytesIO()
            Image.open(io.BytesIO(jpeg)).save(pdf, "PDF")  # the scan, as a PDF
            mirror.write(folder, f"{images}/{stem}.pdf", pdf.getvalue())
            count += 3 + ARTICLES
    return count


def stage_import(folder: Path, database_url: str, media: Path) -> dict:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_MEDIA_ROOT"] = str(media)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()
    from django.core.management import call_command

    from editions.importing import pages_import
    from editions.sources import iter_path_sources

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = pages_import(iter_path_sources([folder]))
    seconds = time.perf_counter() - started
    # The import queued its pages' rendering as jobs (the database backend): do here
    # what the workers would, timed apart.
    from django_tasks_db.models import DBTaskResult

    from editions.printed.tasks import render_pages_job

    jobs = list(DBTaskResult.objects.ready().filter(task_path__endswith="render_pages_job"))
    started = time.perf_counter()
    pages = 0
    for job in jobs:
        ids = job.args_kwargs["args"][0]
        render_pages_job.call(ids)
        pages += len(ids)
    render_seconds = time.perf_counter() - started
    return {
        "files": report.files,
        "seconds": seconds,
        "render_jobs": len(jobs),
        "render_pages": pages,
        "render_seconds": render_seconds,
        "failed": report.failed,
        "failures": report.failures[:3],
        "kinds": {str(k): v for k, v in report.kinds.items()},
        "peak_mib": _peak_mib(),
    }


def _run(folder: Path, url: str, media: Path) -> dict:
    shutil.rmtree(media, ignore_errors=True)
    args = ["--stage", "--folder", str(folder), "--database-url", url, "--media", str(media)]
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--postgres", default=_postgres_default())
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--stage", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--media", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(stage_import(Path(args.folder), args.database_url, Path(args.media))))
        return

    folder = OUT / f"mirror-{args.days}d"
    marker = folder / ".complete"
    if not marker.exists():
        print(f"Generating a mirror of {args.days} days x {PAGES} pages ...")
        shutil.rmtree(folder, ignore_errors=True)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(str(generate(folder, args.days)))
    files = [f for f in folder.rglob("*") if f.is_file() and f.name != ".complete"]
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    print(f"{len(files)} files, {megabytes:.1f} MB, in {folder.relative_to(ROOT)}")

    db_file = OUT / "bench-mirror.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    rows = [("mirror, SQLite", _run(folder, f"sqlite:///{db_file}", OUT / "media-sqlite"))]
    if not args.no_postgres and (pg := _fresh_postgres(args.postgres)):
        rows.append(("mirror, PostgreSQL", _run(folder, pg, OUT / "media-pg")))
    print(f"\n{'stage':<20}{'files':>8}{'seconds':>9}{'files/s':>9}{'MB/s':>8}{'peak MiB':>10}")
    for name, row in rows:
        print(
            f"{name:<20}{row['files']:>8}{row['seconds']:>9.1f}"
            f"{row['files'] / row['seconds']:>9.0f}{megabytes / row['seconds']:>8.1f}"
            f"{row['peak_mib']:>10.0f}  {row['kinds']}"
        )
        print(
            f"{'  then its workers':<20}{row['render_pages']:>8}{row['render_seconds']:>9.1f}"
            f"{row['render_pages'] / max(row['render_seconds'], 1e-9):>9.1f} pages/s "
            f"rendered (derivatives, regions, edition PDFs) from {row['render_jobs']} jobs"
        )
        if row["failed"]:
            print(f"  {row['failed']} files failed, e.g. {row['failures']}")


if __name__ == "__main__":
    main()
