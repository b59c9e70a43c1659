"""Writing one edition's files: a fixed number of queries per batch, in one transaction.

The edition row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite serialises
writers itself), so two imports of the same edition run one after the other instead
of racing, and the named unique constraints make a duplicate impossible. If a batch
fails in the database it is retried file by file, so only the culprit is lost.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .. import body as body_format
from ..models import ARTICLE_TEXT_FIELDS, Article, Edition, Page, Paper, Section, section_slug
from ..parsing import PageRef, match_key
from .matching import (
    PageArticles,
    apply,
    is_placeholder,
    key_of,
    merge_corrections,
    placeholder,
    snapshot,
    the_one,
)
from .prepare import EDITOR_MAX, Item, one_line
from .report import FileResult, Status

IMPORT_REASON = "import"


class _Rollback(Exception):
    """Raised inside a dry run's transaction to undo it after the work is done."""


class BatchWriter:
    def __init__(
        self,
        *,
        publish: bool,
        overwrite: bool,
        dry_run: bool,
        user,
        edition_code: str = "",
        edition_name: str = "",
    ) -> None:
        self.publish = publish
        self.overwrite = overwrite
        self.dry_run = dry_run
        self.user = user
        self.edition_code = edition_code
        self.edition_name = edition_name

    def write(self, items: list[Item]) -> list[FileResult]:
        try:
            return self._write_atomic(items)
        except DatabaseError as exc:
            if len(items) == 1:
                return [
                    FileResult(items[0].name, Status.FAILED, one_line(f"database error: {exc}"))
                ]
        # Something in the batch broke a database rule: isolate it, keep the rest.
        results = []
        for item in items:
            results.extend(self.write([item]))
        return results

    def _write_atomic(self, items: list[Item]) -> list[FileResult]:
        results: list[FileResult] = []
        try:
            with transaction.atomic():
                results = EditionBatch(items, self).run()
                if self.dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        return results


