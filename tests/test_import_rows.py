"""The importer's bulk inserts write what Django's bulk_create and simple_history's
bulk_create_with_history would: the same columns, keys back in order, history beside;
and the connection's settings an import tunes come back as they were."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from editions.importing import pages_import, rows, run
from editions.models import Article, Page
from editions.sources import iter_path_sources
from tests.factories import PageFactory
from tests.rawpages import HEADLINES, raw_page, write

pytestmark = pytest.mark.django_db


def _articles(page: Page, first: int, now) -> list[Article]:
    """Articles with every kind of value: text with tabs, backslashes and line ends
    (COPY escapes them), JSON with Chinese, dates, an empty and a null field."""
    return [
        Article(
            page=page,
            position=first + n,
            kicker="引题\t制表" if n else "",
            title=f"标题 {n} \\ 反斜杠",
            source_key=f"content_{n}",
            subtitle="",
            byline="本报记者 张三",
            body="第一段\n\n第二段\r\n--- 第2版 ---\n\n续",
            imported={"title": f"标题 {n}", "body": "正文\n“引号”", "n": n},
            imported_at=now if n % 2 else None,
        )
        for n in range(3)
    ]


def _values(article: Article) -> dict:
    values = model_to_dict(article, exclude=["id", "position", "continued_on"])
    values["updated_at"] = article.updated_at is not None
    return values


def _history(article: Article) -> dict:
    record = article.history.get()
    return {
        "type": record.history_type,
        "reason": record.history_change_reason,
        "user": record.history_user_id,
        "title": record.title,
        "body": record.body,
        "page": record.page_id,
        "imported_at": record.imported_at,
    }


def test_insert_writes_what_bulk_create_writes_with_the_same_history():
    page = PageFactory()
    user = get_user_model().objects.create_user("importer")
    now = timezone.now()
    mine = _articles(page, 1, now)
    rows.insert(Article, mine)
    rows.insert_history(Article, mine, user=user, reason="import", date=now)
    theirs = _articles(page, 10, now)
    bulk_create_with_history(theirs, Article, default_user=user, default_change_reason="import")

    ids = [a.pk for a in mine]
    assert all(ids)
    assert ids == sorted(ids)
    assert all(not a._state.adding for a in mine)
    for a, b in zip(mine, theirs, strict=True):
        stored_a, stored_b = Article.objects.get(pk=a.pk), Article.objects.get(pk=b.pk)
        assert _values(stored_a) == _values(stored_b)
        assert stored_a.imported == a.imported  # JSON read back, not a string
        assert _history(stored_a) == _history(stored_b)
    assert Article.history.filter(id__in=ids).count() == 3


def test_history_copied_by_the_database_is_the_history_written_from_the_objects():
    page = PageFactory()
    user = get_user_model().objects.create_user("importer")
    now = timezone.now()
    copied, written = _articles(page, 1, now), _articles(page, 10, now)
    rows.insert(Article, copied + written)
    rows.insert_history(Article, copied, user=user, reason="import", date=now, stored=True)
    rows.insert_history(Article, written, user=user, reason="import", date=now)
    for a, b in zip(copied, written, strict=True):
        assert _history(a) == _history(b)
        record = a.history.get()
        assert (record.history_date, record.kicker, record.is_corrected) == (
            now,
            a.kicker,
            a.is_corrected,
        )
    # In the objects' order, as written: the latest record of each is its own.
    records = Article.history.filter(id__in=[a.pk for a in copied]).order_by("history_id")
    assert [r.id for r in records] == [a.pk for a in copied]


def test_pages_history_copied_by_the_database_keeps_their_files_and_no_user():
    page = Page(edition=PageFactory().edition, number=7, label="07", image="pages/x/07-a.jpg")
    rows.insert(Page, [page])
    rows.insert_history(Page, [page], reason="import", date=timezone.now(), stored=True)
    record = page.history.get()
    assert (record.image, record.history_user_id, record.history_type) == (
        "pages/x/07-a.jpg",
        None,
        "+",
    )


def test_insert_gives_each_object_its_own_row():
    """Keys come back in the objects' order: each object is the row it was written as."""
    page = PageFactory()
    now = timezone.now()
    articles = _articles(page, 1, now)
    rows.insert(Article, articles)
    for article in articles:
        assert Article.objects.get(pk=article.pk).position == article.position


