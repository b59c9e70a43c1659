"""Readers' views inside one edition: the paper page by page (版面) and article by article.

Every view inside one edition shares ``EditionMixin``. It finds the edition of
the paper named in the URL (a published one, or, for a staff member allowed to
preview, any edition of their papers, shown as a preview), answers a
conditional GET before doing anything else, loads the edition's pages once,
and sets the caching headers. Every query below the edition is scoped to it,
so the rule of what readers may see is applied once, by
``Edition.objects.visible_to()``.

Query counts do not grow with the size of an edition: the pages come in one
query, a page's headlines in another, an article in a third. A rendered page
is kept in the cache under its edition's timestamp (see ``caching``), so a
reader's request after the first costs the one query that finds the edition,
and in a process that answered the address before only the read of the
database's change counter (``caching.remembered_answer``). 标题导航 is in
``headlines``.
"""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from .. import caching, changes, links, reading, seo
from ..models import PREVIEW_PERMISSION, Article, Edition, Page, Paper, Photo, Region
from ..printed import display
from ..printed import regions as printed_regions
from . import navigation, queries
from .lookup import published_edition, with_neighbours
from .queries import HEADLINE_FIELDS, PHOTO_FIELDS
from .queries import headline_rows as headline_rows  # the API lists a page's headlines too


class EditionMixin:
    """The rules every view inside one edition shares (see the module's docstring)."""

    http_method_names = ["get", "head", "options"]

    def may_preview(self) -> bool:
        """Whether the visitor may see unpublished editions.

        Only a logged-in editor may, and a login lives in the session: a request
        without the session cookie is a reader's, known without loading the
        session and the user (a fifth of a cached page's own time).
        """
        if settings.SESSION_COOKIE_NAME not in self.request.COOKIES:
            return False
        return self.request.user.has_perm(PREVIEW_PERMISSION)

    def find_edition(self) -> Edition | None:
        key = self.kwargs["edition"]
        if not self.may_preview():
            # Readers (nearly every request): the same answer, without the ORM's cost.
            return published_edition(self.kwargs["paper"], key.date, key.code)
        return (
            with_neighbours(Edition.objects.visible_to(self.request.user).select_related("paper"))
            .filter(paper__code=self.kwargs["paper"], date=key.date, code=key.code)
            .first()
        )

    def no_edition(self):
        raise Http404(_("No edition was published on that date."))

    def get(self, request, *args, **kwargs):
        # A reader's address this process answered before, while nothing has changed:
        # the one query that says so (see caching.remembered_answer).
        where = None if self.may_preview() else caching.answer_key(request)
        if where and (answer := caching.remembered_answer(request, where)):
            return answer
        self.edition = self.find_edition()
        if self.edition is None:
            return self.no_edition()
        self.is_preview = not (self.edition.is_published and self.edition.paper.is_listed)
        if self.is_preview:
            response = super().get(request, *args, **kwargs)
            caching.forbid_storing(response)
            return response

        # A page shows its edition and, of the others, only whether there is one
        # before and after (the links go through step_edition), so the edition's
        # timestamp and those two answers are all the validation a page needs.
        last_modified = self.edition.updated_at
        parts = (
            self.edition.paper.code,
            self.edition.key,
            self.edition.pk,  # with created_at: this row, never another one made since
            self.edition.created_at.isoformat(),
            self.edition.paper_count,
            self.edition.has_previous,
            self.edition.has_next,
            last_modified.isoformat(),
        )
        etag = caching.make_etag(request, *parts)
        key = caching.page_key(request, etag)  # the ETag holds the parts, digested
        if where:
            counter = getattr(self.edition, "changes", None)  # read with the edition
            caching.remember(where, counter, etag, last_modified, key)
        answer = caching.not_modified(request, etag, last_modified)
        if answer is not None:
            return answer
        content = caching.cached_page(key)
        if content is not None:
            response = HttpResponse(content)
        else:
            response = super().get(request, *args, **kwargs)
            response.add_post_render_callback(lambda rendered: self.keep(rendered, key))
        caching.set_validators(response, etag, last_modified)
        return response

    def keep(self, response, key: str) -> None:
        caching.keep_page(key, response.content)

    @cached_property
    def navigation(self) -> navigation.EditionNavigation:
        return navigation.navigation(self.edition, keep=not self.is_preview)

    @property
    def pages(self) -> list[Page]:
        return self.navigation.pages

    @property
    def pages_by_id(self) -> dict[int, Page]:
        return self.navigation.by_id

    @property
    def pages_by_number(self) -> dict[int, Page]:
        return self.navigation.by_number

    def page_by_number(self, number: int) -> Page:
        try:
            return self.pages_by_number[number]
        except KeyError:
            raise Http404(_("This edition has no such page.")) from None

    def current_page(self) -> Page | None:
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.edition
        current = self.current_page()
        previous_page = next_page = None
        if current is not None:
            index = self.pages.index(current)
            previous_page = self.pages[index - 1] if index > 0 else None
            next_page = self.pages[index + 1] if index + 1 < len(self.pages) else None
        context.update(
            paper=edition.paper,
            several_papers=edition.paper_count > 1,
            edition=edition,
            edition_date=seo.long_date(edition.date),
            pages=self.pages,
            navigation=self.navigation,
            current_page=current,
            previous_page=previous_page,
            next_page=next_page,
            is_preview=self.is_preview,
        )
        if not self.is_preview:
            context["csrf_token"] = caching.CSRF_PLACEHOLDER  # filled in per response
        return context


