"""The importer service: parsed raw pages in, edition rows out.

Both ``manage.py import_pages`` and the admin's upload form call
:func:`pages_import`; neither has import logic of its own.

How it stays fast and safe:

* Files are parsed first (pure, no database), then written in batches, one
  batch per edition (consecutive files of the same date), inside one
  transaction. A batch costs a fixed number of queries however many articles it
  holds, so a year of archives imports at over a thousand files a second.
* The edition row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
  serialises writers itself), so two imports of the same edition run one after
  the other instead of racing, and the named unique constraints (date, page
  number, article position) make a duplicate impossible.
* A file that cannot be read or parsed is reported and written nowhere; if a
  batch still fails in the database, it is retried file by file so only the
  culprit is lost.
* An article an editor corrected (its text differs from what was last
  imported) is left alone and reported as skipped, unless ``overwrite``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pathlib import PurePath

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import body as body_format
from .models import (
    ARTICLE_TEXT_FIELDS,
    Article,
    Edition,
    ImportRun,
    Page,
    Paper,
    Section,
    section_slug,
)
from .parsing import (
    PageParseError,
    PageRef,
    ParsedPage,
    date_from_path,
    match_key,
    parse_page,
)
from .sources import RawFile

CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED = (
    "created",
    "updated",
    "unchanged",
    "skipped",
    "failed",
)
STATUSES = (CREATED, UPDATED, UNCHANGED, SKIPPED, FAILED)

#: Files written in one transaction at most; bounds memory and lock time on huge editions.
BATCH_SIZE = 500
IMPORT_REASON = "import"


@dataclass(frozen=True, slots=True)
class FileResult:
    name: str
    status: str
    detail: str = ""


@dataclass
class ImportReport:
    """What an import did, file by file; the command and the admin both show it."""

    dry_run: bool = False
    results: list[FileResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    run: ImportRun | None = None

    def add(self, result: FileResult) -> None:
        self.results.append(result)
        self.counts[result.status] += 1

    @property
    def files(self) -> int:
        return len(self.results)

    created = property(lambda self: self.counts[CREATED])
    updated = property(lambda self: self.counts[UPDATED])
    unchanged = property(lambda self: self.counts[UNCHANGED])
    skipped = property(lambda self: self.counts[SKIPPED])
    failed = property(lambda self: self.counts[FAILED])

    @property
    def failures(self) -> list[str]:
        return [f"{r.name}: {r.detail}" for r in self.results if r.status == FAILED]

    def summary(self) -> str:
        text = _(
            "%(files)d files: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(skipped)d skipped, %(failed)d failed."
        ) % {"files": self.files, **{s: self.counts[s] for s in STATUSES}}
        if self.dry_run:
            text = _("Dry run, nothing written. ") + text
        return text


class ImportFileError(Exception):
    """A file that parses but cannot be imported (for example, no edition date)."""


@dataclass(slots=True)
class _Item:
    name: str
    parsed: ParsedPage
    date: datetime.date
    paper: Paper

    @property
    def edition_key(self) -> tuple[int, datetime.date]:
        return (self.paper.pk, self.date)


class PaperFinder:
    """Which paper a file belongs to: the one given, else a known code in its path,
    else the only paper there is.

    A mirror of an e-paper site keeps the paper's code at the top of its tree
    (``rmrb/html/2019-10/16/…``), so a group's archive of several titles imports
    in one run. The innermost folder named like a paper wins.
    """

    def __init__(self, given: Paper | None = None) -> None:
        self.given = given
        self.papers = {} if given else {paper.code: paper for paper in Paper.objects.all()}

    def __call__(self, name: str) -> Paper:
        if self.given is not None:
            return self.given
        for part in reversed(PurePath(name.replace("\\", "/")).parts[:-1]):
            paper = self.papers.get(part.lower())
            if paper is not None:
                return paper
        if len(self.papers) == 1:
            return next(iter(self.papers.values()))
        if not self.papers:
            raise ImportFileError("no paper to import into: create one with manage.py create_paper")
        raise ImportFileError(
            "which paper? no paper's code in the path: give --paper (known: %s)"
            % ", ".join(sorted(self.papers))
        )


def resolve_date(name: str, parsed: ParsedPage, given: datetime.date | None) -> datetime.date:
    """The edition date: the option, else the path, else a date line in the file."""
    found = given or date_from_path(name) or parsed.date
    if found is None:
        raise ImportFileError(
            "no edition date: give --date, name a folder or the file YYYY-MM-DD, "
            "or start the file with a date line"
        )
    return found


def pages_import(
    sources: Iterable[RawFile],
    *,
    paper: Paper | None = None,
    edition_code: str = "",
    edition_name: str = "",
    date: datetime.date | None = None,
    dry_run: bool = False,
    publish: bool = True,
    overwrite: bool = False,
    source: str = ImportRun.Source.COMMAND,
    user=None,
    label: str = "",
    on_result: Callable[[FileResult], None] | None = None,
) -> ImportReport:
    """Import raw page files; returns the per-file report and records an ImportRun.

    ``paper`` is the paper every file goes to; without it each file's paper is
    found by :class:`PaperFinder`. ``edition_code`` and ``edition_name`` import
    into another edition of the day (a 号外) instead of the regular one.
    ``publish`` sets the published state of editions this import creates; an
    existing edition keeps the state an editor gave it. With ``dry_run`` every
    file is parsed and written inside a transaction that is rolled back, so the
    report says exactly what a real run would do.
    """
    report = ImportReport(dry_run=dry_run)
    user = user if getattr(user, "pk", None) else None  # AnonymousUser, or none at all
    find_paper = PaperFinder(paper)
    run = ImportRun.objects.create(
        source=source,
        user=user,
        paper=paper,
        paths=label,
        dry_run=dry_run,
        options={
            "date": date.isoformat() if date else None,
            "edition": edition_code,
            "publish": publish,
            "overwrite": overwrite,
        },
    )
    papers_seen: set[int] = set()

    def record(result: FileResult) -> None:
        report.add(result)
        if on_result:
            on_result(result)

    writer = _BatchWriter(
        publish=publish,
        overwrite=overwrite,
        dry_run=dry_run,
        user=user,
        edition_code=edition_code,
        edition_name=edition_name,
    )
    batch: list[_Item] = []
    for raw in sources:
        try:
            item = _prepare(raw, date, find_paper)
        except (PageParseError, ImportFileError) as exc:
            record(FileResult(raw.name, FAILED, str(exc)))
            continue
        except Exception as exc:  # one bad file must not end the run
            detail = f"unexpected error ({type(exc).__name__}: {exc})"
            record(FileResult(raw.name, FAILED, _one_line(detail)))
            continue
        papers_seen.add(item.paper.pk)
        if batch and (item.edition_key != batch[0].edition_key or len(batch) >= BATCH_SIZE):
            for result in writer.write(batch):
                record(result)
            batch = []
        batch.append(item)
    if batch:
        for result in writer.write(batch):
            record(result)

    if run.paper_id is None and len(papers_seen) == 1:
        run.paper_id = papers_seen.pop()
    run.finished_at = timezone.now()
    run.files = report.files
    for status in STATUSES:
        setattr(run, status, report.counts[status])
    run.failures = report.failures
    run.save()
    report.run = run
    return report


def _prepare(raw: RawFile, given: datetime.date | None, find_paper: PaperFinder) -> _Item:
    if raw.data is None:
        raise ImportFileError(raw.error or "cannot be read")
    paper = find_paper(raw.name)
    parsed = parse_page(raw.data, raw.name)
    _check_fits(parsed)
    return _Item(raw.name, parsed, resolve_date(raw.name, parsed, given), paper)


#: More headlines or pages than any printed paper has: the file is not a page.
#: Positions and page numbers are small integers in the database.
MAX_HEADLINES = 200
MAX_PAGES = 999
_EDITOR_MAX = Page._meta.get_field("editor").max_length


def _check_fits(parsed: ParsedPage) -> None:
    """Refuse, with a reason, a page the database would refuse (or silently keep) whole.

    PostgreSQL rejects an overlong value and would fail the file with a driver
    message; SQLite would store a 5 MB "title". A line that long is no headline.
    """
    for field_name in ("title", "kicker", "subtitle", "byline"):
        limit = Article._meta.get_field(field_name).max_length
        if len(getattr(parsed, field_name)) > limit:
            raise ImportFileError(f"{field_name} longer than {limit} characters")
    limit = Article._meta.get_field("title").max_length
    if any(len(headline) > limit for headline in parsed.headlines):
        raise ImportFileError(f"a headline longer than {limit} characters")
    if len(parsed.headlines) > MAX_HEADLINES:
        raise ImportFileError(f"more than {MAX_HEADLINES} headlines for one page")
    if len(parsed.pages) > MAX_PAGES or max(parsed.page_numbers) > MAX_PAGES:
        raise ImportFileError(f"more than {MAX_PAGES} pages in one edition")


def _one_line(text: str) -> str:
    """Database drivers write multi-line messages; the report keeps one line per file."""
    return " ".join(text.split())


class _Rollback(Exception):
    """Raised inside a dry run's transaction to undo it after the work is done."""


