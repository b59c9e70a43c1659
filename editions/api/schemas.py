"""The API's response shapes (pydantic, through ninja): what the OpenAPI schema promises.

Every resource carries ``url``, its canonical reader address (HTML), and ``api``, its
own address here, both absolute; lists carry ``next``, the address of their next part.
"""

from __future__ import annotations

import datetime

from ninja import Schema
from pydantic import Field


class Feeds(Schema):
    rss: str
    atom: str


class SectionRef(Schema):
    slug: str
    name: str
    feeds: Feeds


class PaperOut(Schema):
    code: str = Field(examples=["ljrb"])
    name: str = Field(examples=["临江日报"])
    subtitle: str
    language: str = Field(description="BCP 47 tag of the paper's language", examples=["zh-Hans"])
    url: str
    api: str
    editions: str = Field(description="The paper's editions in this API")
    feeds: Feeds
    latest_edition: datetime.date | None


class PaperDetail(PaperOut):
    sections: list[SectionRef]


class PaperList(Schema):
    items: list[PaperOut]


class EditionOut(Schema):
    paper: str = Field(description="The paper's code")
    key: str = Field(description="Date, and the edition's code for another edition of the day")
    date: datetime.date
    code: str = Field(description="Empty for the day's regular edition; haowai for a 号外")
    name: str
    updated: datetime.datetime
    url: str
    api: str
    iiif_manifest: str


class EditionList(Schema):
    items: list[EditionOut]
    next: str | None = Field(description="The next part of the list; null at its end")


class ImageFile(Schema):
    url: str
    width: int | None
    height: int | None


class PdfFile(Schema):
    url: str
    pages: int | None


class PageRef(Schema):
    number: int = Field(description="Order of the page in the edition, from 1")
    label: str = Field(description="The page number as printed: 02, A01")
    url: str
    api: str


class PageOut(PageRef):
    name: str
    section: SectionRef | None
    image: ImageFile | None
    pdf: PdfFile | None
    thumbnail: str | None = Field(description="A small image of the page; null until there is one")


class EditionDetail(EditionOut):
    pages: list[PageOut]


class ArticleRef(Schema):
    page: int = Field(description="The page the article starts on")
    position: int
    title: str
    url: str
    api: str


class Headline(ArticleRef):
    kicker: str
    subtitle: str
    continued_from: int | None = Field(
        description="For an article continued from another page (上接), that page's number"
    )


class RegionOut(Schema):
    shape: str = Field(description="rect (two corners), polygon (x, y pairs) or circle (x, y, r)")
    points: list[float] | None = Field(
        description="Coordinates as fractions of the page image's width and height; "
        "null when the image's size is unknown"
    )
    article: ArticleRef | None


class PageDetail(PageOut):
    edition: EditionOut
    headlines: list[Headline]
    regions: list[RegionOut]


class Block(Schema):
    kind: str = Field(description="paragraph or subhead")
    text: str
    page: int = Field(description="Number of the page this part is printed on")


class PhotoOut(Schema):
    order: int
    caption: str
    url: str | None


class ArticleOut(Schema):
    edition: EditionOut
    page: int
    position: int
    section: SectionRef | None
    kicker: str
    title: str
    subtitle: str
    byline: str
    blocks: list[Block]
    pages: list[PageRef] = Field(description="The pages the article is printed on, in order")
    photos: list[PhotoOut]
    url: str = Field(description="The canonical reader URL")
    api: str
    updated: datetime.datetime


class SearchHit(ArticleRef):
    paper: str
    date: datetime.date
    edition: str = Field(description="The edition's key")
    kicker: str
    subtitle: str
    excerpt: str


class SearchResults(Schema):
    query: str
    items: list[SearchHit]
    next: str | None


class ValidationIssue(Schema):
    loc: list[str]
    msg: str


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="A stable word for the kind of error: not_found, rate_limited…")
    instance: str | None = None
    errors: list[ValidationIssue] | None = None
    retry_after: int | None = None
