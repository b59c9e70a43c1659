"""Benchmark of ``import_pages``: a synthetic year of a 12-page daily.

Run with ``make bench-import``. It writes about 22,000 seed-sized raw page
files (365 dated folders x 12 pages x 5 articles, invented text) under
``benchmarks/out/``, then measures, each in a fresh process so the figures do
not share caches or memory:

* the parser alone (read + parse every file, no database): the upper limit;
* the whole import on a fresh SQLite database;
* the whole import on a fresh PostgreSQL database (when one is reachable).

It prints files per second, the ratio to the parser, the CPU time each stage
took (the import's with its PostgreSQL backend's) and its ratio to the parser's
(steadier than the wall clock when other work shares the cores), and resident
memory at the start, middle and end of the import, so growth is visible; then the search
index of what it wrote, which the import queues as a background job
(editions/search/tasks.py), run here as a worker would and timed apart, and the
rate of import and index together, so each part's owner sees their share.
Targets (2 cores): 1,000 files/s on SQLite, 500 on PostgreSQL, flat memory.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PAGES, ARTICLES_PER_PAGE = 12, 5
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/postgres"

# Invented vocabulary: enough variety that files differ like real pages do.
_WORDS = [
    "临江",
    "新区",
    "码头",
    "社区",
    "春耕",
    "夜市",
    "志愿者",
    "河道",
    "学校",
    "图书馆",
    "公交",
    "园区",
    "企业",
    "农户",
    "电网",
    "水库",
    "果园",
    "养老",
    "医院",
    "展馆",
    "剧团",
    "球队",
    "老街",
    "桥梁",
    "渔村",
    "茶山",
    "高铁",
    "物流",
]
_VERBS = [
    "推进",
    "开展",
    "完成",
    "启动",
    "提升",
    "建设",
    "改造",
    "举办",
    "走访",
    "落实",
    "优化",
    "巩固",
]
_PAGE_NAMES = [
    "要闻",
    "要闻",
    "要闻",
    "经济",
    "城市",
    "理论特刊 ①",
    "文化",
    "体育",
    "乡村",
    "教育",
    "副刊",
    "生态",
]


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample(_WORDS, 2)
    return f"{a}{rng.choice(_VERBS)}{b}工作，各方{rng.choice(_VERBS)}相关举措，效果逐步显现。"


def _paragraph(rng: random.Random) -> str:
    return "".join(_sentence(rng) for _ in range(rng.randint(4, 9)))


def _title(rng: random.Random, day: int, page: int, position: int) -> str:
    a, b = rng.sample(_WORDS, 2)
    return f"{a}{rng.choice(_VERBS)}{b}（{day}-{page}-{position}）"


def generate(folder: Path, days: int, seed: int = 2024) -> int:
    """Write the synthetic archive; returns the number of files."""
    rng = random.Random(seed)
    start = datetime.date(2023, 1, 1)
    page_list = "\n".join(
        f"\u00a0 \u00a0第{n:02d}版:{name}" for n, name in enumerate(_PAGE_NAMES, 1)
    )
    count = 0
    for day in range(days):
        date = start + datetime.timedelta(days=day)
        day_dir = folder / date.isoformat()
        day_dir.mkdir(parents=True, exist_ok=True)
        for page in range(1, PAGES + 1):
            titles = [_title(rng, day, page, p) for p in range(1, ARTICLES_PER_PAGE + 1)]
            for position, title in enumerate(titles, 1):
                paragraphs = [_paragraph(rng) for _ in range(12)]
                body = []
                for index, text in enumerate(paragraphs):
                    if index in (2, 7):
                        body.append(f"  {rng.choice(_WORDS)}{rng.choice(_VERBS)}见实效")
                    if index == 8 and position == 1 and page < PAGES:
                        body.append(f"  ■下转第{page + 1}版  ■上接第{page}版")
                    body.append("  " + text)
                text = "\n".join(
                    [
                        "往期阅读",
                        f"当前版: {page:02d}版 上一版\u00a0\u00a0下一版",
                        "上一篇 \u00a0\u00a0 下一篇",
                        "放大 缩小 默认",
                        "",
                        title,
                        "",
                        f"——{rng.choice(_WORDS)}工作侧记",
                        f"本报记者 {rng.choice('王李张刘陈杨')}{rng.choice('明华强丽芳军')}",
                        "\n\n".join(body),
                        "",
                        "上一篇 \u00a0\u00a0 下一篇",
                        "\u00a0\u00a0\u00a0标题导航",
                        page_list,
                        *titles,
                    ]
                )
                (day_dir / f"page{page:02d}-{position}.txt").write_text(text, encoding="utf-8")
                count += 1
    return count


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds(connection=None) -> float:
    """CPU time of this process and, on PostgreSQL, of its server backend: what a stage
    costs whatever else the shared cores are doing (the wall clock counts the others'
    turns too). Waits for the disk count in neither."""
    total = time.process_time()
    if connection is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def stage_parse(folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from editions.parsing import parse_page
    from editions.sources import iter_path_sources

    started, cpu = time.perf_counter(), _cpu_seconds()
    files = 0
    for raw in iter_path_sources([folder]):
        parse_page(raw.data, raw.name)
        files += 1
    seconds = time.perf_counter() - started
    return {
        "files": files,
        "seconds": seconds,
        "cpu_seconds": _cpu_seconds() - cpu,
        "peak_mib": _peak_mib(),
    }


def stage_import(folder: Path, database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # DEBUG would keep every SQL statement in memory and format each one: measure production.
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    import django

    django.setup()
    from django.core.management import call_command

    from editions.importing import pages_import
    from editions.sources import iter_path_sources

    call_command("migrate", verbosity=0)
    samples = []
    files = 0
    start_rss = _rss_mib()

    def on_result(result):
        nonlocal files
        files += 1
        if files % 2000 == 0:
            samples.append(round(_rss_mib(), 1))

    from django.db import connection

    started, cpu = time.perf_counter(), _cpu_seconds(connection)
    report = pages_import(iter_path_sources([folder]), on_result=on_result)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds(connection) - cpu
    # The import queued the search index of what it wrote as a job (the database
    # backend, as in production): do here what a worker would, timed apart.
    from django_tasks_db.models import DBTaskResult

    from editions.search.tasks import search_index_job

    jobs = list(DBTaskResult.objects.ready().filter(task_path__endswith="search_index_job"))
    started = time.perf_counter()
    indexed = sum(search_index_job.call(*job.args_kwargs["args"]) for job in jobs)
    index_seconds = time.perf_counter() - started
    return {
        "files": files,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "index_jobs": len(jobs),
        "indexed": indexed,
        "index_seconds": index_seconds,
        "failed": report.failed,
        "created": report.created,
        "start_mib": round(start_rss, 1),
        "rss_samples_mib": samples,
        "peak_mib": _peak_mib(),
    }


def _run_stage(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _postgres_default() -> str:
    """BENCH_POSTGRES_URL, else DATABASE_URL when it is PostgreSQL, else the local server."""
    if url := os.environ.get("BENCH_POSTGRES_URL"):
        return url
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else PG_DEFAULT


def _fresh_postgres(url: str) -> str | None:
    """A new, empty database beside the one ``url`` names: ``<name>_bench``
    (``bench_newsroom`` for the server's own ``postgres``), so two people
    benchmarking on one server each drop only their own."""
    try:
        import psycopg
    except ImportError:
        return None
    server, _, name = url.rpartition("/")
    bench = "bench_newsroom" if name in ("", "postgres") else f"{name}_bench"
    maintenance = f"{server}/postgres".replace("postgres://", "postgresql://", 1)
    try:
        with psycopg.connect(maintenance, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{bench}"')
            c.execute(f'CREATE DATABASE "{bench}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL not reachable ({exc.__class__.__name__}); skipping it.")
        return None
    return f"{server}/{bench}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--postgres",
        default=_postgres_default(),
        help="a PostgreSQL URL (default: BENCH_POSTGRES_URL, else DATABASE_URL if it is "
        "PostgreSQL, else the local server); the import runs in a fresh database beside "
        "it, named <its name>_bench",
    )
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--no-mirror", action="store_true", help="skip the mirror benchmark (bench_mirror.py)"
    )
    parser.add_argument("--stage", choices=["parse", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.stage == "parse":
        print(json.dumps(stage_parse(Path(args.folder))))
        return
    if args.stage == "import":
        print(json.dumps(stage_import(Path(args.folder), args.database_url)))
        return

    folder = OUT / f"archive-{args.days}d"
    marker = folder / ".complete"
    if not marker.exists():
        print(f"Generating {args.days} days x {PAGES} pages x {ARTICLES_PER_PAGE} articles ...")
        count = generate(folder, args.days)
        marker.write_text(str(count))
    count = int(marker.read_text())
    size = sum(f.stat().st_size for f in folder.rglob("*.txt")) / count
    print(f"{count} files, {size / 1024:.1f} KiB on average, in {folder.relative_to(ROOT)}")

    rows = [("parser only", _run_stage("--stage", "parse", "--folder", str(folder)))]
    db_file = OUT / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    rows.append(
        (
            "import, SQLite",
            _run_stage(
                "--stage",
                "import",
                "--folder",
                str(folder),
                "--database-url",
                f"sqlite:///{db_file}",
            ),
        )
    )
    if not args.no_postgres and (pg := _fresh_postgres(args.postgres)):
        rows.append(
            (
                "import, PostgreSQL",
                _run_stage("--stage", "import", "--folder", str(folder), "--database-url", pg),
            )
        )

    parse_rate = rows[0][1]["files"] / rows[0][1]["seconds"]
    parse_cpu = rows[0][1]["cpu_seconds"]
    print(
        f"\n{'stage':<20}{'files':>8}{'seconds':>9}{'files/s':>9}{'of parser':>10}"
        f"{'CPU s':>7}{'(of parser)':>12}{'peak MiB':>10}  RSS every 2000 files (MiB)"
    )
    for name, row in rows:
        rate = row["files"] / row["seconds"]
        samples = row.get("rss_samples_mib", [])
        print(
            f"{name:<20}{row['files']:>8}{row['seconds']:>9.1f}{rate:>9.0f}"
            f"{rate / parse_rate:>10.2f}{row['cpu_seconds']:>7.1f}"
            f"{parse_cpu / row['cpu_seconds']:>12.2f}{row['peak_mib']:>10.0f}  "
            f"{' '.join(str(s) for s in samples)}"
        )
        if row.get("failed"):
            print(f"  {row['failed']} files failed!")
    split = [(name, row) for name, row in rows if row.get("index_seconds") is not None]
    if split:
        print("\nthen the workers: the search index of what each import wrote (its job):")
        for name, row in split:
            index, whole = row["index_seconds"], row["seconds"] + row["index_seconds"]
            print(
                f"  {name:<18} {row['index_jobs']} job, {row['indexed']} articles in "
                f"{index:5.1f} s ({row['indexed'] / max(index, 1e-9):5.0f}/s); import and "
                f"index together {row['files'] / whole:5.0f} files/s, "
                f"{row['files'] / whole / parse_rate:.2f} of parser"
            )

    if not args.no_mirror:
        print()
        mirror = [sys.executable, str(ROOT / "benchmarks" / "bench_mirror.py")]
        subprocess.run(mirror + (["--no-postgres"] if args.no_postgres else []), check=True)


if __name__ == "__main__":
    main()