class _BatchWriter:
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

    def write(self, items: list[_Item]) -> list[FileResult]:
        try:
            return self._write_atomic(items)
        except DatabaseError as exc:
            if len(items) == 1:
                return [FileResult(items[0].name, FAILED, _one_line(f"database error: {exc}"))]
        # Something in the batch broke a database rule: isolate it, keep the rest.
        results = []
        for item in items:
            results.extend(self.write([item]))
        return results

    def _write_atomic(self, items: list[_Item]) -> list[FileResult]:
        results: list[FileResult] = []
        try:
            with transaction.atomic():
                results = _EditionBatch(items, self).run()
                if self.dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        return results


class _EditionBatch:
    """Write the files of one edition with a fixed number of queries."""

    def __init__(self, items: list[_Item], writer: _BatchWriter) -> None:
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
            if parsed.editor and len(parsed.editor) <= _EDITOR_MAX:
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
        rows = _PageArticles(
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
                    rows.add(_placeholder(page, position, headline, self.now))
                elif _is_placeholder(current) and match_key(current.title) not in named[number]:
                    # The page's headline list changed since (a headline reworded):
                    # follow it.
                    rows.retitle(current, headline)
                    _apply(current, _snapshot({"title": headline}), self.now)
                    if rows.is_existing(current):
                        dirty[_key(current)] = current
                else:
                    rows.add(_placeholder(page, rows.next_position(number), headline, self.now))

        results = []
        for item in self.items:
            parsed = item.parsed
            number = parsed.page_number
            title_key = match_key(parsed.title)
            if (number, title_key) in continued:
                # The page's own view of an article that starts on another page:
                # its text is the start file's, it is not a second article.
                results.append(FileResult(item.name, UNCHANGED, _("continuation of an article")))
                continue
            page = pages[number]
            values = _snapshot(
                {
                    "kicker": parsed.kicker,
                    "title": parsed.title,
                    "subtitle": parsed.subtitle,
                    "byline": parsed.byline,
                    "body": body_format.blocks_to_text(parsed.blocks, number),
                }
            )
            current = _the_one(rows.find(number, title_key), values["body"])
            detail = ""
            if current is None:
                current = _placeholder(page, rows.next_position(number), parsed.title, self.now)
                _apply(current, values, self.now)
                rows.add(current)
                status = CREATED
            elif current.text_values() == values and current.imported == values:
                status = UNCHANGED
            elif current.differs_from_import() and not self.writer.overwrite:
                if _is_placeholder(current, corrected=True):
                    # Only its headline was known and an editor reworded it: the
                    # article still needs its text, and the editor's headline stays.
                    _apply(current, _merge_corrections(current, values), self.now, imported=values)
                    status = CREATED
                else:
                    status = SKIPPED
                    detail = _(
                        "corrected by an editor; kept "
                        "(choose to overwrite corrections to replace it)"
                    )
            else:
                status = CREATED if _is_placeholder(current, corrected=True) else UPDATED
                _apply(current, values, self.now)
            if status in (CREATED, UPDATED):
                rows.retitle(current, current.title)
                if rows.is_existing(current):
                    dirty[_key(current)] = current
                jumps[_key(current)] = list(parsed.page_numbers[1:])
            results.append(FileResult(item.name, status, detail))

        leftovers = self._continued_placeholders(rows, jumps)
        if leftovers:
            for article in leftovers:
                dirty.pop(_key(article), None)
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
    def _continued_placeholders(rows: _PageArticles, jumps) -> list[Article]:
        """Bodiless rows that an earlier import made from a continuation page's list."""
        leftovers = []
        for key, numbers in jumps.items():
            article = rows.get(key)
            for number in numbers:
                for other in rows.find(number, match_key(article.title)):
                    if rows.is_existing(other) and _is_placeholder(other):
                        leftovers.append(other)
        return leftovers

    def _continuations(self, jumps, rows: _PageArticles, pages) -> None:
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


def _snapshot(values: dict[str, str]) -> dict[str, str]:
    return {f: values.get(f, "") for f in ARTICLE_TEXT_FIELDS}


def _apply(article: Article, values: dict[str, str], now, *, imported=None) -> None:
    """Write ``values`` into the article; ``imported`` (default: the same) is its import."""
    imported = values if imported is None else imported
    for attr, value in values.items():
        setattr(article, attr, value)
    article.imported = dict(imported)
    article.imported_at = now
    article.is_corrected = values != imported
    article.updated_at = now
    article.__dict__.pop("blocks", None)


def _key(article: Article) -> tuple[int, int]:
    return (article.page.number, article.position)


def _is_placeholder(article: Article, *, corrected: bool = False) -> bool:
    """A row known only from a headline list: no text yet.

    With ``corrected``, also one whose headline an editor reworded meanwhile.
    """
    return not article.has_body and (corrected or not article.is_corrected)


def _placeholder(page: Page, position: int, title: str, now) -> Article:
    return Article(
        page=page,
        position=position,
        title=title,
        imported=_snapshot({"title": title}),
        imported_at=now,
    )


class _PageArticles:
    """The articles of an edition's pages, found by position and by title.

    A title may legitimately appear twice on a page (two 简讯, two 图片新闻), so a
    title leads to every article bearing it, in page order. An editor's reworded
    title still finds its article through the title as imported.
    """

    def __init__(self, existing: Iterable[Article]) -> None:
        self.existing: dict[tuple[int, int], Article] = {}
        self.new: dict[tuple[int, int], Article] = {}
        self._titles: dict[tuple[int, str], list[Article]] = {}
        self._last: dict[int, int] = {}
        for article in sorted(existing, key=_key):
            self.existing[_key(article)] = article
            self._index(article)

    def get(self, key: tuple[int, int]) -> Article | None:
        return self.new.get(key) or self.existing.get(key)

    def is_existing(self, article: Article) -> bool:
        return self.existing.get(_key(article)) is article

    def find(self, number: int, title_key: str) -> list[Article]:
        return self._titles.get((number, title_key), [])

    def next_position(self, number: int) -> int:
        return self._last.get(number, 0) + 1

    def add(self, article: Article) -> None:
        self.new[_key(article)] = article
        self._index(article)

    def retitle(self, article: Article, title: str) -> None:
        """Make ``article`` findable by a title it takes on."""
        found = self._titles.setdefault((article.page.number, match_key(title)), [])
        if article not in found:
            found.append(article)

    def _index(self, article: Article) -> None:
        number = article.page.number
        self._last[number] = max(self._last.get(number, 0), article.position)
        titles = {article.title}
        if isinstance(article.imported, dict) and article.imported.get("title"):
            titles.add(article.imported["title"])
        for title in titles:
            self._titles.setdefault((number, match_key(title)), []).append(article)


def _the_one(candidates: list[Article], body: str) -> Article | None:
    """Which of the articles bearing a file's title the file is.

    The one whose imported text it repeats, else the first still waiting for its
    text, else the first (the file changed since its last import).
    """
    for article in candidates:
        if article.imported.get("body") == body:
            return article
    for article in candidates:
        if _is_placeholder(article, corrected=True):
            return article
    return candidates[0] if candidates else None


def _merge_corrections(article: Article, values: dict[str, str]) -> dict[str, str]:
    """Imported ``values``, except where an editor changed the field since the last import."""
    merged = dict(values)
    for field_name in ARTICLE_TEXT_FIELDS:
        mine = getattr(article, field_name)
        if mine != article.imported.get(field_name, ""):
            merged[field_name] = mine
    return merged
