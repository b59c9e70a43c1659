"""Writing an import's editions: a fixed number of queries per edition, several
editions in one transaction.

The editions' rows are locked first (:mod:`.group`), so two imports of the same
edition run one after the other instead of racing, and the named unique constraints
make a duplicate impossible. If a transaction fails in the database it is written
again edition by edition, then an edition file by file, each in a transaction of its
own: only the culprit is lost, and nothing of a failed edition is left.

An edition's batch writes its pages and sections (from every file's page list,
page views included), the articles (:mod:`.articles`), the page views' regions and
the articles' photos.
"""

from __future__ import annotations

from django.db import DatabaseError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..models import Article, Edition, Page, Photo, Region
from ..parsing import PAGE_VIEW, PageRef, label_key
from ..parsing.labels import label_value
from . import rows
from .articles import ArticleWriter
from .group import LockedEdition, Sections, lock_editions
from .prepare import EDITOR_MAX, MAX_PAGES, Item, one_line
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
        #: (resolved photo src, Photo pk) of the photos the last batches wrote.
        self.photo_links: list[tuple[str, int]] = []

    def write(self, batches: list[list[Item]]) -> list[FileResult]:
        """Write ``batches`` (each the files of one edition) in one transaction."""
        try:
            return self._write_atomic(batches)
        except DatabaseError as exc:
            if len(batches) == 1 and len(batches[0]) == 1:
                return [
                    FileResult(
                        batches[0][0].name, Status.FAILED, one_line(f"database error: {exc}")
                    )
                ]
        # Something broke a database rule: isolate it, keep the rest.
        results = []
        parts = [[b] for b in batches] if len(batches) > 1 else [[[i]] for i in batches[0]]
        for part in parts:
            results.extend(self.write(part))
        return results

    def lock(self, papers) -> dict:
        """The editions of ``papers`` (edition key -> paper), locked: see :mod:`.group`."""
        return lock_editions(
            papers, code=self.edition_code, name=self.edition_name, publish=self.publish
        )

    def _write_atomic(self, batches: list[list[Item]]) -> list[FileResult]:
        results: list[FileResult] = []
        links: list[tuple[str, int]] = []
        try:
            with transaction.atomic():
                locked = self.lock({b[0].edition_key: b[0].paper for b in batches})
                sections = Sections()
                for items in batches:
                    found = locked[items[0].edition_key]
                    batch = EditionBatch(items, self, found, sections)
                    results.extend(batch.run())
                    links.extend(batch.photo_links)
                    found.created = False  # a later batch of it reads back this one's rows
                if self.dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        else:
            self.photo_links.extend(links)
        return results