class PageDetailView(EditionMixin, DetailView):
    """The page navigator (版面): one page's headlines, with the edition's page list."""

    template_name = "editions/page_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None) -> Page | None:
        return self.page_by_number(self.kwargs["number"])

    def current_page(self) -> Page | None:
        return self.object

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = self.object
        headlines = []
        printed = self.navigation.printed[page.pk] if page is not None else None
        if page is not None:
            headlines = self.navigation.around(page).headlines
        context["headlines"] = headlines
        context["printed"] = printed
        context["hotspots"] = display.hotspots(printed, self.regions(page)) if printed else []
        context["has_thumbs"] = self.navigation.has_thumbs
        context["meta"] = self.meta(page, headlines)
        return context

    def regions(self, page: Page) -> list[Region]:
        """The page's regions with the articles they link to: one query, only with an image."""
        rows = (
            Region.objects.filter(page_id=page.pk)
            .select_related("article")
            .only(
                "page_id",
                "shape",
                "points",
                "width",
                "height",
                "order",
                *(f"article__{name}" for name in HEADLINE_FIELDS),
            )
            .order_by("order")
        )
        regions = []
        for region in rows:
            if region.article is not None:
                start = self.pages_by_id.get(region.article.page_id)
                if start is None:  # an article of another edition: no link
                    continue
                region.article.page = start
            regions.append(region)
        return regions

    def meta(self, page: Page | None, headlines) -> seo.PageMeta:
        edition_title = seo.edition_heading(self.edition)
        if page is None:
            return seo.PageMeta.build(
                self.request,
                title=edition_title,
                description=edition_title,
                path=self.edition.get_absolute_url(),
                noindex=self.is_preview,
            )
        heading = seo.page_heading(page)
        titles = "；".join(h.article.title for h in headlines[:8])
        return seo.PageMeta.build(
            self.request,
            title=f"{heading} · {edition_title}",
            description=f"{edition_title} {heading}：{titles}",
            path=page.get_absolute_url(),
            published=self.edition.date,
            noindex=self.is_preview,
        )


class EditionView(PageDetailView):
    """/2024-08-02/: the edition opens on its first page."""

    def get_object(self, queryset=None) -> Page | None:
        return self.pages[0] if self.pages else None


class LatestEditionView(EditionView):
    """/ljrb/: the paper's newest published edition, on its first page."""

    def find_edition(self) -> Edition | None:
        return (
            with_neighbours(Edition.objects.published().select_related("paper"))
            .annotate(changes=RawSQL(changes.READ, ()))  # see caching.remember
            .filter(paper__code=self.kwargs["paper"])
            .order_by("-date", "-code")
            .first()
        )

    def no_edition(self):
        # A new paper, or every edition withdrawn: say so rather than answer 404 at its door.
        paper = Paper.objects.listed().filter(code=self.kwargs["paper"]).first()
        if paper is None:
            raise Http404(_("There is no such paper."))
        return self.response_class(
            request=self.request,
            template="editions/no_edition.html",
            context={"paper": paper},
            using=self.template_engine,
        )


