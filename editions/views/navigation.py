"""An edition's pages and page list, computed once per version of the edition.

Every page view and article view of an edition lists all of its pages (版面导航,
and the thumbnail strip when the pages have images): on a 40-page edition that
list was two thirds of a page's rendering, and loading the pages with their
sections a fifth of the rest. It is the same on the edition's hundreds of
addresses, so each process keeps it, per edition, under the same fingerprint the
rendered-page cache goes by (``EditionMixin.get``): the edition's id, when it
was made, its ``updated_at`` (which every change to the edition, its pages,
sections, articles or paper moves) and whether it has neighbours. A publish,
withdrawal or correction changes the fingerprint the next request reads from the
shared database, on every node, so a kept copy is never served for a changed
edition; it is simply never asked for again and falls out of the bounded store.

The store is per process on purpose: the pages are model instances, cheaper to
keep than to unpickle from Redis, and a miss costs one query. Staff previews
build theirs afresh every time. ``READER_EDITION_MEMO_SIZE`` (default 16) bounds
the number of editions kept; 0 keeps none. A page's articles (headline fields
only) are kept too once it or one of its articles has been shown: a fully read
40-page edition holds about 600 of them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import NamedTuple

from django.conf import settings
from django.dispatch import receiver
from django.template.loader import get_template
from django.utils.autoreload import file_changed
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .. import reading
from ..models import Edition, Page
from ..printed import display
from . import queries


class PageArticles(NamedTuple):
    """What ``EditionNavigation.around`` keeps of a page (read only: shared by requests)."""

    rows: list  # the page's articles and its neighbours, with their start pages
    headlines: list  # the page's headline list (reading.Headline)


class EditionNavigation:
    """The edition's pages in order, looked up by id and number, with their printed images."""

    def __init__(self, edition: Edition, pages: list[Page]):
        self.pages = pages
        for page in pages:
            page.edition = edition
        self.by_id = {page.pk: page for page in pages}
        self.by_number = {page.number: page for page in pages}
        self.printed = {page.pk: display.printed_page(page) for page in pages}
        self.has_thumbs = any(image and image.thumb for image in self.printed.values())
        self._items: dict[Hashable, SafeString] = {}
        self._lists: dict[Hashable, list[SafeString]] = {}
        self._index = {page.pk: index for index, page in enumerate(pages)}
        self._page_keys = tuple((page.pk,) for page in pages)
        self._around: dict[int, PageArticles] = {}

    @classmethod
    def load(cls, edition: Edition) -> EditionNavigation:
        pages = Page.objects.filter(edition=edition).select_related("section").order_by("number")
        return cls(edition, list(pages))

    def around(self, page: Page) -> PageArticles:
        """A page's articles (its own and those continued onto it) and the ones just
        before and after its own: one query the first time a page or one of its
        articles is asked for, then kept with the edition like its pages."""
        found = self._around.get(page.pk)
        if found is None:
            rows = queries.page_headlines_around.rows(
                page=page.pk, edition=page.edition_id, number=page.number
            )
            rows = reading.attach_pages(rows, self.by_id)
            listed = [row for row in rows if row.page_id == page.pk or row.continues_here]
            found = self._around[page.pk] = PageArticles(rows, reading.page_headlines(page, listed))
        return found

    def thumbs(self) -> list[tuple[Page, display.PrintedPage | None]]:
        return [(page, self.printed[page.pk]) for page in self.pages]

    def items(self, template_name: str, current: Page | None) -> SafeString:
        """The list items of every page (``template_name`` renders one), ``current`` marked."""
        index = self._index.get(current.pk) if current is not None else None
        return self.listed(
            template_name,
            self._page_keys,
            lambda index, marked: self._item(self.pages[index], marked),
            () if index is None else (index,),
        )

    def listed(
        self,
        template_name: str,
        keys: tuple[tuple, ...],
        context: Callable[[int, bool], dict],
        marked: Iterable[int] = (),
    ) -> SafeString:
        """A list of items (``template_name`` renders one), the ``marked`` ones (indexes) marked.

        ``keys`` names each item as ``rendered`` needs, ``context(index, is_marked)``
        gives its context. Each item is rendered once per language and state and
        kept with the edition, so a request renders at most the marked items
        afresh; the unmarked list is kept whole too, and a request only puts the
        marked items in their places (looking 40 items up one by one was a
        twentieth of a page's rendering).
        """
        language = get_language()
        plain = self._lists.get((template_name, language, keys))
        if plain is None:
            plain = self._lists[(template_name, language, keys)] = [
                self.rendered(template_name, (*key, False), lambda i=i: context(i, False), language)
                for i, key in enumerate(keys)
            ]
        if not marked:
            return mark_safe("".join(plain))
        parts = list(plain)
        for i in marked:
            parts[i] = self.rendered(
                template_name, (*keys[i], True), lambda i=i: context(i, True), language
            )
        return mark_safe("".join(parts))

    def _item(self, page: Page, is_current: bool) -> dict:
        return {
            "page": page,
            "url": page.get_absolute_url(),
            "printed": self.printed[page.pk],
            "is_current": is_current,
        }

    def rendered(
        self,
        template_name: str,
        key: tuple,
        context: Callable[[], dict],
        language: str | None = None,
    ) -> SafeString:
        """``template_name`` rendered with ``context()``, once per language and ``key``.

        ``key`` must name everything the context holds that the edition's
        fingerprint does not (which page, which article, marked or not).
        """
        return self.kept(
            (template_name, language or get_language(), *key),
            lambda: get_template(template_name).render(context()),
        )

    def kept(self, key: tuple, render: Callable[[], str]) -> SafeString:
        html = self._items.get(key)
        if html is None:
            html = self._items[key] = mark_safe(render())
        return html

    def fragment(self, template_name: str, context, render: Callable[[], str]) -> SafeString:
        """An include that is the same on many pages of the edition (see ``FRAGMENTS``)."""
        key = FRAGMENTS[template_name](context)
        return self.kept((template_name, get_language(), *key), render)