class EditionBatch:
    """Write the files of one edition with a fixed number of queries."""

    def __init__(self, items: list[Item], writer: BatchWriter) -> None:
        self.items = items
        self.writer = writer
        self.now = timezone.now()
        self.changed = False

    def run(self) -> list[FileResult]:
        first = self.items[0]
        edition = self._edition(first.paper, first.date)
        pages = self._pages(edition)
        return self._articles(edition, pages)

    # Edition --------------------------------------------------------------

    def _edition(self, paper: Paper, date: datetime.date) -> Edition:
        edition, created = Edition.objects.get_or_create(
            paper=paper,
            date=date,
            code=self.writer.edition_code,
            defaults={"is_published": self.writer.publish, "name": self.writer.edition_name},
        )
        self.changed |= created
        # Serialise concurrent imports of this edition (a no-op on SQLite,
        # whose IMMEDIATE transactions already serialise writers).
        locked = Edition.objects.select_for_update().get(pk=edition.pk)
        locked.paper = paper
        return locked

    # Pages and sections ---------------------------------------------------

    def _pages(self, edition: Edition) -> dict[int, Page]:
        refs: dict[int, PageRef] = {}
        editors: dict[int, str] = {}
        for item in self.items:
            parsed = item.parsed
            for ref in parsed.pages:
                refs.setdefault(ref.number, ref)
            if parsed.page_number not in refs:
                refs[parsed.page_number] = PageRef(parsed.page_number, parsed.page_label, "", "")
            for number in parsed.page_numbers:
                refs.setdefault(number, PageRef(number, f"{number:02d}", "", ""))
            # A "credit" longer than the field is a sentence that happens to start
            # like one; it names nobody, and it must not fail the article.
            if parsed.editor and len(parsed.editor) <= EDITOR_MAX:
                editors[parsed.page_number] = parsed.editor

        sections = self._sections(
            edition.paper, {ref.section or ref.name for ref in refs.values() if ref.name}
        )
        pages = {page.number: page for page in edition.pages.all()}
        new_pages, changed_pages = [], []
        for number, ref in sorted(refs.items()):
            section = sections.get(ref.section or ref.name)
            page = pages.get(number)
            if page is None:
                page = Page(
                    edition=edition,
                    number=number,
                    label=ref.label or f"{number:02d}",
                    name=ref.name,
                    section=section,
                    editor=editors.get(number, ""),
                )
                new_pages.append(page)
                pages[number] = page
                continue
            # Fill what is missing; never overwrite what an editor may have set.
            dirty = False
            for attr, value in (("name", ref.name), ("editor", editors.get(number, ""))):
                if value and not getattr(page, attr):
                    setattr(page, attr, value)
                    dirty = True
            if section and page.section_id is None:
                page.section = section
                dirty = True
            if dirty:
                changed_pages.append(page)
        if new_pages:
            self._bulk_create(Page, new_pages)
            self.changed = True
        if changed_pages:
            self._bulk_update(Page, changed_pages, ["name", "editor", "section"])
            self.changed = True
        return pages

    def _sections(self, paper: Paper, names: set[str]) -> dict[str, Section]:
        if not names:
            return {}
        sections = Section.objects.filter(paper=paper)
        found = {s.name: s for s in sections.filter(name__in=names)}
        missing = sorted(names - found.keys())
        if missing:
            taken = set(
                sections.filter(slug__in=[section_slug(n) for n in missing]).values_list(
                    "slug", flat=True
                )
            )
            new = []
            for name in missing:
                slug = base = section_slug(name)
                counter = 2
                while slug in taken:
                    slug = f"{base}-{counter}"
                    counter += 1
                taken.add(slug)
                new.append(Section(paper=paper, name=name, slug=slug))
            # Another import may be creating the same section right now: let the
            # unique constraint decide, then read back whatever won.
            Section.objects.bulk_create(new, ignore_conflicts=True)
            found.update({s.name: s for s in sections.filter(name__in=missing)})
        return found

    # Articles -------------------------------------------------------------

    def _articles(self, edition: Edition, pages: dict[int, Page]) -> list[FileResult]:
        # Pages an article continues onto are loaded too: a bodiless row there with
        # the article's title is a leftover of that page's headline list (see below).
        touched_pages = {n for item in self.items for n in item.parsed.page_numbers}
        rows = PageArticles(
            Article.objects.filter(
                page__edition=edition, page__number__in=touched_pages
            ).select_related("page")
        )
        continued = self._continued_titles(edition, touched_pages)
        dirty: dict[tuple[int, int], Article] = {}
        jumps: dict[tuple[int, int], list[int]] = {}

        # Titles each page's files of this batch name, as headlines or as their own.
        named: dict[int, set[str]] = {}
        for item in self.items:
            keys = named.setdefault(item.parsed.page_number, set())
            keys.add(match_key(item.parsed.title))
            keys.update(map(match_key, item.parsed.headlines))

        # Headline lists first: every headline of a page is an article, with or
        # without a body, so later files fill rows instead of adding them. An
        # article is found by its title, never by its position alone: two files of
        # one page may list the headlines differently (one saved before a late
        # change of the page), and a position must never hand one article's row to
        # another.
        for item in self.items:
            number = item.parsed.page_number
            page = pages[number]
            seen: Counter = Counter()
            for position, headline in enumerate(item.parsed.headlines, start=1):
                key = match_key(headline)
                seen[key] += 1
                if (number, key) in continued or len(rows.find(number, key)) >= seen[key]:
                    continue
                current = rows.get((number, position))
                if current is None:
                    rows.add(placeholder(page, position, headline, self.now))
                elif is_placeholder(current) and match_key(current.title) not in named[number]:
                    # The page's headline list changed since (a headline reworded):
                    # follow it.
                    rows.retitle(current, headline)
                    apply(current, snapshot({"title": headline}), self.now)
                    if rows.is_existing(current):
                        dirty[key_of(current)] = current
                else:
                    rows.add(placeholder(page, rows.next_position(number), headline, self.now))

        results = []
        for item in self.items:
            parsed = item.parsed
            number = parsed.page_number
            title_key = match_key(parsed.title)
            if (number, title_key) in continued:
                # The page's own view of an article that starts on another page:
                # its text is the start file's, it is not a second article.
                results.append(
                    FileResult(item.name, Status.UNCHANGED, _("continuation of an article"))
                )
                continue
            page = pages[number]
            values = snapshot(
                {
                    "kicker": parsed.kicker,
                    "title": parsed.title,
                    "subtitle": parsed.subtitle,
                    "byline": parsed.byline,
                    "body": body_format.blocks_to_text(parsed.blocks, number),
                }
            )
            current = the_one(rows.find(number, title_key), values["body"])
            detail = ""
            if current is None:
                current = placeholder(page, rows.next_position(number), parsed.title, self.now)
                apply(current, values, self.now)
                rows.add(current)
                status = Status.CREATED
            elif current.text_values() == values and current.imported == values:
                status = Status.UNCHANGED
            elif current.differs_from_import() and not self.writer.overwrite:
                if is_placeholder(current, corrected=True):
                    # Only its headline was known and an editor reworded it: the
                    # article still needs its text, and the editor's headline stays.
                    apply(current, merge_corrections(current, values), self.now, imported=values)
                    status = Status.CREATED
                else:
                    status = Status.SKIPPED
                    detail = _(
                        "corrected by an editor; kept "
                        "(choose to overwrite corrections to replace it)"
                    )
            else:
                status = (
                    Status.CREATED if is_placeholder(current, corrected=True) else Status.UPDATED
                )
                apply(current, values, self.now)
            if status in (Status.CREATED, Status.UPDATED):
                rows.retitle(current, current.title)
                if rows.is_existing(current):
                    dirty[key_of(current)] = current
                jumps[key_of(current)] = list(parsed.page_numbers[1:])
            results.append(FileResult(item.name, status, detail))

        leftovers = self._continued_placeholders(rows, jumps)
        if leftovers:
            for article in leftovers:
                dirty.pop(key_of(article), None)
            Article.objects.filter(pk__in=[a.pk for a in leftovers]).delete()
        if rows.new:
            self._bulk_create(Article, list(rows.new.values()))
        if dirty:
            self._bulk_update(
                Article,
                list(dirty.values()),
                [*ARTICLE_TEXT_FIELDS, "imported", "imported_at", "is_corrected", "updated_at"],
            )
        if jumps:
            self._continuations(jumps, rows, pages)
        if rows.new or dirty or leftovers:
            self.changed = True
        if self.changed:
            edition.touch()
        return results

    def _continued_titles(self, edition: Edition, numbers: set[int]) -> set[tuple[int, str]]:
        """(page, title key) of every article printed on one of ``numbers`` but starting elsewhere.

        Some e-papers list a continued article again in the headline list of the
        page it continues on. It is the same article: it must not get a second row
        there, whichever of its pages is imported first.
        """
        found = {
            (number, match_key(item.parsed.title))
            for item in self.items
            for number in item.parsed.page_numbers[1:]
        }
        through = Article.continued_on.through
        found.update(
            (number, match_key(title))
            for number, title in through.objects.filter(
                page__edition=edition, page__number__in=numbers
            ).values_list("page__number", "article__title")
        )
        return found

    @staticmethod
    def _continued_placeholders(rows: PageArticles, jumps) -> list[Article]:
        """Bodiless rows that an earlier import made from a continuation page's list."""
        leftovers = []
        for key, numbers in jumps.items():
            article = rows.get(key)
            for number in numbers:
                for other in rows.find(number, match_key(article.title)):
                    if rows.is_existing(other) and is_placeholder(other):
                        leftovers.append(other)
        return leftovers

    def _continuations(self, jumps, rows: PageArticles, pages) -> None:
        through = Article.continued_on.through
        articles = {key: rows.get(key) for key in jumps}
        through.objects.filter(article_id__in=[a.pk for a in articles.values()]).delete()
        links = [
            through(article_id=articles[key].pk, page_id=pages[number].pk)
            for key, numbers in jumps.items()
            for number in numbers
            if number in pages
        ]
        if links:
            through.objects.bulk_create(links, ignore_conflicts=True)

    # History-aware bulk writes -------------------------------------------

    def _bulk_create(self, model, objs) -> None:
        bulk_create_with_history(
            objs, model, default_user=self.writer.user, default_change_reason=IMPORT_REASON
        )

    def _bulk_update(self, model, objs, fields) -> None:
        bulk_update_with_history(
            objs,
            model,
            fields,
            default_user=self.writer.user,
            default_change_reason=IMPORT_REASON,
        )
