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
from .across import StoryAcrossPages, keep_parts
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


class ArticleWriter(StoryAcrossPages):
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
        continued = self._continued_titles({n for i in items for n in i.page_numbers})
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
        done: set[tuple] = set()
        for item in items:
            number = item.parsed.page_number
            # Every file of a page lists the same headlines: once the list is done,
            # the next file's copy of it finds every row it would.
            listing = (number, item.parsed.headlines, item.parsed.headline_links)
            if listing in done:
                continue
            done.add(listing)
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
            values["body"] = keep_parts(current, values["body"], item.jumps_out)
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
        # A row this batch made has its text as imported: only a stored one can have
        # an editor's corrections.
        elif not self.overwrite and rows.is_existing(current) and current.differs_from_import():
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


def _same_title(article: Article, title_key: str) -> bool:
    imported = (article.imported or {}).get("title", "")
    return title_key in (match_key(article.title), match_key(imported))
