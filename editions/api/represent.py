"""Rows already loaded -> the API's dicts (the shapes of ``schemas``). No queries here.

Reader addresses come from ``editions.links`` (through the models' URL methods), the
API's own from its URL names; both are made absolute for the request's host.
"""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse

from .. import links
from ..models import Article, Edition, Page, Paper, Photo, Region, Section


class Builder:
    """Makes the dicts for one request (its host and scheme make the URLs absolute)."""

    def __init__(self, request: HttpRequest):
        self.request = request

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def api(self, name: str, **kwargs) -> str:
        return self.absolute(reverse(f"machine:api:{name}", kwargs=kwargs))

    def file_url(self, field) -> str | None:
        return self.absolute(field.url) if field else None

    def stored_url(self, name: str | None) -> str | None:
        """A derivative's URL, from its name in the default storage."""
        return self.absolute(default_storage.url(name)) if name else None

    # --- papers -----------------------------------------------------------------

    def feeds(self, name: str, **kwargs) -> dict:
        return {
            kind: self.absolute(reverse(f"machine:{name}-{kind}", kwargs=kwargs))
            for kind in ("rss", "atom")
        }

    def paper(self, paper: Paper) -> dict:
        return {
            "code": paper.code,
            "name": paper.name,
            "subtitle": paper.subtitle,
            "language": paper.language,
            "url": self.absolute(links.paper_url(paper)),
            "api": self.api("paper", paper=paper.code),
            "editions": self.api("paper-editions", paper=paper.code),
            "feeds": self.feeds("paper", paper=paper.code),
            "latest_edition": getattr(paper, "latest_edition", None),
        }

    def section(self, section: Section | None, paper: Paper) -> dict | None:
        if section is None:
            return None
        return {
            "slug": section.slug,
            "name": section.name,
            "feeds": self.feeds("section", paper=paper.code, section=section.slug),
        }

    # --- editions and pages -----------------------------------------------------------

    def edition(self, edition: Edition) -> dict:
        key = str(edition.key)
        code = edition.paper.code
        return {
            "paper": code,
            "key": key,
            "date": edition.date,
            "code": edition.code,
            "name": edition.name,
            "updated": edition.updated_at,
            "url": self.absolute(edition.get_absolute_url()),
            "api": self.api("edition", paper=code, edition=key),
            "iiif_manifest": self.absolute(
                reverse("machine:iiif-manifest", kwargs={"paper": code, "edition": key})
            ),
        }

    def page_ref(self, page: Page) -> dict:
        edition = page.edition
        return {
            "number": page.number,
            "label": page.label,
            "url": self.absolute(page.get_absolute_url()),
            "api": self.api(
                "page", paper=edition.paper.code, edition=str(edition.key), number=page.number
            ),
        }

    def page(self, page: Page) -> dict:
        image = None
        if page.image:
            image = {
                "url": self.file_url(page.image),
                "width": page.image_width,
                "height": page.image_height,
            }
        pdf = {"url": self.file_url(page.pdf), "pages": page.pdf_page_count} if page.pdf else None
        return {
            **self.page_ref(page),
            "name": page.name,
            "section": self.section(page.section, page.edition.paper),
            "image": image,
            "pdf": pdf,
            # Made by render_pages (editions.printed) once the page has an image.
            "thumbnail": self.stored_url((page.printed or {}).get("thumb")),
        }

    # --- articles -----------------------------------------------------------------

    def article_ref(self, article: Article) -> dict:
        page = article.page
        edition = page.edition
        return {
            "page": page.number,
            "position": article.position,
            "title": article.title,
            "url": self.absolute(article.get_absolute_url()),
            "api": self.api(
                "article",
                paper=edition.paper.code,
                edition=str(edition.key),
                number=page.number,
                position=article.position,
            ),
        }

    def headline(self, article: Article, on: Page) -> dict:
        continued = article.page_id != on.pk
        return {
            **self.article_ref(article),
            "kicker": article.kicker,
            "subtitle": article.subtitle,
            "continued_from": article.page.number if continued else None,
        }

    def region(self, region: Region, article: Article | None) -> dict:
        return {
            "shape": region.shape,
            "points": region.fractions,
            "article": self.article_ref(article) if article is not None else None,
        }

    def photo(self, photo: Photo) -> dict:
        return {"order": photo.order, "caption": photo.caption, "url": self.file_url(photo.image)}