class EditionBatch:
    """Write the files of one edition with a fixed number of queries."""

    def __init__(
        self, items: list[Item], writer: BatchWriter, locked: LockedEdition, sections: Sections
    ) -> None:
        self.items = items
        self.writer = writer
        self.edition = locked.edition
        self.sections = sections
        self.now = timezone.now()
        #: The edition is new in this transaction: nothing of it is in the database
        #: yet, so there is nothing to read back.
        self.created = locked.created
        self.changed = locked.created
        self.photo_links: list[tuple[str, int]] = []
        self.new_pages: set[int] = set()

    def run(self) -> list[FileResult]:
        edition = self.edition
        pages = self._pages(edition)
        articles = ArticleWriter(self, edition, pages)
        results = articles.run()
        self._regions(edition, pages, articles)
        self._photos(articles)
        if articles.changed:
            self.changed = True
        if self.changed and not self.created:
            edition.touch()
        return [
            self._page_view(item, result) for item, result in zip(self.items, results, strict=True)
        ]

    def _page_view(self, item: Item, result: FileResult) -> FileResult:
        """A page view made its page (created), changed the edition (updated), or neither."""
        if item.parsed.kind != PAGE_VIEW:
            return result
        if item.parsed.page_number in self.new_pages:
            status = Status.CREATED
        else:
            status = Status.UPDATED if self.changed else Status.UNCHANGED
        return FileResult(result.name, status, result.detail, result.kind)

    # Pages and sections ---------------------------------------------------

    def _refs(self) -> tuple[dict[int, PageRef], dict[int, str]]:
        refs: dict[int, PageRef] = {}
        editors: dict[int, str] = {}

        def offer(ref: PageRef) -> None:
            known = refs.get(ref.number)
            if known is None or (ref.name and not known.name):
                refs[ref.number] = ref

        for item in self.items:
            parsed = item.parsed
            for ref in parsed.pages:
                offer(ref)
            if parsed.page_number not in refs:
                refs[parsed.page_number] = PageRef(parsed.page_number, parsed.page_label, "", "")
            numbers = [*item.page_numbers, *item.jumps_out]
            if item.continued_from:
                numbers.append(item.continued_from)
            for number in numbers:
                refs.setdefault(number, PageRef(number, f"{number:02d}", "", ""))
        by_label = {label_key(ref.label): number for number, ref in refs.items()}
        for item in self.items:
            parsed = item.parsed
            # A "credit" longer than the field is a sentence that happens to start
            # like one; it names nobody, and it must not fail the article.
            if parsed.editor and len(parsed.editor) <= EDITOR_MAX:
                editors[parsed.page_number] = parsed.editor
            for label, name in parsed.editors:  # 一版责编：… 二版责编：…
                number = by_label.get(label_key(label)) or label_value(label)
                if number and number <= MAX_PAGES and name and len(name) <= EDITOR_MAX:
                    refs.setdefault(number, PageRef(number, label, "", ""))
                    editors.setdefault(number, name)
        return refs, editors

    def _pages(self, edition: Edition) -> dict[int, Page]:
        refs, editors = self._refs()
        sections = self.sections.of(
            edition.paper, {ref.section or ref.name for ref in refs.values() if ref.name}
        )
        pages = {} if self.created else {page.number: page for page in edition.pages.all()}
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
            self.new_pages = {page.number for page in new_pages}
            self.bulk_create(Page, new_pages)
            self.changed = True
        if changed_pages:
            self.bulk_update(Page, changed_pages, ["name", "editor", "section"])
            self.changed = True
        for page in pages.values():
            page.edition = edition
        return pages

    # Regions of page views ------------------------------------------------

    def _regions(self, edition: Edition, pages: dict[int, Page], articles: ArticleWriter) -> None:
        """The page views' image maps, each area linked to its article by key."""
        wanted: dict[int, list[Region]] = {}
        for item in self.items:
            parsed = item.parsed
            if parsed.kind != PAGE_VIEW:
                continue
            size = parsed.image_size or (None, None)
            page = pages[parsed.page_number]
            wanted[parsed.page_number] = [
                Region(
                    page=page,
                    article=articles.rows.by_key(region.article_key),
                    article_key=region.article_key,
                    shape=region.shape if region.shape in Region.Shape.values else "polygon",
                    points=list(region.points),
                    width=size[0],
                    height=size[1],
                    order=order,
                )
                for order, region in enumerate(parsed.regions, 1)
                if region.points
            ]
        if wanted:
            page_ids = [pages[number].pk for number in wanted]
            existing: dict[int, list[tuple]] = {}
            for region in Region.objects.filter(page_id__in=page_ids).order_by("order"):
                existing.setdefault(region.page_id, []).append(_region_row(region))
            stale = [
                pages[number].pk
                for number, regions in wanted.items()
                if existing.get(pages[number].pk, []) != [_region_row(r) for r in regions]
            ]
            if stale:
                Region.objects.filter(page_id__in=stale).delete()
                Region.objects.bulk_create(
                    [r for number, rs in wanted.items() for r in rs if pages[number].pk in stale]
                )
                self.changed = True
        # Regions an earlier page view left without their article, now imported
        # (those of this batch found theirs above).
        if self.created:
            return
        orphans = list(
            Region.objects.filter(page__edition=edition, article__isnull=True).exclude(
                article_key=""
            )
        )
        linked = []
        for region in orphans:
            article = articles.rows.by_key(region.article_key)
            if article is not None and article.pk:
                region.article = article
                linked.append(region)
        if linked:
            Region.objects.bulk_update(linked, ["article"])
            self.changed = True

    # Photos of articles ---------------------------------------------------

    def _photos(self, articles: ArticleWriter) -> None:
        """Each article file's photos, in order, with captions; files attach later."""
        from .media import resolve

        owned = [(item, article) for item, article in articles.owners if article.pk]
        if not owned:
            return
        existing: dict[int, list[Photo]] = {}
        ids = [article.pk for _, article in owned if article.pk]
        if ids and not self.created:
            for photo in Photo.objects.filter(article_id__in=ids).order_by("order"):
                existing.setdefault(photo.article_id, []).append(photo)
        stale, new = [], []
        for item, article in owned:
            wanted = [(p.caption[:2000], p.src[:500]) for p in item.parsed.photos]
            have = existing.get(article.pk, [])
            if [(p.caption, p.src) for p in have] != wanted:
                kept = {p.src: p for p in have}
                stale.append(article.pk)
                for order, (caption, src) in enumerate(wanted, 1):
                    old = kept.get(src)
                    new.append(
                        Photo(
                            article=article,
                            order=order,
                            caption=caption,
                            src=src,
                            image=old.image.name if old and old.image else None,
                            image_sha256=old.image_sha256 if old else "",
                        )
                    )
            else:
                new_links = [(resolve(p.src, item.name), p.pk) for p in have]
                self.photo_links.extend((path, pk) for path, pk in new_links if path)
        if stale:
            Photo.objects.filter(article_id__in=stale).delete()
            self.changed = True
        if new:
            Photo.objects.bulk_create(new)
            names = {article.pk: item.name for item, article in owned}
            for photo in new:
                path = resolve(photo.src, names[photo.article_id])
                if path and photo.pk:
                    self.photo_links.append((path, photo.pk))

    # History-aware bulk writes -------------------------------------------

    def bulk_create(self, model, objs) -> None:
        rows.insert(model, objs)
        rows.insert_history(
            model, objs, user=self.writer.user, reason=IMPORT_REASON, date=self.now, stored=True
        )

    def bulk_update(self, model, objs, fields) -> None:
        bulk_update_with_history(
            objs,
            model,
            fields,
            default_user=self.writer.user,
            default_change_reason=IMPORT_REASON,
        )


def _region_row(region: Region) -> tuple:
    return (
        region.order,
        region.shape,
        [float(v) for v in region.points],
        region.width,
        region.height,
        region.article_key,
        region.article_id,
    )


__all__ = ["IMPORT_REASON", "Article", "BatchWriter", "EditionBatch"]
