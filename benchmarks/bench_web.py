"""Benchmark of the reader's pages under gunicorn: ``make bench-web``.

It builds a large generated edition (40 pages x 15 articles by default, with
stories jumping across pages) in a throwaway SQLite database, and measures
requests per second of

* a bare Django TemplateView (same middleware, trivial template): the yardstick;
* the page navigator (版面) of a page in the middle of the edition;
* an article view of a story continued on another page;

on gunicorn (production settings) in up to four configurations: one node of two
sync workers with the embedded per-process cache, and two nodes of one worker
each behind one shared Redis cache (when a Redis answers at ``--redis-url``),
each with the rendered-page cache on and off. Requests alternate between the
nodes, as a load balancer's would. Each configuration prints a table with every
view's ratio to the bare view in that configuration (targets: at least 0.8
cached, 0.3 uncached); rounds and requests are bounded, gunicorn and the Redis
database used are cleaned up, and nothing beyond 127.0.0.1 is touched.

Each row also shows the CPU time a request cost the gunicorn processes and this
client together (from /proc) and the bare view's over it: the ratio the rates
come to on a machine nothing else is using. When other work shares the CPUs the
rates move with it, and views measured a few seconds apart would see different
loads: so within a round the views take turns every ``--batch`` requests (100),
each view's figures summed over its batches. The CPU ratio is still the steadier
figure; report both.
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
    from editions.models import Article, Edition, Page, Paper, Section, section_slug

    paper = Paper.objects.order_by("position", "code").first()  # made by a migration
    sections = Section.objects.bulk_create(
        [Section(paper=paper, name=name, slug=section_slug(name)) for name in SECTIONS]
    )
    editions = Edition.objects.bulk_create(
        [
            Edition(paper=paper, date=DAY + datetime.timedelta(days=d), is_published=True)
            for d in (-1, 0, 1)
        ]
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
    middle = by_key[(big.pk, pages // 2)]
    middle.edition = big
    jumping = Article.objects.get(page=middle, position=5)  # jumps two pages further on
    jumping.page = middle
    return {
        "bare TemplateView": "/bench/bare/",
        "page navigator": middle.get_absolute_url(),
        "article (jumping)": jumping.get_absolute_url(),
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


def process_tree(pids: list[int]) -> list[int]:
    """The processes and their children (gunicorn's masters and workers), from /proc."""
    found = list(pids)
    for pid in pids:
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        found += process_tree([int(child) for child in children])
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (0 where /proc cannot tell)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def run_batch(pool, ports: list[int], path: str, requests: int, pids: list[int]) -> dict:
    """``requests`` GETs of one path on the pool's client threads, alternating between the
    nodes: the wall-clock time, the CPU the servers and this client spent, the latencies.

    Besides the rate, the CPU time a request costs: on a machine others are using
    too, the rate moves with their load, while the CPU a request costs does not
    (much), so the two together tell what is real.
    """
    latencies: list[float] = []
    size = 0

    def one(n):
        nonlocal size
        latency, size = get(ports[n % len(ports)], path)
        latencies.append(latency)  # list.append is atomic

    server_before, client_before = cpu_seconds(pids), time.process_time()
    started = time.perf_counter()
    list(pool.map(one, range(requests)))
    return {
        "elapsed": time.perf_counter() - started,
        "server": cpu_seconds(pids) - server_before,
        "client": time.process_time() - client_before,
        "latencies": latencies,
        "bytes": size,
    }


def measure_round(
    ports: list[int], paths: dict[str, str], requests: int, threads: int, servers, batch: int
) -> dict[str, dict[str, float]]:
    """One round: ``requests`` GETs of every path, in batches of ``batch``, the paths
    taking turns, so that a change in the machine's load during the round falls on
    every view alike rather than on whichever was being measured (0: one batch each)."""
    pids = process_tree(list(servers))
    batch = batch or requests
    batches: dict[str, list[dict]] = {name: [] for name in paths}
    with ThreadPoolExecutor(threads) as pool:
        for start in range(0, requests, batch):
            count = min(batch, requests - start)
            for name, path in paths.items():
                batches[name].append(run_batch(pool, ports, path, count, pids))
    results = {}
    for name, runs in batches.items():
        latencies = sorted(latency for run in runs for latency in run["latencies"])
        results[name] = {
            "rps": requests / sum(run["elapsed"] for run in runs),
            "p50": latencies[len(latencies) // 2] * 1000,
            "p95": latencies[int(len(latencies) * 0.95)] * 1000,
            "bytes": runs[-1]["bytes"],
            "server_ms": sum(run["server"] for run in runs) / requests * 1000,
            "client_ms": sum(run["client"] for run in runs) / requests * 1000,
        }
    return results


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


def serve_and_measure(
    paths: dict[str, str], env: dict[str, str], nodes: int, workers: int, args
) -> dict[str, list]:
    """Start the gunicorn nodes, measure every path over the rounds, stop them."""
    servers: list[subprocess.Popen] = []
    ports = [free_port() for _ in range(nodes)]
    try:
        for port in ports:
            command = [
                str(Path(sys.executable).with_name("gunicorn")),
                "newsroom.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={workers}",
                "--worker-class=sync",
                "--log-level=warning",
            ]
            servers.append(subprocess.Popen(command, cwd=ROOT, env=env))
        for port, server in zip(ports, servers, strict=True):
            wait_until_up(port, server)
        pids = [server.pid for server in servers]
        # Warm up: templates compiled, pages cached, connections open.
        measure_round(ports, paths, 100, args.threads, pids, 0)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in paths}
        for _ in range(args.rounds):
            measured = measure_round(ports, paths, args.requests, args.threads, pids, args.batch)
            for name, figures in measured.items():
                results[name].append(figures)
        return results
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # no client, no server, wrong address: measure without Redis
        return False


def flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()


def report(
    title: str, paths: dict[str, str], results: dict[str, list], args
) -> tuple[float, float]:
    """Print one configuration's table; return the slowest reader view's ratios to bare.

    Two ratios: of requests per second (the target's measure), and of the CPU
    time a request costs the servers and the client together, which is what the
    first comes to on a machine nothing else is using.
    """
    print(
        f"\n{title}; {os.cpu_count()} CPUs, CONN_MAX_AGE={args.conn_max_age}; "
        f"median of {args.rounds} rounds x {args.requests} requests "
        f"(views taking turns every {args.batch or args.requests}), "
        f"{args.threads} client threads"
    )
    header = (
        f"{'view':<20} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'CPU ms':>7} {'ratio':>6} {'KiB':>6}  path"
    )
    print(header)
    print("-" * len(header))

    def median(name, field):
        return statistics.median(r[field] for r in results[name])

    def cpu(name):
        return median(name, "server_ms") + median(name, "client_ms")

    bare, bare_cpu = median("bare TemplateView", "rps"), cpu("bare TemplateView")
    worst = worst_cpu = 1.0
    for name, path in paths.items():
        rps, cost = median(name, "rps"), cpu(name)
        ratio = rps / bare
        cpu_ratio = bare_cpu / cost if cost else float("nan")
        worst, worst_cpu = min(worst, ratio), min(worst_cpu, cpu_ratio)
        size = results[name][-1]["bytes"] / 1024
        print(
            f"{name:<20} {rps:>8.0f} {ratio:>6.2f} {median(name, 'p50'):>7.1f} "
            f"{median(name, 'p95'):>7.1f} {cost:>7.2f} {cpu_ratio:>6.2f} {size:>6.1f}  {path}"
        )
    return worst, worst_cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--articles", type=int, default=15, help="articles per page")
    parser.add_argument("--requests", type=int, default=600, help="per view and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--batch",
        type=int,
        default=100,
        help="requests of one view before the next view's turn within a round "
        "(0: all of a view's requests at once, one view after the other)",
    )
    parser.add_argument("--workers", type=int, default=2, help="sync workers of the one node")
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
        help="READER_PAGE_CACHE_SECONDS; 0 measures only the uncached configurations",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        help="a Redis database the benchmark may empty, for the two-node runs",
    )
    parser.add_argument("--nodes", choices=["one", "two", "both"], default="both")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            DJANGO_SETTINGS_MODULE="benchmarks.web_settings",
        )
        for name in ("DJANGO_DEBUG", "REDIS_URL"):
            env.pop(name, None)
        os.environ.update(env)
        os.environ.pop("REDIS_URL", None)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        started = time.perf_counter()
        paths = build(args.pages, args.articles)
        print(
            f"Built an edition of {args.pages} pages x {args.articles} articles "
            f"in {time.perf_counter() - started:.1f}s."
        )

        layouts = []
        if args.nodes in {"one", "both"}:
            one = f"one node, {args.workers} workers, per-process cache"
            layouts.append((one, 1, args.workers))
        if args.nodes in {"two", "both"}:
            if redis_answers(args.redis_url):
                layouts.append(("two nodes, 1 worker each, shared Redis cache", 2, 1))
            else:
                print(f"\nNo Redis answers at {args.redis_url}: the two-node runs are left out.")
        caching = [("every request rendered", 0)]
        if args.page_cache:
            caching.insert(0, ("rendered pages cached", args.page_cache))
        summary = []
        for layout, nodes, workers in layouts:
            for title, cache_seconds in caching:
                server_env = dict(
                    env,
                    BENCH_PAGE_CACHE_SECONDS=str(cache_seconds),
                    BENCH_CONN_MAX_AGE=str(args.conn_max_age),
                )
                if nodes > 1:
                    server_env["REDIS_URL"] = args.redis_url
                    flush(args.redis_url)
                try:
                    results = serve_and_measure(paths, server_env, nodes, workers, args)
                finally:
                    if nodes > 1:
                        flush(args.redis_url)
                worst = report(f"{layout}, {title}", paths, results, args)
                summary.append((layout, title, *worst, 0.8 if cache_seconds else 0.3))

    print("\nThe slowest reader view against the bare view (req/s; CPU per request):")
    for layout, title, worst, worst_cpu, target in summary:
        verdict = "meets" if worst >= target else "MISSES"
        print(
            f"  {layout}, {title}: {worst:.2f} ({verdict} the {target} target); CPU {worst_cpu:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
