"""Matching a file to the article it is: rows found by title, placeholders, corrections.

An article row is known before its text when another file of its page listed its
headline; the file that brings the text must fill that row, never add a second one,
and never take over a row an editor corrected unless told to.
"""

from __future__ import annotations

from collections.abc import Iterable

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


def placeholder(page: Page, position: int, title: str, now) -> Article:
    return Article(
        page=page,
        position=position,
        title=title,
        imported=snapshot({"title": title}),
        imported_at=now,
    )


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

    def next_position(self, number: int) -> int:
        return self._last.get(number, 0) + 1

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
        titles = {article.title}
        if isinstance(article.imported, dict) and article.imported.get("title"):
            titles.add(article.imported["title"])
        for title in titles:
            self._titles.setdefault((number, match_key(title)), []).append(article)


def the_one(candidates: list[Article], body: str) -> Article | None:
    """Which of the articles bearing a file's title the file is.

    The one whose imported text it repeats, else the first still waiting for its
    text, else the first (the file changed since its last import).
    """
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