class ArticleDetailView(EditionMixin, DetailView):
    """One article, the whole story stitched across the pages it is printed on."""

    model = Article

    def get_object(self, queryset=None) -> Article:
        """The article with its photos, in the one query (see ``queries``)."""
        page = self.page_by_number(self.kwargs["number"])
        rows = queries.article_with_photos.rows(page=page.pk, position=self.kwargs["position"])
        if not rows:
            raise Http404(_("This page has no such article."))
        article = rows[0]
        article.page = page
        article.photo_rows = [
            Photo(article=article, **{name: getattr(row, f"photo_{name}") for name in PHOTO_FIELDS})
            for row in rows
            if row.photo_order is not None and row.photo_image
        ]
        return article

    def current_page(self) -> Page | None:
        return self.object.page

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        page = article.page
        around = self.navigation.around(page)
        rows = around.rows
        previous_article, next_article = reading.reading_neighbours(article, rows)
        segments = reading.story_segments(article, self.pages_by_number)
        printed = reading.printed_pages(segments, page)
        positions = self.positions(article, printed)
        meta = self.meta(article, printed)
        context.update(
            photos=article.photo_rows,
            positions=positions,
            og_image=self.og_image(article),
            headlines=around.headlines,
            previous_article=previous_article,
            next_article=next_article,
            segments=segments,
            printed_pages=printed,
            meta=meta,
            news_article=seo.news_article_data(
                article, canonical=meta.canonical, description=meta.description, pages=printed
            ),
        )
        return context

    def positions(self, article: Article, printed: list[Page]) -> list[dict]:
        """Where the story is printed: each page of it that has an image, small, with the
        article's regions on it. One query for the regions, only when a page has an image."""
        shown = [(page, self.navigation.printed.get(page.pk)) for page in printed]
        shown = [(page, image) for page, image in shown if image and image.thumb]
        if not shown:
            return []
        regions: dict[int, list[Region]] = {}
        rows = Region.objects.filter(article_id=article.pk, page_id__in=[p.pk for p, _ in shown])
        for region in rows.order_by("order"):
            region.article = article
            regions.setdefault(region.page_id, []).append(region)
        return [
            {
                "page": page,
                "printed": image,
                "hotspots": display.hotspots(image, regions.get(page.pk, [])),
            }
            for page, image in shown
        ]

    def og_image(self, article: Article) -> str:
        """The link preview's picture: the article cut out of its page, else its first photo."""
        url = printed_regions.crop_url(article.page, article.pk)
        if not url and article.photo_rows:
            url = article.photo_rows[0].image.url
        return self.request.build_absolute_uri(url) if url else ""

    def meta(self, article: Article, printed: list[Page]) -> seo.PageMeta:
        page = article.page
        return seo.PageMeta.build(
            self.request,
            title=" · ".join(
                (article.title, seo.page_heading(page), seo.edition_heading(self.edition))
            ),
            description=reading.excerpt(article),
            path=article.get_absolute_url(),
            og_type="article",
            published=self.edition.date,
            section=seo.print_section(page),
            noindex=self.is_preview,
        )


def step_edition(request, paper: str, edition: links.EditionKey, direction: str):
    """上一期/下一期: on to the paper's nearest published edition before or after one.

    Edition pages link here instead of naming their neighbours, so a page
    depends on its own edition alone and stays valid in every cache when
    other editions are published or withdrawn. Past either end of the
    archive, the reader lands on the paper's calendar, told so.
    """
    date, code = edition
    published = Edition.objects.published().filter(paper__code=paper).select_related("paper")
    if direction == "previous":
        earlier = Q(date__lt=date) | Q(date=date, code__lt=code)
        found = published.filter(earlier).order_by("-date", "-code").first()
    else:
        later = Q(date__gt=date) | Q(date=date, code__gt=code)
        found = published.filter(later).order_by("date", "code").first()
    if found is not None:
        return redirect(found)
    month = links.paper_url(paper, "archive-month", year=date.year, month=date.month)
    return redirect(f"{month}?{urlencode({'edge': direction})}")
