"""Matching a file to the article it is: rows found by title, placeholders, corrections.

An article row is known before its text when another file of its page listed its
headline; the file that brings the text must fill that row, never add a second one,
and never take over a row an editor corrected unless told to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from .. import body as body_format
from ..models import ARTICLE_TEXT_FIELDS, Article, Page
from ..parsing import match_key


def snapshot(values: dict[str, str]) -> dict[str, str]:
    return {f: values.get(f, "") for f in ARTICLE_TEXT_FIELDS}


def apply(article: Article, values: dict[str, str], now, *, imported=None) -> None:
    """Write ``values`` into the article; ``imported`` (default: the same) is its import."""
    imported = values if imported is None else imported
    for attr, value in values.items():
        setattr(article, attr, value)
    article.imported = dict(imported)
    article.imported_at = now
    article.is_corrected = values != imported
    article.updated_at = now
    article.__dict__.pop("blocks", None)


def key_of(article: Article) -> tuple[int, int]:
    return (article.page.number, article.position)


def is_placeholder(article: Article, *, corrected: bool = False) -> bool:
    """A row known only from a headline list: no text yet.

    With ``corrected``, also one whose headline an editor reworded meanwhile.
    """
    return not article.has_body and (corrected or not article.is_corrected)


#: A new article's field values in the order of its model's fields, as defaults (those
#: made per article, ``imported``'s dict, by their factories).
_FIELDS = Article._meta.concrete_fields
_AT = {field.attname: index for index, field in enumerate(_FIELDS)}
_MADE = {i for i, f in enumerate(_FIELDS) if f.has_default() and callable(f.default)}
_DEFAULTS = [None if i in _MADE else f.get_default() for i, f in enumerate(_FIELDS)]
_FACTORIES = [(i, _FIELDS[i].get_default) for i in sorted(_MADE)]


def placeholder(page: Page, position: int, title: str, now, key: str = "") -> Article:
    """A new article known by its headline only.

    Made with Django's positional constructor, as rows read from the database are: a
    headline list makes one per headline, and the keyword constructor looks for every
    field it is not given (most of them here) at several times the cost.
    """
    values = _DEFAULTS.copy()
    for index, factory in _FACTORIES:
        values[index] = factory()
    values[_AT["position"]] = position
    values[_AT["title"]] = title
    values[_AT["source_key"]] = key
    values[_AT["imported"]] = snapshot({"title": title})
    values[_AT["imported_at"]] = now
    article = Article(*values)
    article.page = page
    return article


class PageArticles:
    """The articles of an edition's pages, found by position and by title.

    A title may legitimately appear twice on a page (two 简讯, two 图片新闻), so a
    title leads to every article bearing it, in page order. An editor's reworded
    title still finds its article through the title as imported.
    """

    def __init__(self, existing: Iterable[Article]) -> None:
        self.existing: dict[tuple[int, int], Article] = {}
        self.new: dict[tuple[int, int], Article] = {}
        self._titles: dict[tuple[int, str], list[Article]] = {}
        self._keys: dict[str, Article] = {}
        self._last: dict[int, int] = {}
        for article in sorted(existing, key=key_of):
            self.existing[key_of(article)] = article
            self._index(article)

    def get(self, key: tuple[int, int]) -> Article | None:
        return self.new.get(key) or self.existing.get(key)

    def is_existing(self, article: Article) -> bool:
        return self.existing.get(key_of(article)) is article

    def find(self, number: int, title_key: str) -> list[Article]:
        return self._titles.get((number, title_key), [])

    def by_key(self, source_key: str) -> Article | None:
        """The article whose file is ``source_key`` (``content_548643``), on any page."""
        return self._keys.get(source_key) if source_key else None

    def alias(self, source_key: str, article: Article) -> None:
        """Let ``source_key`` (another file of the same story) find ``article`` in this batch."""
        if source_key:
            self._keys.setdefault(source_key, article)

    def set_key(self, article: Article, source_key: str) -> None:
        article.source_key = source_key
        self._keys.setdefault(source_key, article)

    def move(self, article: Article, page: Page, position: int) -> None:
        """Place ``article`` at ``position`` of ``page`` (a story found to start there)."""
        old = key_of(article)
        table = self.existing if self.existing.get(old) is article else self.new
        table.pop(old, None)
        for found in self._titles.values():
            if article in found:
                found.remove(article)
        article.page = page
        article.position = position
        table[key_of(article)] = article
        self._index(article)

    def next_position(self, number: int) -> int:
        return self._last.get(number, 0) + 1

    def is_free(self, number: int, position: int) -> bool:
        return self.get((number, position)) is None

    def all(self) -> list[Article]:
        return [*self.existing.values(), *self.new.values()]

    def add(self, article: Article) -> None:
        self.new[key_of(article)] = article
        self._index(article)

    def retitle(self, article: Article, title: str) -> None:
        """Make ``article`` findable by a title it takes on."""
        found = self._titles.setdefault((article.page.number, match_key(title)), [])
        if article not in found:
            found.append(article)

    def _index(self, article: Article) -> None:
        number = article.page.number
        self._last[number] = max(self._last.get(number, 0), article.position)
        if article.source_key:
            self._keys.setdefault(article.source_key, article)
        titles = {article.title}
        if isinstance(article.imported, dict) and article.imported.get("title"):
            titles.add(article.imported["title"])
        for title in titles:
            self._titles.setdefault((number, match_key(title)), []).append(article)


def the_one(candidates: list[Article], body: str, source_key: str = "") -> Article | None:
    """Which of the articles bearing a file's title the file is.

    The one whose imported text it repeats, else the first still waiting for its
    text, else the first (the file changed since its last import). An article that
    has the text of another file (another source key) is never this file's; a
    headline's link may name a file by a name the tree does not have, so a row
    still without text is this file's whatever key its link gave it.
    """
    if source_key:
        candidates = [a for a in candidates if a.source_key in ("", source_key) or not a.has_body]
    for article in candidates:
        if article.imported.get("body") == body:
            return article
    for article in candidates:
        if is_placeholder(article, corrected=True):
            return article
    return candidates[0] if candidates else None


def merge_corrections(article: Article, values: dict[str, str]) -> dict[str, str]:
    """Imported ``values``, except where an editor changed the field since the last import."""
    merged = dict(values)
    for field_name in ARTICLE_TEXT_FIELDS:
        mine = getattr(article, field_name)
        if mine != article.imported.get(field_name, ""):
            merged[field_name] = mine
    return merged


# One story printed twice -------------------------------------------------------

#: How much of two bodies must be the same paragraphs for them to be one story.
REPEAT_SHARE = 0.9
#: Bodies shorter than this (characters) are too little to tell a story by.
REPEAT_MIN_CHARS = 40
AD_TITLES = ("广告",)


def is_ad(title: str) -> bool:
    key = match_key(title)
    return any(key.startswith(ad) for ad in AD_TITLES)


def paragraph_keys(body: str, start_page: int) -> list[str]:
    return [
        match_key(block.text)
        for block in body_format.text_to_blocks(body, start_page)
        if block.kind == "paragraph"
    ]


class Repeats:
    """Finds the article a story printed again on a later page is (People's Daily and
    湖北日报 print a continued front-page story whole again, under another file).

    Bodies are compared by their normalised paragraphs: at least
    :data:`REPEAT_SHARE` of the longer body's paragraphs must be the other's. Ads
    (``广告``) are never one story, and neither are two articles of the same page.
    """

    def __init__(self, articles: Iterable[Article]) -> None:
        self._index: dict[str, list[Article]] = {}
        self._sizes: dict[int, int] = {}
        self._built = False
        self._pending = list(articles)

    def add(self, article: Article) -> None:
        if self._built:
            self._add(article)
        else:
            self._pending.append(article)

    def _add(self, article: Article) -> None:
        body = (article.imported or {}).get("body") or article.body
        if len(body) < REPEAT_MIN_CHARS or is_ad(article.title):
            return
        keys = set(paragraph_keys(body, article.page.number))
        self._sizes[id(article)] = len(keys)
        for key in keys:
            self._index.setdefault(key, []).append(article)

    def find(self, title: str, body: str, page_number: int) -> Article | None:
        if len(body) < REPEAT_MIN_CHARS or is_ad(title):
            return None
        if not self._built:
            for article in self._pending:
                self._add(article)
            self._pending = []
            self._built = True
        keys = set(paragraph_keys(body, page_number))
        if not keys:
            return None
        shared: Counter = Counter()
        seen: dict[int, Article] = {}
        for key in keys:
            for article in self._index.get(key, ()):
                if article.page.number != page_number:
                    shared[id(article)] += 1
                    seen[id(article)] = article
        for ident, count in shared.most_common(3):
            if count >= REPEAT_SHARE * max(len(keys), self._sizes[ident]):
                return seen[ident]
        return None
