"""Several editions in one transaction: found and locked together, written whole, and a
database error still costs only the edition (then the file) it comes from."""

import datetime
import threading

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from editions.importing import batch, pages_import, rows
from editions.importing.run import EDITIONS_PER_TRANSACTION
from editions.models import Article, Edition, Page
from editions.sources import RawFile, iter_path_sources
from tests.factories import default_paper
from tests.rawpages import HEADLINES, raw_page

pytestmark = pytest.mark.django_db

FIRST = datetime.date(2024, 8, 1)


def day(offset: int) -> datetime.date:
    return FIRST + datetime.timedelta(days=offset)


def edition_files(date: datetime.date) -> list[RawFile]:
    """One page of three articles, each in its file, the page listing all three."""
    return [
        RawFile(f"{date.isoformat()}/p2-{n}.txt", raw_page(title=title).encode())
        for n, title in enumerate(HEADLINES, 1)
    ]


def days(count: int) -> list[RawFile]:
    return [raw for offset in range(count) for raw in edition_files(day(offset))]


def import_capturing(sources):
    """Import ``sources``; the report and the queries of its batches (up to the last
    file's result, which comes after its commit: not the run's end and its jobs)."""
    written = []
    with CaptureQueriesContext(connection) as captured:
        report = pages_import(sources, on_result=lambda result: written.append(len(captured)))
    return report, captured.captured_queries[: written[-1]]


def statements(queries, table: str, verb: str) -> list[str]:
    """The SELECTs from ``table`` (its own rows, not a join to it), or INSERTs into it."""
    mark = f'INSERT INTO "{table}"' if verb == "INSERT" else f'FROM "{table}"'
    return [q["sql"] for q in queries if q["sql"].startswith(verb) and mark in q["sql"]]


def test_the_editions_of_a_transaction_are_found_and_made_with_one_query_each(paper):
    report, queries = import_capturing(days(3))
    assert report.created == 9
    assert len(statements(queries, "editions_edition", "SELECT")) == 1
    assert len(statements(queries, "editions_edition", "INSERT")) == 1
    assert Edition.objects.count() == 3


def test_a_transaction_holds_at_most_its_share_of_editions(paper):
    count = EDITIONS_PER_TRANSACTION + 1
    _, queries = import_capturing(days(count))
    assert len(statements(queries, "editions_edition", "INSERT")) == 2
    assert Edition.objects.count() == count


def test_new_editions_read_nothing_of_themselves_back(paper):
    _, queries = import_capturing(days(2))
    for table in ("editions_page", "editions_article", "editions_photo", "editions_region"):
        assert statements(queries, table, "SELECT") == [], table


def test_an_edition_met_again_in_the_same_transaction_reads_what_it_wrote(paper):
    first, other = edition_files(day(0)), edition_files(day(1))
    report = pages_import([first[0], *other, *first[1:]])
    assert report.failed == 0
    assert report.created == 6
    edition = Edition.objects.get(date=day(0))
    assert Article.objects.filter(page__edition=edition).count() == 3
    assert not Article.objects.filter(page__edition=edition, body="").exists()


def test_a_database_error_costs_its_edition_only_and_leaves_nothing_of_it(paper, monkeypatch):
    real_run = batch.EditionBatch.run

    def fail_on_the_second_day(self):
        if self.edition.date == day(1):
            raise DatabaseError("broken\nDETAIL: on the second day")
        return real_run(self)

    monkeypatch.setattr(batch.EditionBatch, "run", fail_on_the_second_day)
    report = pages_import(days(3))
    assert report.created == 6
    assert report.failures == [
        f"{day(1).isoformat()}/p2-{n}.txt: database error: broken DETAIL: on the second day"
        for n in (1, 2, 3)
    ]
    assert sorted(Edition.objects.values_list("date", flat=True)) == [day(0), day(2)]
    assert not Page.objects.filter(edition__date=day(1)).exists()


def test_a_database_error_in_one_file_costs_that_file_only(paper, monkeypatch):
    from editions.importing import articles

    real_file = articles.ArticleWriter._file
    culprit = f"{day(1).isoformat()}/p2-2.txt"

    def fail_on_one_file(self, item, continued):
        if item.name == culprit:
            raise DatabaseError("value too long")
        return real_file(self, item, continued)

    monkeypatch.setattr(articles.ArticleWriter, "_file", fail_on_one_file)
    report = pages_import(days(3))
    assert report.failures == [f"{culprit}: database error: value too long"]
    assert report.created == 8
    edition = Edition.objects.get(date=day(1))
    bodies = dict(Article.objects.filter(page__edition=edition).values_list("title", "body"))
    # The culprit's headline is known from the others' lists; its text is not.
    assert bodies[HEADLINES[1]] == ""
    assert bodies[HEADLINES[0]]
    assert bodies[HEADLINES[2]]


def test_a_second_run_over_grouped_editions_changes_nothing(paper):
    pages_import(days(4))
    again = pages_import(days(4))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 12)


def test_a_dry_run_of_several_editions_writes_nothing(paper):
    report = pages_import(days(3), dry_run=True)
    assert report.created == 9
    assert not Edition.objects.exists()


# --- the rows: insert what is missing ----------------------------------------------------


def test_insert_missing_skips_the_rows_that_exist_and_returns_the_others(paper):
    existing = Edition.objects.create(paper=paper, date=day(0))
    wanted = [Edition(paper=paper, date=day(n)) for n in range(3)]
    inserted = rows.insert_missing(Edition, wanted, ("paper", "date", "code"))
    assert [e.date for e in inserted] == [day(1), day(2)]
    assert all(e.pk and not e._state.adding for e in inserted)
    assert wanted[0].pk is None
    assert Edition.objects.get(date=day(0)).pk == existing.pk
    assert {e.pk for e in Edition.objects.filter(date__gt=day(0))} == {e.pk for e in inserted}


# --- concurrency (PostgreSQL) --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_of_several_editions_in_other_orders_leave_each_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers are a PostgreSQL matter")
    default_paper()  # a transactional test before this one may have emptied the table
    for raw in days(4):
        path = tmp_path / raw.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw.data)
    folders = sorted(tmp_path.iterdir())
    errors, failures = [], []

    def worker(order):
        try:
            failures.extend(pages_import(iter_path_sources(order)).failures)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    orders = [folders, folders[::-1], folders[1:] + folders[:1], folders[::-1]]
    threads = [threading.Thread(target=worker, args=(order,)) for order in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert failures == []
    assert Edition.objects.count() == 4
    assert Article.objects.count() == 12
    assert not Article.objects.filter(body="").exists()