def test_insert_of_pages_keeps_files_and_json():
    """A page's file fields and its JSON go through the fields' own conversions."""
    existing = PageFactory()
    page = Page(
        edition=existing.edition,
        number=existing.number + 1,
        label="A2",
        name="要闻",
        image="pages/x/2024-01-01/02-abc.jpg",
        printed={"sizes": [320, 640]},
    )
    rows.insert(Page, [page])
    rows.insert_history(Page, [page], reason="import", date=timezone.now())
    stored = Page.objects.get(pk=page.pk)
    assert stored.image.name == "pages/x/2024-01-01/02-abc.jpg"
    assert stored.printed == {"sizes": [320, 640]}
    assert stored.history.get().image == "pages/x/2024-01-01/02-abc.jpg"
    assert stored.history.get().history_date < timezone.now() + datetime.timedelta(seconds=1)


def test_insert_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows.insert(Article, [])
        rows.insert_history(Article, [])


def _settings() -> tuple:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA wal_autocheckpoint")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            return pages, cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('synchronous_commit')")
        commit = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('default_toast_compression')")
        return commit, cursor.fetchone()[0]


def test_an_import_tunes_the_connection_while_it_runs_and_restores_it(tmp_path, paper):
    """Fewer checkpoints and a page cache that holds a transaction (SQLite), commits not
    waiting for the disk and lz4 (PostgreSQL) during the run; the run's own record, and
    whatever the connection does next, as before."""
    before = _settings()
    seen = []
    write(tmp_path / "2024-08-02", "p1.txt", raw_page())
    write(tmp_path / "2024-08-02", "p2.txt", raw_page(title=HEADLINES[1]))
    report = pages_import(
        iter_path_sources([str(tmp_path)]),
        paper=paper,
        on_result=lambda r: seen.append(_settings()),
    )

    assert report.created == 2
    if connection.vendor == "sqlite":
        assert seen[0] == (run.IMPORT_WAL_CHECKPOINT_PAGES, -run.IMPORT_SQLITE_CACHE_KIB)
        assert seen[0] != before
    else:
        assert seen[0][0] == "off"
        assert seen[0] != before
    assert _settings() == before


def test_an_import_collects_its_garbage_less_often_and_restores_the_collector(tmp_path, paper):
    import gc

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    seen = []
    write(tmp_path / "2024-08-02", "p1.txt", raw_page())
    report = pages_import(
        iter_path_sources([str(tmp_path)]),
        paper=paper,
        on_result=lambda r: seen.append((gc.get_threshold(), gc.get_freeze_count())),
    )

    assert report.created == 1
    threshold, frozen_then = seen[0]
    assert threshold == (max(before[0], run.IMPORT_GC_THRESHOLD), *before[1:])
    assert frozen_then > frozen
    assert (gc.get_threshold(), gc.get_freeze_count()) == (before, frozen)


def test_concurrent_imports_leave_the_collector_as_the_first_found_it():
    import gc

    before = gc.get_threshold()
    first, second = run._old_objects_left_alone(), run._old_objects_left_alone()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[0] == max(before[0], run.IMPORT_GC_THRESHOLD)  # one still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


# --- SQLite's checkpoints in a thread of their own ----------------------------------------


def test_the_checkpoint_thread_copies_the_wal_while_another_connection_writes(tmp_path):
    import sqlite3

    from editions.importing.checkpoints import Checkpointer

    path = str(tmp_path / "wal.sqlite3")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # only the thread copies
    writer.execute("CREATE TABLE t (body TEXT)")
    thread = Checkpointer(path, interval=0.01)
    thread.start()
    try:
        for _ in range(20):
            writer.execute("BEGIN")
            writer.executemany("INSERT INTO t VALUES (?)", [("正文" * 500,)] * 20)
            writer.execute("COMMIT")
        # Every frame the writer committed gets copied into the database file.
        deadline = time.monotonic() + 10
        while thread.last[0] != thread.last[1] or thread.last[0] == 0:
            assert time.monotonic() < deadline, thread.last
            time.sleep(0.01)
    finally:
        thread.stop()
    assert thread.done > 0
    assert not thread.is_alive()
    writer.close()


def test_no_checkpoint_thread_for_a_database_without_a_wal_file():
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            pytest.skip("SQLite's WAL")
        assert run._wal_file(cursor) is None  # the tests' database lives in memory


JSON_VALUES = [{"title": "标题", "body": "正文\n\n“引号”\t\u2028"}, {}, [], [1, 2.5, None], None]


@pytest.mark.parametrize("value", JSON_VALUES)
def test_json_values_are_written_as_django_writes_them(value):
    if connection.vendor == "postgresql":
        pytest.skip("psycopg's Jsonb wrappers: Django's own conversion")
    for model, name in ((Article, "imported"), (Page, "printed")):
        field = model._meta.get_field(name)
        written = rows._converter(field, connection)(value)
        assert written == field.get_db_prep_save(value, connection)
