"""Benchmark of the reader's pages under gunicorn: ``make bench-web``.

It builds a large generated edition (40 pages x 15 articles by default, with
stories jumping across pages) in a throwaway SQLite database, starts gunicorn
on 127.0.0.1 (a free port, 2 sync workers, production settings), and measures
requests per second of

* a bare Django TemplateView (same middleware, trivial template): the yardstick;
* the page navigator (版面) of a page in the middle of the edition;
* an article view of a story continued on another page;

interleaved over a few rounds, from a client of threads on http.client with a
bounded number of requests. It prints a table with each view's ratio to the
bare view (target: at least 0.5) and stops gunicorn itself. No network
beyond 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAY = datetime.date(2024, 8, 2)
SECTIONS = ["要闻", "经济", "城市", "理论特刊", "文化", "体育", "副刊", "生态环保"]
SENTENCES = [
    "临江市各级部门坚持问题导向，把调研中发现的困难逐条列出清单，限期推动解决。",
    "沿江四市签署协同发展协议，在交通互联、产业协作、生态共保等方面开展合作。",
    "记者在现场看到，新建的码头泊位已经投入使用，集装箱吊装作业有序进行。",
    "“以前办事要跑好几趟，现在一次就能办好。”家住江北区的居民老王说。",
    "据统计，今年上半年全市新设经营主体同比增长百分之十二点四，创近年新高。",
    "下一步，相关部门将持续跟踪政策落实情况，确保各项举措落地见效。",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def paragraph(seed: int) -> str:
    return "".join(SENTENCES[(seed + k) % len(SENTENCES)] for k in range(3))


def article_body(page: int, position: int, pages: int) -> str:
    parts = []
    for k in range(12):
        if k in (4, 8):
            parts.append(f"## 小标题{page}-{position}-{k}")
        parts.append(paragraph(page * 31 + position * 7 + k))
        if k == 7 and position % 5 == 0 and page + 2 <= pages:
            parts.append(f"--- 第{page + 2}版 ---")  # the story jumps, as printed stories do
    return "\n\n".join(parts)


def build(pages: int, per_page: int) -> dict[str, str]:
    """Fill the throwaway database; return the paths to measure."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    from editions import body as body_format
    from editions.models import Article, Edition, Page, Section, section_slug

    sections = Section.objects.bulk_create(
        [Section(name=name, slug=section_slug(name)) for name in SECTIONS]
    )
    editions = Edition.objects.bulk_create(
        [Edition(date=DAY + datetime.timedelta(days=d), is_published=True) for d in (-1, 0, 1)]
    )
    big = editions[1]
    page_rows = []
    for edition in editions:
        count = pages if edition is big else 2
        for number in range(1, count + 1):
            section = sections[(number - 1) * len(sections) // count]
            page_rows.append(
                Page(
                    edition=edition,
                    number=number,
                    label=f"{number:02d}",
                    name=f"{section.name} {number}",
                    section=section,
                    editor="林晓川",
                )
            )
    Page.objects.bulk_create(page_rows)
    by_key = {(p.edition_id, p.number): p for p in Page.objects.all()}
    articles = []
    for (edition_id, number), page in by_key.items():
        count = per_page if edition_id == big.pk else 3
        for position in range(1, count + 1):
            articles.append(
                Article(
                    page=page,
                    position=position,
                    kicker="推动区域协调发展" if position % 3 == 0 else "",
                    title=f"第{number}版第{position}篇：沿江四市共建澄江走廊",
                    subtitle="我市与沿江三市签署协同发展框架协议" if position % 4 == 0 else "",
                    byline="本报记者 宋一帆",
                    body=article_body(number, position, pages if edition_id == big.pk else 2),
                )
            )
    Article.objects.bulk_create(articles)
    through = Article.continued_on.through
    links = []
    for article in Article.objects.filter(page__edition=big).select_related("page"):
        blocks = body_format.text_to_blocks(article.body, article.page.number)
        for number in body_format.page_numbers(blocks, article.page.number)[1:]:
            links.append(through(article_id=article.pk, page_id=by_key[(big.pk, number)].pk))
    through.objects.bulk_create(links)
    middle = pages // 2
    jumping = 5  # position 5 jumps to the page two further on
    return {
        "bare TemplateView": "/bench/bare/",
        "page navigator": f"/{DAY.isoformat()}/page/{middle}/",
        "article (jumping)": f"/{DAY.isoformat()}/page/{middle}/{jumping}/",
    }


def get(port: int, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept-Language": "zh-hans"})
        response = connection.getresponse()
        size = len(response.read())
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
    finally:
        connection.close()
    return time.perf_counter() - started, size


def measure(port: int, path: str, requests: int, threads: int) -> dict[str, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    size = 0

    def one(_):
        nonlocal size
        latency, size = get(port, path)
        with lock:
            latencies.append(latency)

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(requests)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": requests / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "bytes": size,
    }


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            get(port, "/bench/bare/")
            return
        except (OSError, RuntimeError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def serve_and_measure(paths: dict[str, str], env: dict[str, str], args) -> dict[str, list]:
    """Start gunicorn, measure every path over the rounds, stop gunicorn."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "newsroom.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={args.workers}",
        "--worker-class=sync",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_up(port, server)
        for path in paths.values():  # warm up: templates compiled, pages cached
            measure(port, path, 100, args.threads)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
        for _ in range(args.rounds):
            for name, path in paths.items():
                results[name].append(measure(port, path, args.requests, args.threads))
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report(title: str, paths: dict[str, str], results: dict[str, list], args) -> float:
    """Print one configuration's table; return the slowest reader view's ratio to bare."""
    print(
        f"\n{title}: gunicorn, {args.workers} sync workers, {os.cpu_count()} CPUs, "
        f"CONN_MAX_AGE={args.conn_max_age}; median of {args.rounds} rounds "
        f"x {args.requests} requests, {args.threads} client threads"
    )
    header = f"{'view':<20} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'KiB':>6}  path"
    print(header)
    print("-" * len(header))
    bare = statistics.median(r["rps"] for r in results["bare TemplateView"])
    worst = 1.0
    for name, path in paths.items():
        rps = statistics.median(r["rps"] for r in results[name])
        p50 = statistics.median(r["p50"] for r in results[name])
        p95 = statistics.median(r["p95"] for r in results[name])
        size = results[name][-1]["bytes"] / 1024
        ratio = rps / bare
        worst = min(worst, ratio)
        print(f"{name:<20} {rps:>8.0f} {ratio:>6.2f} {p50:>7.1f} {p95:>7.1f} {size:>6.1f}  {path}")
    return worst


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--articles", type=int, default=15, help="articles per page")
    parser.add_argument("--requests", type=int, default=1200, help="per view and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="seconds a worker keeps its database connection (0: one per request)",
    )
    parser.add_argument(
        "--page-cache",
        type=int,
        default=3600,
        help="READER_PAGE_CACHE_SECONDS; 0 measures only the uncached configuration",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            DJANGO_SETTINGS_MODULE="benchmarks.web_settings",
        )
        env.pop("DJANGO_DEBUG", None)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        started = time.perf_counter()
        paths = build(args.pages, args.articles)
        print(
            f"Built an edition of {args.pages} pages x {args.articles} articles "
            f"in {time.perf_counter() - started:.1f}s."
        )

        configurations = [("every request rendered", 0)]
        if args.page_cache:
            configurations.insert(0, ("rendered pages cached", args.page_cache))
        ratios = []
        for title, cache_seconds in configurations:
            server_env = dict(
                env,
                BENCH_PAGE_CACHE_SECONDS=str(cache_seconds),
                BENCH_CONN_MAX_AGE=str(args.conn_max_age),
            )
            results = serve_and_measure(paths, server_env, args)
            ratios.append(report(title, paths, results, args))
    verdict = "meets" if ratios[0] >= 0.5 else "MISSES"
    print(
        f"\n{configurations[0][0].capitalize()}, the slowest reader view runs at "
        f"{ratios[0]:.2f} of the bare view: {verdict} the 0.5 target."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
