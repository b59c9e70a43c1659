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

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import body as body_format
from .models import ARTICLE_TEXT_FIELDS, Article, Edition, ImportRun, Page, Section, section_slug
from .parsing import PageParseError, PageRef, ParsedPage, date_from_path, parse_page
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

    ``publish`` sets the published state of editions this import creates; an
    existing edition keeps the state an editor gave it. With ``dry_run`` every
    file is parsed and written inside a transaction that is rolled back, so the
    report says exactly what a real run would do.
    """
    report = ImportReport(dry_run=dry_run)
    run = ImportRun.objects.create(
        source=source,
        user=user if getattr(user, "pk", None) else None,
        paths=label,
        dry_run=dry_run,
        options={
            "date": date.isoformat() if date else None,
            "publish": publish,
            "overwrite": overwrite,
        },
    )

    def record(result: FileResult) -> None:
        report.add(result)
        if on_result:
            on_result(result)

    writer = _BatchWriter(publish=publish, overwrite=overwrite, dry_run=dry_run, user=user)
    batch: list[_Item] = []
    for raw in sources:
        try:
            item = _prepare(raw, date)
        except (PageParseError, ImportFileError) as exc:
            record(FileResult(raw.name, FAILED, str(exc)))
            continue
        if batch and (item.date != batch[0].date or len(batch) >= BATCH_SIZE):
            for result in writer.write(batch):
                record(result)
            batch = []
        batch.append(item)
    if batch:
        for result in writer.write(batch):
            record(result)

    run.finished_at = timezone.now()
    run.files = report.files
    for status in STATUSES:
        setattr(run, status, report.counts[status])
    run.failures = report.failures
    run.save()
    report.run = run
    return report


def _prepare(raw: RawFile, given: datetime.date | None) -> _Item:
    if raw.data is None:
        raise ImportFileError(raw.error or "cannot be read")
    parsed = parse_page(raw.data, raw.name)
    return _Item(raw.name, parsed, resolve_date(raw.name, parsed, given))


class _Rollback(Exception):
    """Raised inside a dry run's transaction to undo it after the work is done."""


