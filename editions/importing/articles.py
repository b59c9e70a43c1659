"""The articles of one batch: headline lists first, then each file's text.

Every headline of a page is an article, with or without a body, so later files fill
rows instead of adding them. A file finds its row by its key (the file name the
headline lists and image maps link), else by its title on its page; a story printed
again on a later page, or continued there in a file of its own (上接第N版), is the
same article, printed on both pages.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from .. import body as body_format
from ..models import ARTICLE_TEXT_FIELDS, Article, Page
from ..parsing import PAGE_VIEW, match_key
from . import rows as rows_module
from .matching import (
    PageArticles,
    Repeats,
    apply,
    is_placeholder,
    key_of,
    merge_corrections,
    placeholder,
    snapshot,
    the_one,
)
from .prepare import Item
from .report import FileResult, Kind, Status


def kind_of(item: Item) -> Kind:
    if item.parsed.kind == PAGE_VIEW:
        return Kind.PAGE_VIEW
    return Kind.DUMP if item.parsed.form == "dump" else Kind.ARTICLE_VIEW


class ArticleWriter:
    def __init__(self, batch, edition, pages: dict[int, Page]) -> None:
        self.batch = batch
        self.edition = edition
        self.pages = pages
        self.now = batch.now
        self.overwrite = batch.writer.overwrite
        self.rows = PageArticles(
            ()
            if batch.created
            else Article.objects.filter(page__edition=edition).select_related("page")
        )
        self.repeats = Repeats(a for a in self.rows.all() if a.has_body)
        self.dirty: dict[tuple[int, int], Article] = {}
        #: Article -> pages its body is printed on beyond its first (rewritten).
        self.jumps: dict[tuple[int, int], list[int]] = {}
        #: Article -> pages it is printed again on (added, never removed here).
        self.again: dict[tuple[int, int], set[int]] = {}
        self.old_jumps: dict[tuple[int, int], list[int]] = {}
        #: (item, article) for each file that is its article's own text.
        self.owners: list[tuple[Item, Article]] = []
        #: Articles moved to an earlier page where their story is printed first.
        self.moved: list[Article] = []
        self.changed = False

    def run(self) -> list[FileResult]:
        items = self.batch.items
        continued = self._continued_titles({n for i in items for n in i.parsed.page_numbers})
        self._headlines(items, continued)
        results: dict[int, FileResult] = {}
        # A later page's part of a story (上接) joins its start once the start is known.
        order = sorted(range(len(items)), key=lambda i: items[i].continued_from is not None)
        for index in order:
            item = items[index]
            if item.parsed.kind == PAGE_VIEW:
                results[index] = FileResult(item.name, Status.UNCHANGED, "", Kind.PAGE_VIEW)
                continue
            status, detail = self._file(item, continued)
            results[index] = FileResult(item.name, status, detail, kind_of(item))
        self._write()
        return [results[i] for i in range(len(items))]

    # Headline lists ---------------------------------------------------------

    def _headlines(self, items: list[Item], continued: set[tuple[int, str]]) -> None:
        rows = self.rows
        # Titles each page's files of this batch name, as headlines or as their own.
        named: dict[int, set[str]] = {}
        for item in items:
            keys = named.setdefault(item.parsed.page_number, set())
            keys.add(match_key(item.parsed.title))
            keys.update(map(match_key, item.parsed.headlines))
        # An article is found by its link, else by its title, never by its position
        # alone: two files of one page may list the headlines differently (one saved
        # before a late change of the page), and a position must never hand one
        # article's row to another.
        self.listed_new = 0
        for item in items:
            number = item.parsed.page_number
            page = self.pages[number]
            links = item.parsed.headline_links
            seen: Counter = Counter()
            for position, headline in enumerate(item.parsed.headlines, start=1):
                link = links[position - 1] if position - 1 < len(links) else ""
                key = match_key(headline)
                seen[key] += 1
                if rows.by_key(link) is not None or (number, key) in continued:
                    continue
                found = rows.find(number, key)
                if len(found) >= seen[key]:
                    target = found[seen[key] - 1]
                    if link and not target.source_key:
                        rows.set_key(target, link)
                        self._touch(target)
                    continue
                current = rows.get((number, position))
                if current is None:
                    rows.add(placeholder(page, position, headline, self.now, link))
                elif (
                    is_placeholder(current)
                    and match_key(current.title) not in named[number]
                    and current.source_key in ("", link)
                ):
                    # The page's headline list changed since (a headline reworded):
                    # follow it.
                    rows.retitle(current, headline)
                    apply(current, snapshot({"title": headline}), self.now)
                    if link:
                        rows.set_key(current, link)
                    self._touch(current)
                else:
                    row = placeholder(page, rows.next_position(number), headline, self.now, link)
                    rows.add(row)

    # Article files ----------------------------------------------------------

    def _file(self, item: Item, continued) -> tuple[Status, str]:
        parsed = item.parsed
        number = parsed.page_number
        title_key = match_key(parsed.title)
        rows = self.rows
        current = rows.by_key(parsed.article_key)
        if current is not None and current.has_body and not _same_title(current, title_key):
            # Another tree's file of the same name (page01-1.txt of two papers): a key
            # names a file, and a name is no identity across folders.
            current = None
        if item.continued_from and current is None:
            return self._continuation(item)
        if current is None and (number, title_key) in continued:
            # The page's own view of an article that starts on another page:
            # its text is the start file's, it is not a second article.
            return Status.UNCHANGED, _("continuation of an article")
        page = self.pages[number]
        values = snapshot(
            {
                "kicker": parsed.kicker,
                "title": parsed.title,
                "subtitle": parsed.subtitle,
                "byline": parsed.byline,
                "body": body_format.blocks_to_text(parsed.blocks, number),
            }
        )
        if current is None:
            current = the_one(rows.find(number, title_key), values["body"], parsed.article_key)
        if current is None and (
            original := self.repeats.find(parsed.title, values["body"], number)
        ):
            return self._printed_again(item, original, number)
        if current is not None and item.jumps_out:
            values["body"] = _keep_parts(current, values["body"], item.jumps_out)
        detail = ""
        if current is None:
            position = parsed.position_hint
            if not position or not rows.is_free(number, position):
                position = rows.next_position(number)
            current = placeholder(page, position, parsed.title, self.now, parsed.article_key)
            apply(current, values, self.now)
            rows.add(current)
            self.repeats.add(current)
            status = Status.CREATED
        elif current.text_values() == values and current.imported == values:
            status = Status.UNCHANGED
        elif current.differs_from_import() and not self.overwrite:
            if is_placeholder(current, corrected=True):
                # Only its headline was known and an editor reworded it: the
                # article still needs its text, and the editor's headline stays.
                apply(current, merge_corrections(current, values), self.now, imported=values)
                status = Status.CREATED
            else:
                status = Status.SKIPPED
                detail = _(
                    "corrected by an editor; kept (choose to overwrite corrections to replace it)"
                )
        else:
            status = Status.CREATED if is_placeholder(current, corrected=True) else Status.UPDATED
            self.old_jumps.setdefault(key_of(current), current.page_numbers[1:])
            apply(current, values, self.now)
            self.repeats.add(current)
        if parsed.article_key and current.source_key != parsed.article_key:
            rows.set_key(current, parsed.article_key)
            self._touch(current)
        if status in (Status.CREATED, Status.UPDATED):
            rows.retitle(current, current.title)
            self._touch(current)
            self.jumps[key_of(current)] = list(current.page_numbers[1:])
        if status != Status.SKIPPED:
            self.owners.append((item, current))
        return status, detail

    def _printed_again(self, item: Item, original: Article, number: int) -> tuple[Status, str]:
        """The file is a story printed whole again on page ``number``: one article.

        The article belongs to the earlier page; when the later page's copy came first,
        the article moves to where it starts and continues on the page it was on.
        """
        if number > original.page.number:
            self.rows.alias(item.parsed.article_key, original)
            self.again.setdefault(key_of(original), set()).add(number)
            return Status.UNCHANGED, _("printed again: the article on page %(label)s") % {
                "label": original.page.label
            }
        old_key, old_number = key_of(original), original.page.number
        self.dirty.pop(old_key, None)
        moved_jumps = self.jumps.pop(old_key, None)
        again = self.again.pop(old_key, set())
        old_jumps = self.old_jumps.pop(old_key, None)
        position = item.parsed.position_hint or item.parsed.position
        if not position or not self.rows.is_free(number, position):
            position = self.rows.next_position(number)
        self.rows.move(original, self.pages[number], position)
        if item.parsed.article_key:
            self.rows.set_key(original, item.parsed.article_key)
        key = key_of(original)
        if self.rows.is_existing(original):
            self.moved.append(original)
        self._touch(original)
        self.again[key] = (again - {number}) | {old_number}
        if moved_jumps is not None:
            self.jumps[key] = moved_jumps
        self.old_jumps[key] = [*(old_jumps or ()), number]
        self.owners.append((item, original))
        return Status.UPDATED, _("printed first on this page: the article of page %(label)s") % {
            "label": self.pages[old_number].label
        }

    def _continuation(self, item: Item) -> tuple[Status, str]:
        """A later page's part of a story (the file starts 上接第N版): append it to the start."""
        parsed = item.parsed
        number, start_number = parsed.page_number, item.continued_from
        candidates = self.rows.find(start_number, match_key(parsed.title))
        start = next((a for a in candidates if a.has_body), candidates[0] if candidates else None)
        label = self.pages[start_number].label
        if start is None:
            start = placeholder(self.pages[start_number], 0, parsed.title, self.now)
            start.position = self.rows.next_position(start_number)
            base, status = [], Status.CREATED
            self.rows.add(start)
        else:
            imported = (start.imported or {}).get("body", "")
            base = body_format.text_to_blocks(imported, start_number)
            status = Status.UPDATED
        self.rows.alias(parsed.article_key, start)  # its page's regions link the story
        kept = [b for b in base if b.page != number]
        blocks = sorted([*kept, *parsed.blocks], key=lambda b: (b.page != start_number, b.page))
        values = snapshot(
            {**(start.imported or {}), "title": start.imported.get("title") or parsed.title}
        )
        values["body"] = body_format.blocks_to_text(blocks, start_number)
        detail = _("continued from page %(label)s") % {"label": label}
        if status == Status.UPDATED and start.imported == values and start.text_values() == values:
            return Status.UNCHANGED, detail
        if status == Status.UPDATED and start.differs_from_import() and not self.overwrite:
            return Status.SKIPPED, _(
                "corrected by an editor; kept (choose to overwrite corrections to replace it)"
            )
        self.old_jumps.setdefault(key_of(start), start.page_numbers[1:])
        apply(start, values, self.now)
        self._touch(start)
        self.jumps[key_of(start)] = list(start.page_numbers[1:])
        return status, detail

    # Writing ----------------------------------------------------------------

    def _touch(self, article: Article) -> None:
        if self.rows.is_existing(article):
            self.dirty[key_of(article)] = article

    def _write(self) -> None:
        rows = self.rows
        leftovers = self._continued_placeholders()
        if leftovers:
            for article in leftovers:
                self.dirty.pop(key_of(article), None)
            Article.objects.filter(pk__in=[a.pk for a in leftovers]).delete()
        for article in self.moved:
            Article.objects.filter(pk=article.pk).update(
                page=article.page, position=article.position
            )
        if rows.new:
            self.batch.bulk_create(Article, list(rows.new.values()))
        if self.dirty:
            self.batch.bulk_update(
                Article,
                list(self.dirty.values()),
                [
                    *ARTICLE_TEXT_FIELDS,
                    "source_key",
                    "imported",
                    "imported_at",
                    "is_corrected",
                    "updated_at",
                ],
            )
        if self.jumps or self.again:
            self._continuations()
        if rows.new or self.dirty or leftovers or self.moved:
            self.changed = True

    def _continued_titles(self, numbers: set[int]) -> set[tuple[int, str]]:
        """(page, title key) of every article printed on one of ``numbers`` but starting elsewhere.

        Some e-papers list a continued article again in the headline list of the
        page it continues on. It is the same article: it must not get a second row
        there, whichever of its pages is imported first.
        """
        found = {
            (number, match_key(item.parsed.title))
            for item in self.batch.items
            for number in (*item.parsed.page_numbers[1:], *item.jumps_out)
        }
        # A later page's part in a file of its own (上接): its own page lists it too.
        found.update(
            (item.parsed.page_number, match_key(item.parsed.title))
            for item in self.batch.items
            if item.continued_from
        )
        if self.batch.created:
            return found
        through = Article.continued_on.through
        found.update(
            (number, match_key(title))
            for number, title in through.objects.filter(
                page__edition=self.edition, page__number__in=numbers
            ).values_list("page__number", "article__title")
        )
        return found

    def _continued_placeholders(self) -> list[Article]:
        """Bodiless rows that an earlier import made from a continuation page's list."""
        leftovers = []
        rows = self.rows
        for key, numbers in [*self.jumps.items(), *self.again.items()]:
            article = rows.get(key)
            for number in numbers:
                for other in rows.find(number, match_key(article.title)):
                    if rows.is_existing(other) and is_placeholder(other) and other not in leftovers:
                        leftovers.append(other)
        return leftovers

    def _continuations(self) -> None:
        """continued_on: the body's jumps (rewritten) and the pages printed again (added)."""
        through = Article.continued_on.through
        pages = self.pages
        rows = self.rows
        gone = [
            (rows.get(key).pk, pages[number].pk)
            for key, numbers in self.old_jumps.items()
            for number in numbers
            if number in pages and number not in self.jumps.get(key, ())
        ]
        for article_id, page_id in gone:
            through.objects.filter(article_id=article_id, page_id=page_id).delete()
        wanted = {
            (rows.get(key).pk, pages[number].pk)
            for source in (self.jumps, self.again)
            for key, numbers in source.items()
            for number in numbers
            if number in pages
        }
        if wanted:
            existing = (
                set()
                if self.batch.created
                else set(
                    through.objects.filter(article_id__in={a for a, _ in wanted}).values_list(
                        "article_id", "page_id"
                    )
                )
            )
            missing = wanted - existing
            if missing:
                # The edition's lock keeps every other writer of these rows out (an
                # editor's save takes it too): what is not there can be inserted.
                rows_module.insert(
                    through,
                    [through(article_id=a, page_id=p) for a, p in sorted(missing)],
                    keys=False,
                )
                self.changed = True


def _same_title(article: Article, title_key: str) -> bool:
    imported = (article.imported or {}).get("title", "")
    return title_key in (match_key(article.title), match_key(imported))


def _keep_parts(current: Article, body: str, pages: tuple[int, ...]) -> str:
    """The file's body, plus the parts on ``pages`` that its row got from their own files."""
    imported = (current.imported or {}).get("body", "")
    start = current.page.number
    extra = [b for b in body_format.text_to_blocks(imported, start) if b.page in pages]
    if not extra:
        return body
    blocks = [*body_format.text_to_blocks(body, start), *extra]
    return body_format.blocks_to_text(blocks, start)
