"""Rows for the API, feed, sitemap and IIIF tests: a published edition with page files,
regions and photos, and the same secret word in places readers must never reach."""

from __future__ import annotations

import datetime

from django.urls import reverse

from editions.models import Article, Photo, Region
from tests.factories import PaperFactory, build_edition

DAY = datetime.date(2024, 8, 2)
HIDDEN_DAY = datetime.date(2024, 8, 3)
#: Printed only in content readers may not see.
SECRET = "绝密词"


def api_path(name: str, **kwargs) -> str:
    return reverse(f"machine:api:{name}", kwargs=kwargs)


def edition_api(day=DAY, paper="ljrb", **kwargs) -> str:
    key = day.isoformat() if isinstance(day, datetime.date) else day
    return api_path("edition", paper=paper, edition=key, **kwargs)


def page_api(number: int, day=DAY, paper="ljrb") -> str:
    return api_path("page", paper=paper, edition=day.isoformat(), number=number)


def article_api(number: int, position: int, day=DAY, paper="ljrb") -> str:
    key = day.isoformat()
    return api_path("article", paper=paper, edition=key, number=number, position=position)


def manifest_path(day=DAY, paper="ljrb") -> str:
    return reverse("machine:iiif-manifest", kwargs={"paper": paper, "edition": day.isoformat()})


def give_files(edition) -> None:
    """Page images (2000 × 3000) and PDFs, as the importer stores them."""
    for page in edition.pages.all():
        page.image.name = f"pages/ljrb/{edition.date}/{page.label}-0a1b2c.jpg"
        page.image_width, page.image_height = 2000, 3000
        page.pdf.name = f"pages/ljrb/{edition.date}/{page.label}-0a1b2c.pdf"
        page.pdf_page_count = 1
        page.save()


def hidden_content() -> dict:
    """An unpublished edition of the paper, and a published one of an unlisted paper,
    both printing ``SECRET``; returns them by name."""
    unpublished = build_edition(date=HIDDEN_DAY, pages=2, articles_per_page=2, published=False)
    unlisted_paper = PaperFactory(code="neibu", name="内部参考", is_listed=False)
    unlisted = build_edition(date=DAY, pages=2, articles_per_page=2, paper=unlisted_paper)
    for edition in (unpublished, unlisted):
        Article.objects.filter(page__edition=edition).update(title=f"{SECRET}标题", body=SECRET)
    return {"unpublished": unpublished, "unlisted": unlisted}


def with_regions(edition) -> list[Region]:
    """Page 2: a rectangle on its first article, a polygon on its second, and a region
    wrongly pointing at an article of another (hidden) edition."""
    page = edition.pages.get(number=2)
    first, second = page.articles.order_by("position")[:2]
    elsewhere = Article.objects.exclude(page__edition=edition).first()
    regions = [
        Region(page=page, article=first, shape="rect", points=[100, 150, 900, 600], order=1),
        Region(
            page=page,
            article=second,
            shape="polygon",
            points=[1000, 150, 1900, 150, 1900, 1200, 1000, 1200],
            order=2,
        ),
        Region(page=page, article=elsewhere, shape="rect", points=[0, 0, 10, 10], order=3),
    ]
    Region.objects.bulk_create(regions)
    Photo.objects.create(
        article=first, order=1, caption="图为现场", image="photos/ljrb/2024-08-02/a.jpg"
    )
    return regions


def published_edition():
    """The published edition of 2024-08-02 with files, and its page 3 in a section."""
    edition = build_edition(date=DAY)
    give_files(edition)
    return edition