class _BatchWriter:
    def __init__(self, *, publish: bool, overwrite: bool, dry_run: bool, user) -> None:
        self.publish = publish
        self.overwrite = overwrite
        self.dry_run = dry_run
        self.user = user if getattr(user, "pk", None) else None

    def write(self, items: list[_Item]) -> list[FileResult]:
        try:
            return self._write_atomic(items)
        except DatabaseError as exc:
            if len(items) == 1:
                return [FileResult(items[0].name, FAILED, f"database error: {exc}".strip())]
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
        edition = self._edition(self.items[0].date)
        pages = self._pages(edition)
        return self._articles(edition, pages)

    # Edition --------------------------------------------------------------

    def _edition(self, date: datetime.date) -> Edition:
        edition, created = Edition.objects.get_or_create(
            date=date, defaults={"is_published": self.writer.publish}
        )
        self.changed |= created
        # Serialise concurrent imports of this edition (a no-op on SQLite,
        # whose IMMEDIATE transactions already serialise writers).
        return Edition.objects.select_for_update().get(pk=edition.pk)

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
            if parsed.editor:
                editors[parsed.page_number] = parsed.editor

        sections = self._sections({ref.section or ref.name for ref in refs.values() if ref.name})
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

    def _sections(self, names: set[str]) -> dict[str, Section]:
        if not names:
            return {}
        found = {s.name: s for s in Section.objects.filter(name__in=names)}
        missing = sorted(names - found.keys())
        if missing:
            taken = set(
                Section.objects.filter(slug__in=[section_slug(n) for n in missing]).values_list(
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
                new.append(Section(name=name, slug=slug))
            # Another import may be creating the same section right now: let the
            # unique constraint decide, then read back whatever won.
            Section.objects.bulk_create(new, ignore_conflicts=True)
            found.update({s.name: s for s in Section.objects.filter(name__in=missing)})
        return found

    # Articles -------------------------------------------------------------

    def _articles(self, edition: Edition, pages: dict[int, Page]) -> list[FileResult]:
        touched_pages = {item.parsed.page_number for item in self.items}
        existing: dict[tuple[int, int], Article] = {
            (a.page.number, a.position): a
            for a in Article.objects.filter(
                page__edition=edition, page__number__in=touched_pages
            ).select_related("page")
        }
        new: dict[tuple[int, int], Article] = {}
        dirty: dict[tuple[int, int], Article] = {}
        jumps: dict[tuple[int, int], list[int]] = {}

        def article_at(key):
            return new.get(key) or existing.get(key)

        # Headline lists first: every headline of a page is an article, with or
        # without a body, so later files fill rows instead of adding them.
        for item in self.items:
            page = pages[item.parsed.page_number]
            for position, headline in enumerate(item.parsed.headlines, start=1):
                key = (page.number, position)
                current = article_at(key)
                if current is None:
                    values = {"title": headline}
                    new[key] = Article(
                        page=page,
                        position=position,
                        title=headline,
                        imported=_snapshot(values),
                        imported_at=self.now,
                    )
                elif (
                    not current.has_body and not current.is_corrected and current.title != headline
                ):
                    # The page's headline list changed since: follow it.
                    _apply(current, _snapshot({"title": headline}), self.now)
                    if key in existing:
                        dirty[key] = current

        results = []
        for item in self.items:
            parsed = item.parsed
            page = pages[parsed.page_number]
            position = parsed.position or self._position_for(parsed.title, page, existing, new)
            key = (page.number, position)
            values = _snapshot(
                {
                    "kicker": parsed.kicker,
                    "title": parsed.title,
                    "subtitle": parsed.subtitle,
                    "byline": parsed.byline,
                    "body": body_format.blocks_to_text(parsed.blocks, parsed.page_number),
                }
            )
            current = article_at(key)
            detail = ""
            if current is None:
                current = new[key] = Article(page=page, position=position)
                _apply(current, values, self.now)
                status, detail = CREATED, ""
            elif current.text_values() == values and current.imported == values:
                status, detail = UNCHANGED, ""
            elif current.differs_from_import() and not self.writer.overwrite:
                status = SKIPPED
                detail = _(
                    "corrected by an editor; kept (choose to overwrite corrections to replace it)"
                )
            else:
                status = CREATED if not current.has_body and not current.is_corrected else UPDATED
                _apply(current, values, self.now)
                if key in existing:
                    dirty[key] = current
            if status in (CREATED, UPDATED):
                jumps[key] = list(parsed.page_numbers[1:])
            results.append(FileResult(item.name, status, detail))

        if new:
            self._bulk_create(Article, list(new.values()))
        if dirty:
            self._bulk_update(
                Article,
                list(dirty.values()),
                [*ARTICLE_TEXT_FIELDS, "imported", "imported_at", "is_corrected", "updated_at"],
            )
        if jumps:
            self._continuations(jumps, new, existing, pages)
        if new or dirty:
            self.changed = True
        if self.changed:
            edition.touch()
        return results

    @staticmethod
    def _position_for(title, page, existing, new) -> int:
        """A file whose title is missing from its headline list: same title, else append."""
        taken = [pos for (number, pos) in (*existing, *new) if number == page.number]
        for (number, pos), article in (*existing.items(), *new.items()):
            if number == page.number and article.title == title:
                return pos
        return max(taken, default=0) + 1

    def _continuations(self, jumps, new, existing, pages) -> None:
        through = Article.continued_on.through
        articles = {key: new.get(key) or existing[key] for key in jumps}
        through.objects.filter(article_id__in=[a.pk for a in articles.values()]).delete()
        rows = [
            through(article_id=articles[key].pk, page_id=pages[number].pk)
            for key, numbers in jumps.items()
            for number in numbers
            if number in pages
        ]
        if rows:
            through.objects.bulk_create(rows, ignore_conflicts=True)

    # History-aware bulk writes -------------------------------------------

    def _bulk_create(self, model, objs) -> None:
        if hasattr(model, "history"):
            bulk_create_with_history(
                objs, model, default_user=self.writer.user, default_change_reason=IMPORT_REASON
            )
        else:
            model.objects.bulk_create(objs)

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


def _apply(article: Article, values: dict[str, str], now) -> None:
    for attr, value in values.items():
        setattr(article, attr, value)
    article.imported = dict(values)
    article.imported_at = now
    article.is_corrected = False
    article.updated_at = now
    article.__dict__.pop("blocks", None)
