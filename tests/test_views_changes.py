"""Kept answers to readers' addresses, good while the database's change counter stands.

A process remembers what it found for an address and the counter it found it at
(``caching.remembered_answer``, ``editions.changes``); the next request for the
address then reads the counter alone. These tests commit, as production does
(``transactional_db``): inside a test's transaction no answer is ever kept, so the
rest of the suite sees the full lookup. Each shows a change made one way or
another reaching the very next request, and what a kept answer costs.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.apps import apps
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from editions import caching, changes
from editions.models import Article, Edition, Page, Paper
from editions.signals import change_counter_migrated
from tests.factories import build_edition
from tests.paths import DAY, article_path, edition_path, page_path, paper_path

committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def edition(transactional_db):
    return build_edition()


def served_twice(client, path: str) -> str:
    """Render and keep the page, then answer it from what was kept."""
    client.get(path)
    return client.get(path).content.decode()


# --- the counter ---------------------------------------------------------------------


def moved(write) -> bool:
    before = changes.current()
    write()
    return changes.current() != before


@committed
@pytest.mark.parametrize(
    "write",
    [
        "edition saved",
        "editions updated",
        "edition deleted",
        "edition created",
        "paper saved",
        "paper updated",
        "paper by hand",
    ],
)
def test_every_write_to_an_edition_or_a_paper_moves_the_counter(edition, write):
    paper = edition.paper
    writes = {
        "edition saved": lambda: Edition.objects.get(pk=edition.pk).save(),
        "editions updated": lambda: Edition.objects.update(name="晚间版"),
        "edition deleted": lambda: Edition.objects.filter(pk=edition.pk).delete(),
        "edition created": lambda: Edition.objects.bulk_create(
            [Edition(paper=paper, date=datetime.date(2024, 8, 3))]
        ),
        "paper saved": lambda: Paper.objects.get(pk=paper.pk).save(),
        "paper updated": lambda: Paper.objects.filter(pk=paper.pk).update(is_listed=False),
        "paper by hand": lambda: _by_hand("UPDATE editions_paper SET subtitle = 'x'"),
    }
    assert moved(writes[write])


def _by_hand(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@committed
def test_what_is_below_an_edition_moves_the_counter_through_the_edition(edition):
    article = Article.objects.filter(page__edition=edition).first()
    article.title = "更正"
    assert moved(article.save)
    assert moved(Page.objects.filter(edition=edition, number=4).first().delete)


@committed
def test_reading_the_counter_writes_nothing(edition):
    assert changes.current() == changes.current()


def test_inside_a_transaction_the_counter_vouches_for_nothing(db):
    build_edition()
    assert connection.in_atomic_block  # the db fixture's transaction
    assert changes.current() is None


@committed
def test_the_triggers_come_back_after_a_migration_that_dropped_them(edition):
    changes.drop_triggers(connection)
    assert not moved(lambda: Edition.objects.update(name="一"))
    change_counter_migrated(None, app_config=apps.get_app_config("editions"), using="default")
    assert moved(lambda: Edition.objects.update(name="二"))


@committed
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_writers_in_opposite_orders_never_deadlock_on_the_counter(edition):
    """Each writer takes the counter's row only while it commits: T1 writes an edition,
    then waits for an article T2 holds while T2 writes another edition. Had the trigger
    taken the counter at T1's first write, T2 would wait for it: a deadlock."""
    other = build_edition(date=DAY + datetime.timedelta(days=1))
    article = Article.objects.filter(page__edition=other).first()
    t2_holds_the_article = threading.Event()
    errors: list[BaseException] = []

    def writer(first):
        try:
            with transaction.atomic():
                first()
        except Exception as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    def t1():
        Edition.objects.filter(pk=edition.pk).update(name="甲")
        t2_holds_the_article.wait(10)
        Article.objects.filter(pk=article.pk).update(byline="甲")

    def t2():
        Article.objects.filter(pk=article.pk).update(byline="乙")
        t2_holds_the_article.set()
        threading.Event().wait(0.5)  # T1 is waiting for the article by now
        Edition.objects.filter(pk=other.pk).update(name="乙")

    before = changes.current()
    threads = [threading.Thread(target=writer, args=(t,)) for t in (t1, t2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert changes.current() >= before + 2  # once per transaction


# --- kept answers --------------------------------------------------------------------


@committed
def test_a_kept_answer_costs_the_counter_alone(client, edition):
    path = article_path(2, 1)
    first = served_twice(client, path)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path)
    assert [query["sql"] for query in queries] == [changes.READ]
    assert again.status_code == 200
    assert "第2版第1篇" in again.content.decode()
    assert again["ETag"] == client.get(path)["ETag"]
    assert again["Last-Modified"]
    assert "第2版第1篇" in first


@committed
def test_a_kept_answer_answers_a_revalidation_with_304(client, edition):
    path = page_path(2)
    etag = client.get(path)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert len(queries) == 1


@committed
@pytest.mark.parametrize(
    "change",
    ["article corrected", "page renamed", "paper renamed"],
)
def test_a_change_shows_on_the_next_request(client, edition, change):
    path = article_path(2, 1)
    served_twice(client, path)
    article = Article.objects.get(page__edition=edition, page__number=2, position=1)
    if change == "article corrected":
        article.title = "更正：第二版首篇"
        article.save()
        expected = "更正：第二版首篇"
    elif change == "page renamed":
        Page.objects.filter(pk=article.page_id).update(name="改名的版面")
        Edition.objects.filter(pk=edition.pk).touch()
        expected = "改名的版面"
    else:
        paper = Paper.objects.get(pk=edition.paper_id)
        paper.name = "澄江晚报"
        paper.save()
        expected = "澄江晚报"
    assert expected in client.get(path).content.decode()


@committed
@pytest.mark.parametrize("how", ["withdrawn", "paper unlisted", "deleted", "by hand"])
def test_an_edition_gone_is_gone_on_the_next_request(client, edition, how):
    path = page_path(1)
    assert "第1版第1篇" in served_twice(client, path)
    if how == "withdrawn":
        Edition.objects.filter(pk=edition.pk).update(is_published=False)
    elif how == "paper unlisted":  # no edition's row changes: the paper's does
        Paper.objects.filter(pk=edition.paper_id).update(is_listed=False)
    elif how == "deleted":
        Edition.objects.filter(pk=edition.pk).delete()
    else:
        _by_hand(f"UPDATE editions_edition SET is_published = FALSE WHERE id = {edition.pk}")
    assert client.get(path).status_code == 404


@committed
def test_a_later_edition_published_shows_as_the_next_one(client, edition):
    path = page_path(1)
    step = edition_path(DAY, "next-edition")
    assert f'href="{step}"' not in served_twice(client, path)
    build_edition(date=DAY + datetime.timedelta(days=1))
    assert f'href="{step}"' in client.get(path).content.decode()


@committed
def test_a_papers_newest_edition_is_found_again_when_a_newer_one_appears(client, edition):
    assert "2024-08-02" in served_twice(client, paper_path())
    build_edition(date=datetime.date(2024, 8, 5))
    assert edition_path(datetime.date(2024, 8, 5)) in client.get(paper_path()).content.decode()


@committed
def test_a_kept_answer_without_its_page_renders_it_again(client, edition):
    path = page_path(3)
    served_twice(client, path)
    caching.local_pages._entries.clear()  # the pages, not the answers
    caching.cache.clear()
    response = client.get(path)
    assert response.status_code == 200
    assert "第3版第1篇" in response.content.decode()


def test_no_answer_is_kept_inside_a_transaction(client, db):
    build_edition()
    for _ in range(2):
        client.get(page_path(1))
    assert caching.local_pages.answers == {}


@committed
def test_no_answer_is_kept_without_the_page_cache(client, edition, settings):
    settings.READER_PAGE_CACHE_SECONDS = 0
    for _ in range(2):
        client.get(page_path(1))
    assert caching.local_pages.answers == {}


@committed
def test_staff_previews_keep_no_answer(staff_client, transactional_db):
    build_edition(published=False)
    for _ in range(2):
        assert staff_client.get(page_path(1)).status_code == 200
    assert caching.local_pages.answers == {}


@committed
def test_kept_answers_are_bounded(client, edition, monkeypatch):
    monkeypatch.setattr(caching, "ANSWERS", 3)
    for number in (1, 2, 3, 4):
        client.get(page_path(number))
        client.get(article_path(number, 1))
    assert len(caching.local_pages.answers) == 3
    # the newest are kept: the last article's is among them
    assert any(where[0] == article_path(4, 1) for where in caching.local_pages.answers)