def _pk(instance) -> int | None:
    return instance.pk if instance is not None else None


#: The includes a reader's page may take from its edition's navigation, each with
#: what its output depends on besides the edition's fingerprint and the language.
#: A template listed here must use nothing else of its context: no request, no
#: visitor, no address, but for a value ``WRITTEN_IN`` names.
FRAGMENTS: dict[str, Callable] = {
    # The site's icon, style sheet and scripts, the paper's colour; the CSP nonce's
    # placeholder (newsroom/csp.py), which every response replaces with its own.
    "includes/head_links.html": lambda context: (),
    # The paper's name and the language switch, whose ``next`` is written in.
    "includes/footer.html": lambda context: (),
    # The paper and edition, the edition's date, whether there are other papers.
    "includes/masthead.html": lambda context: (context.get("query"),),
    # The feeds of the paper and of the current page's section, the IIIF manifest.
    "includes/alternate.html": lambda context: (
        getattr(context.get("current_page"), "section_id", None),
        bool(context.get("is_preview")),
    ),
    # 上一期/下一期 (the edition's neighbours are in its fingerprint), the current page.
    "includes/edition_bar.html": lambda context: (
        _pk(context.get("current_page")),
        _pk(context.get("previous_page")),
        _pk(context.get("next_page")),
        bool(context.get("headline_index")),
    ),
    # Every page of the edition, the current one marked.
    "includes/page_list.html": lambda context: (_pk(context.get("current_page")),),
    # Buttons and their words only.
    "includes/font_controls.html": lambda context: (),
    "includes/article_actions.html": lambda context: (),
}


#: Kept includes that show one value of the request's (the footer's language switch
#: names the page it is on): kept with ``STAND_IN`` in its place, which each request
#: replaces with its own value, escaped as ``{{ }}`` would (``reader.kept_include``).
WRITTEN_IN: dict[str, str] = {"includes/footer.html": "page_path"}

#: Text no address holds (the NUL bytes), that escaping leaves as it is.
STAND_IN = "\x00written-in\x00"


def fingerprint(edition: Edition) -> tuple:
    """What a kept navigation must match: the edition and everything the rendered-page key holds."""
    return (
        edition.pk,
        edition.created_at,
        edition.updated_at,
        getattr(edition, "paper_count", None),
        getattr(edition, "has_previous", None),
        getattr(edition, "has_next", None),
    )


class _Store:
    """A small least-recently-used store, safe to share between a process's threads."""

    def __init__(self):
        self._entries: OrderedDict[Hashable, EditionNavigation] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, key: Hashable, build: Callable[[], EditionNavigation], size: int
    ) -> EditionNavigation:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        built = build()  # outside the lock: two threads may both build; either copy is right
        with self._lock:
            self._entries[key] = built
            self._entries.move_to_end(key)
            while len(self._entries) > size:
                self._entries.popitem(last=False)
        return built

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


store = _Store()


def memo_size() -> int:
    return getattr(settings, "READER_EDITION_MEMO_SIZE", 16)


def navigation(edition: Edition, *, keep: bool = True) -> EditionNavigation:
    """The edition's navigation, from this process's store when ``keep`` and it is current."""
    size = memo_size()
    if not keep or size <= 0:
        return EditionNavigation.load(edition)
    return store.get(fingerprint(edition), lambda: EditionNavigation.load(edition), size)


@receiver(file_changed)
def _forget_on_template_change(sender, file_path, **kwargs) -> None:
    """The development server reloads changed templates in place: forget the old items."""
    if file_path.suffix == ".html":
        store.clear()
