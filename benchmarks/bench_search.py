"""Benchmark of full-text search: ``make bench-search`` (BENCH_ARGS="--articles 100000").

For each database (a throwaway SQLite file; a throwaway PostgreSQL database
``newsroom_bench_search`` on 127.0.0.1, or on the server ``BENCH_POSTGRES_URL`` names,
dropped afterwards) it

1. writes a synthetic archive in bulk (``bulk_create``, not the importer): two
   papers, editions of 8 pages of 9 articles day after day, text from a generated
   vocabulary with Zipf-distributed characters and words (a few very common words,
   a long tail of rare ones), articles of lognormal length around 900 characters;
2. builds the index with ``editions.search.rebuild`` and times it (articles/s);
3. runs a fixed mix of queries (one character, two, four, two words, a phrase, a
   rare word, a word with no hit; each with and without a date filter) many times,
   each run being what the search page asks: one page of ranked results and the
   facets (``search_page`` and ``search_facets``);
4. runs today's ``icontains`` scan on the same data (count and first page) as the
   yardstick, fewer times (it reads every article), after all the timed queries so
   that its reads of the whole archive leave none of them with cold caches.

Each database runs in its own process (``--backend``); the parent prints the table.
Targets: p95 <= 50 ms for every kind; index build >= 5,000 articles/s; index no
larger than 3x the text it indexes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The PostgreSQL server the throwaway database is made on (BENCH_POSTGRES_URL: another
#: one, e.g. a server configured as "PostgreSQL" in the README advises).
PG_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "newsroom_bench_search"
START = datetime.date(2006, 1, 1)
PAGES, PER_PAGE = 8, 9
SEED = 20240802


# --- the synthetic archive ---------------------------------------------------------


def char_pool(rng: random.Random, size: int = 3000) -> list[str]:
    """Characters that folding leaves alone (simplified or shared forms), in a random order."""
    from editions.search.text import fold

    chars = [chr(c) for c in range(0x4E00, 0x9FA6) if fold(chr(c)) == chr(c)]
    rng.shuffle(chars)
    return chars[:size]


class Vocabulary:
    """Words of 1-4 characters, ranked; the rank-``r`` word is drawn with weight 1/r."""

    def __init__(self, rng: random.Random, words: int = 40_000):
        pool = char_pool(rng)
        char_weights = list(accumulate(1 / (r + 1) ** 0.9 for r in range(len(pool))))
        seen: set[str] = set()
        self.words: list[str] = []
        lengths = [1] * 10 + [2] * 55 + [3] * 20 + [4] * 15
        while len(self.words) < words:
            n = rng.choice(lengths)
            word = "".join(rng.choices(pool, cum_weights=char_weights, k=n))
            if word not in seen:
                seen.add(word)
                self.words.append(word)
        # A few real words at chosen ranks, so the query mix reads naturally.
        for rank, word in (
            (3, "国家"),
            (40, "政协"),
            (300, "春耕"),
            (2_000, "生产"),
            (30_000, "C919"),
        ):
            self.words.insert(rank, word)
        self.cum = list(accumulate(1 / (r + 1) ** 1.05 for r in range(len(self.words))))
        self.pool = pool

    def sentence(self, rng: random.Random) -> str:
        words = rng.choices(self.words, cum_weights=self.cum, k=rng.randint(6, 16))
        return "".join(words) + rng.choice("，，，。。；")


def articles(vocabulary: Vocabulary, rng: random.Random, n: int):
    """(kicker, title, subtitle, byline, body) for ``n`` articles."""
    sentences = [vocabulary.sentence(rng) for _ in range(100_000)]
    for _ in range(n):
        length = min(8_000, int(rng.lognormvariate(6.6, 0.6)))  # ~900 characters
        parts, size = [], 0
        while size < length:
            text = rng.choice(sentences) if rng.random() < 0.8 else vocabulary.sentence(rng)
            parts.append(text)
            size += len(text)
            if rng.random() < 0.15:
                parts.append("\n\n")
        if rng.random() < 0.02:
            parts.append("春耕生产" + vocabulary.sentence(rng))
        title = vocabulary.sentence(rng)[:-1][:24]
        kicker = vocabulary.sentence(rng)[:-1][:16] if rng.random() < 0.3 else ""
        subtitle = vocabulary.sentence(rng)[:-1][:24] if rng.random() < 0.2 else ""
        yield kicker, title, subtitle, "本报记者 " + rng.choice(vocabulary.pool) * 2, "".join(parts)


def load_archive(n: int) -> int:
    """Write ``n`` articles in bulk; returns the bytes of text (UTF-8) they hold."""
    from django.db import transaction

    from editions.models import Article, Edition, Page, Paper, Section

    rng = random.Random(SEED)
    vocabulary = Vocabulary(rng)
    papers = [
        Paper.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("ljrb", "临江日报"), ("ljwb", "临江晚报"))
    ]
    sections = {
        paper.pk: [
            Section.objects.get_or_create(paper=paper, name=name, defaults={"slug": slug})[0]
            for name, slug in (
                ("要闻", "yao-wen"),
                ("经济", "jing-ji"),
                ("城市", "cheng-shi"),
                ("文化", "wen-hua"),
                ("体育", "ti-yu"),
                ("理论", "li-lun"),
            )
        ]
        for paper in papers
    }
    text_bytes = 0
    stream = articles(vocabulary, rng, n)
    made = 0
    day = 0
    while made < n:
        with transaction.atomic():
            editions = []
            for _ in range(50):
                for paper in papers:
                    editions.append(Edition(paper=paper, date=START + datetime.timedelta(days=day)))
                day += 1
            Edition.objects.bulk_create(editions)
            pages = [
                Page(
                    edition=e,
                    number=k,
                    label=f"{k:02d}",
                    name="版",
                    section=sections[e.paper_id][(k - 1) % 6],
                )
                for e in editions
                for k in range(1, PAGES + 1)
            ]
            Page.objects.bulk_create(pages)
            rows = []
            for page in pages:
                for position in range(1, PER_PAGE + 1):
                    if made >= n:
                        break
                    kicker, title, subtitle, byline, body = next(stream)
                    text_bytes += len((kicker + title + subtitle + byline + body).encode())
                    rows.append(
                        Article(
                            page=page,
                            position=position,
                            kicker=kicker,
                            title=title,
                            subtitle=subtitle,
                            byline=byline,
                            body=body,
                        )
                    )
                    made += 1
            Article.objects.bulk_create(rows, batch_size=2000)
        print(f"  {made:,} articles written", end="\r", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return text_bytes


# --- the query mix ---------------------------------------------------------------


def query_mix(vocabulary: Vocabulary) -> dict[str, list[str]]:
    words = vocabulary.words
    by_length = {n: [w for w in words if len(w) == n] for n in (1, 2, 4)}
    chars = vocabulary.pool
    return {
        "1 char": [chars[0], chars[5], chars[60], chars[400], chars[2000]],
        "2 chars": ["国家", by_length[2][20], by_length[2][300], by_length[2][3000], "春耕"],
        "4 chars": [by_length[4][0], by_length[4][50], by_length[4][500], by_length[4][3000]],
        "two words": [
            "国家 政协",
            f"{by_length[2][5]} {by_length[2][100]}",
            f"{by_length[2][40]} {by_length[1][3]}",
            "春耕 生产",
        ],
        "phrase": ['"春耕 生产"', f'"{by_length[2][2]}{by_length[2][9]}"', '"国家 政协"'],
        "rare word": ["C919", words[-1], words[-200], by_length[4][-1]],
        "no hit": ["量子纠缠", "齉龘", "zzqx"],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def cpu_seconds(connection) -> float | None:
    """CPU time of this process and of its PostgreSQL backend (where the server runs on
    this machine): the build's cost whatever else the shared cores are doing."""
    total = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_backend(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from editions.models import Article
    from editions.search import backends
    from editions.search.rebuild import rebuild

    if args.queries_only:  # the archive and index of an earlier run (--keep, --workdir)
        result = json.loads(Path(args.out).read_text())
    else:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        text_bytes = load_archive(args.articles)
        with connection.cursor() as cursor:
            # A live database has its statistics and, on PostgreSQL, the articles'
            # visibility map (autovacuum's work: the index-only lookups of the articles'
            # pages need it); untimed. The index's tables are built after this.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        started, cpu = time.perf_counter(), cpu_seconds(connection)
        total = rebuild()
        build_seconds = time.perf_counter() - started
        cpu_end = cpu_seconds(connection)
        build_cpu = cpu_end - cpu if cpu is not None and cpu_end is not None else None
        print(f"  index built in {build_seconds:.0f} s (CPU {build_cpu} s)", file=sys.stderr)
        result = {
            "vendor": connection.vendor,
            "articles": total,
            "build_rate": total / build_seconds,
            "build_seconds": build_seconds,
            "build_cpu_seconds": build_cpu,
            "text_bytes": text_bytes,
        }
    with connection.cursor() as cursor:
        result["index_bytes"] = backends.for_connection(connection).size_bytes(cursor)
        if connection.vendor == "postgresql":
            # Untimed: the build's last dirty buffers written now, as a server at rest
            # has them, not by the checkpointer during the timed queries (with a large
            # shared_buffers, gigabytes of them).
            cursor.execute("CHECKPOINT")
    result["kinds"] = {}
    Path(args.out).write_text(json.dumps(result))  # the build's figures, kept at once
    rng = random.Random(SEED)
    mix = query_mix(Vocabulary(rng))
    last = Article.objects.order_by("-page__edition__date").values_list(
        "page__edition__date", flat=True
    )[0]
    date_range = (last - datetime.timedelta(days=730), last)
    scans = []  # the yardstick, run after every timed query: it reads the whole archive,
    # and run between them it would leave each next query's rows out of the caches
    for kind, queries in mix.items():
        for dated in (False, True):
            name = kind + (" + dates" if dated else "")
            times, first, repeats, hits = [], [], [], []
            for number, q in enumerate(queries):
                for run in range(args.runs):
                    t = time.perf_counter()
                    # A new queryset each run, as each request makes: nothing read by
                    # an earlier run is kept but what the index keeps per process.
                    articles = Article.objects.published().select_related("page__edition__paper")
                    if dated:
                        articles = articles.search_dates(*date_range)
                    articles = articles.search(q)
                    page = articles.search_page(size=20)
                    facets = articles.search_facets()
                    times.append(time.perf_counter() - t)
                    (repeats if run else first).append(times[-1])
                hits.append(facets.total if not facets.more else f">{facets.total}")
                del page
                if number < args.scan_queries:
                    scans.append((name, q, dated))
            result["kinds"][name] = {
                "p50": percentile(times, 0.5) * 1000,
                "p95": percentile(times, 0.95) * 1000,
                # Each query's first run reads what no earlier run read (from disk, where
                # the caches let it go); its repeats, what the first left in memory.
                "first_p50": percentile(first, 0.5) * 1000,
                "repeat_p95": percentile(repeats, 0.95) * 1000 if repeats else None,
                "scan_p50": None,
                "hits": hits,
            }
            k = result["kinds"][name]
            print(
                f"  {name}: p95 {k['p95']:.1f} ms (first runs p50 {k['first_p50']:.1f}) {hits}",
                file=sys.stderr,
            )
    scan_times: dict[str, list[float]] = {}
    for name, q, dated in scans:
        for _ in range(args.scan_runs):
            scan = Article.objects.published()
            if dated:
                scan = scan.filter(page__edition__date__range=date_range)
            for term in q.replace('"', " ").split():
                scan = scan.filter(
                    Q(title__icontains=term)
                    | Q(kicker__icontains=term)
                    | Q(subtitle__icontains=term)
                    | Q(body__icontains=term)
                )
            t = time.perf_counter()
            scan.count()
            list(scan.order_by("-page__edition__date")[:20])
            scan_times.setdefault(name, []).append(time.perf_counter() - t)
    for name, values in scan_times.items():
        result["kinds"][name]["scan_p50"] = percentile(values, 0.5) * 1000
    return result


# --- the parent ------------------------------------------------------------------


def child(backend: str, args, workdir: Path) -> dict:
    env = dict(
        os.environ,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only",
        DJANGO_ALLOWED_HOSTS="localhost",
        READER_PAGE_CACHE_SECONDS="0",
    )
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        if not args.queries_only:
            (workdir / "bench.sqlite3").unlink(missing_ok=True)
    elif args.queries_only:
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        subprocess.run(
            ["psql", PG_SERVER + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"],
            check=True,
        )
        subprocess.run(
            ["psql", PG_SERVER + "/postgres", "-qc", f"CREATE DATABASE {PG_NAME}"], check=True
        )
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    out = workdir / f"{backend}.json"
    command = [
        sys.executable,
        __file__,
        "--backend",
        backend,
        "--out",
        str(out),
        "--articles",
        str(args.articles),
        "--runs",
        str(args.runs),
        "--scan-runs",
        str(args.scan_runs),
        "--scan-queries",
        str(args.scan_queries),
        *(["--queries-only"] if args.queries_only else []),
    ]
    try:
        subprocess.run(command, check=True, env=env, cwd=ROOT)
        return json.loads(out.read_text())
    finally:
        if backend == "postgresql" and not args.keep:
            subprocess.run(
                ["psql", PG_SERVER + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {PG_NAME}"],
                check=False,
            )


def _ms(value: float | None) -> str:
    return f"{value:.1f} ms" if value is not None else "–"


def table(results: list[dict]) -> str:
    lines = []
    heads = " | ".join(
        f"{r['vendor']} p50 | {r['vendor']} p95 | first runs p50 | repeats p95 | icontains p50"
        for r in results
    )
    lines.append(f"| query kind | {heads} |")
    lines.append("| --- |" + " ---: |" * (5 * len(results)))
    for kind in results[0]["kinds"]:
        cells = []
        for r in results:
            k = r["kinds"][kind]
            scan = f"{k['scan_p50']:,.0f} ms" if k["scan_p50"] is not None else "–"
            cells += [_ms(k["p50"]), _ms(k["p95"])]
            cells += [_ms(k.get("first_p50")), _ms(k.get("repeat_p95")), scan]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        worst = max(k["p95"] for k in r["kinds"].values())
        repeats = [k["repeat_p95"] for k in r["kinds"].values() if k.get("repeat_p95") is not None]
        worst_repeat = f" (of repeats {max(repeats):.1f} ms)" if repeats else ""
        cpu = r.get("build_cpu_seconds")
        per_cpu = f", {r['articles'] / cpu:,.0f} per CPU second" if cpu else ""
        lines.append(
            f"{r['vendor']}: {r['articles']:,} articles; index built in {r['build_seconds']:.0f} s "
            f"({r['build_rate']:,.0f} articles/s{per_cpu}); "
            f"index {r['index_bytes'] / 2**20:,.0f} MiB "
            f"= {r['index_bytes'] / r['text_bytes']:.2f}x the {r['text_bytes'] / 2**20:,.0f} MiB "
            f"of text; worst p95 {worst:.1f} ms{worst_repeat}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="runs of each query")
    parser.add_argument("--scan-runs", type=int, default=1, help="runs of each icontains scan")
    parser.add_argument(
        "--scan-queries", type=int, default=99, help="icontains for the first N queries of a kind"
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the PostgreSQL database (and, with --workdir, the SQLite file)",
    )
    parser.add_argument(
        "--workdir", help="where the SQLite file and results go (default: a temporary directory)"
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="only the queries, on the archive and index a --keep run left (same --workdir)",
    )
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if args.backend:
        Path(args.out).write_text(json.dumps(run_backend(args)))
        return
    if args.queries_only:
        args.keep = True
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        results = []
        for backend in args.databases.split(","):
            print(f"{backend}: {args.articles:,} articles", file=sys.stderr)
            results.append(child(backend, args, workdir))
    print(table(results))


if __name__ == "__main__":
    main()
