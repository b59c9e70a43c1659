"""One story on several pages, the part of the article writer that follows it.

A story printed again whole on a later page (People's Daily, 湖北日报) is the article
of the page it starts on, printed on both; a later page's part in a file of its own
(上接第N版) joins its start. Their pages are the article's ``continued_on``: the
body's jumps are rewritten on every import, the pages printed again only added.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import body as body_format
from ..models import Article
from ..parsing import match_key
from . import rows as rows_module
from .matching import apply, is_placeholder, key_of, placeholder, snapshot
from .prepare import Item
from .report import Status


class StoryAcrossPages:
    """Mixed into :class:`~.articles.ArticleWriter`: its rows, pages and jump tables."""

    def _joined(self, article: Article) -> Status:
        """A file's status when its text joins ``article``: updated if the article was
        in the database before, created if it is new in this batch (a first import
        of a mirror reports nothing as updated)."""
        return Status.UPDATED if self.rows.is_existing(article) else Status.CREATED

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
        status = self._joined(original)
        if status == Status.UPDATED:
            self.moved.append(original)
        self._touch(original)
        self.again[key] = (again - {number}) | {old_number}
        if moved_jumps is not None:
            self.jumps[key] = moved_jumps
        self.old_jumps[key] = [*(old_jumps or ()), number]
        self.owners.append((item, original))
        return status, _("printed first on this page: the article of page %(label)s") % {
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
            status = self._joined(start)
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

    # continued_on ---------------------------------------------------------

    def _continued_titles(self, numbers: set[int]) -> set[tuple[int, str]]:
        """(page, title key) of every article printed on one of ``numbers`` but starting elsewhere.

        Some e-papers list a continued article again in the headline list of the
        page it continues on. It is the same article: it must not get a second row
        there, whichever of its pages is imported first.
        """
        found = {
            (number, match_key(item.parsed.title))
            for item in self.batch.items
            for number in (*item.page_numbers[1:], *item.jumps_out)
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


def keep_parts(current: Article, body: str, pages: tuple[int, ...]) -> str:
    """The file's body, plus the parts on ``pages`` that its row got from their own files."""
    imported = (current.imported or {}).get("body", "")
    start = current.page.number
    extra = [b for b in body_format.text_to_blocks(imported, start) if b.page in pages]
    if not extra:
        return body
    blocks = [*body_format.text_to_blocks(body, start), *extra]
    return body_format.blocks_to_text(blocks, start)
