"""What the reader's views compute from rows already loaded: no queries here.

The views load an edition's pages once and a handful of article rows; this
module turns them into what the templates show (headline entries, the story
cut where the printed page breaks, the previous and next article) so the
views stay about fetching and the templates about markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .body import BodyBlock
from .models import Article, Page


def short_label(page: Page) -> str:
    """The label as a jump line prints it: 第4版 for page label "04", 第A01版 for "A01"."""
    if page.label.isdigit():
        return page.label.lstrip("0") or page.label
    return page.label


@dataclass(frozen=True)
class Headline:
    """One line of a page's headline list.

    ``resumes_from`` is set when the article starts on another page and only
    continues on this one (上接第2版); its link then points at the place in
    the story where this page's part begins.
    """

    article: Article
    page: Page
    resumes_from: Page | None = None

    @property
    def url(self) -> str:
        url = self.article.get_absolute_url()
        if self.resumes_from is not None:
            return f"{url}#{segment_anchor(self.page.number)}"
        return url


def segment_anchor(page_number: int) -> str:
    """The id of the place in an article where the part printed on a page begins."""
    return f"page-{page_number}"


def attach_pages(articles: Iterable[Article], pages_by_id: dict[int, Page]) -> list[Article]:
    """Give each article its (already loaded) start page, so URLs cost no query.

    An article whose start page is not among them (a continuation wrongly set
    to another edition's page) is left out rather than fetched.
    """
    attached = []
    for article in articles:
        page = pages_by_id.get(article.page_id)
        if page is not None:
            article.page = page
            attached.append(article)
    return attached


def page_headlines(page: Page, articles: Iterable[Article]) -> list[Headline]:
    """The page's own articles in position order, then those continued from other pages."""
    own = sorted((a for a in articles if a.page_id == page.pk), key=lambda a: a.position)
    continued = sorted(
        (a for a in articles if a.page_id != page.pk),
        key=lambda a: (a.page.number, a.position),
    )
    return [Headline(a, page) for a in own] + [
        Headline(a, page, resumes_from=a.page) for a in continued
    ]


def reading_neighbours(
    current: Article, candidates: Iterable[Article]
) -> tuple[Article | None, Article | None]:
    """The articles just before and after ``current`` in edition order.

    ``candidates`` must hold the true neighbours (the view fetches them with
    the current page's headlines); any other article of the edition among
    them does no harm, since the nearest one on each side wins.
    """

    here = (current.page.number, current.position)
    before = after = None
    before_key = after_key = None
    for article in candidates:  # one pass, each place computed once (the first of equals wins)
        key = (article.page.number, article.position)
        if key < here:
            if before_key is None or key > before_key:
                before, before_key = article, key
        elif key > here and (after_key is None or key < after_key):
            after, after_key = article, key
    return before, after


@dataclass
class Segment:
    """The part of a story printed on one page."""

    page_number: int
    page: Page | None  # None when the body names a page the edition lacks
    blocks: list[BodyBlock] = field(default_factory=list)
    previous: Segment | None = None  # the segment this one continues (上接)
    following: Segment | None = None  # the segment that continues this one (下转)

    @property
    def anchor(self) -> str:
        return segment_anchor(self.page_number)

    @property
    def label(self) -> str:
        return short_label(self.page) if self.page else str(self.page_number)


def story_segments(article: Article, pages_by_number: dict[int, Page]) -> list[Segment]:
    """The whole story, cut where the printed paper jumps from one page to another."""
    segments: list[Segment] = []
    for block in article.blocks:
        if not segments or segments[-1].page_number != block.page:
            segment = Segment(block.page, pages_by_number.get(block.page))
            if segments:
                segment.previous = segments[-1]
                segments[-1].following = segment
            segments.append(segment)
        segments[-1].blocks.append(block)
    return segments


def printed_pages(segments: Sequence[Segment], start: Page) -> list[Page]:
    """The pages the story is printed on, in order, without repeats."""
    seen: list[Page] = [start]
    for segment in segments:
        if segment.page is not None and segment.page not in seen:
            seen.append(segment.page)
    return seen


def excerpt(article: Article, limit: int = 120) -> str:
    """A plain-text opening of the story for meta descriptions and previews."""
    for block in article.blocks:
        if block.kind == "paragraph":
            text = " ".join(block.text.split())
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return article.subtitle or article.title
