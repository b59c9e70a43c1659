"""The API's endpoints: each finds its rows through the readers' own selectors
(``Paper.objects.listed()``, ``Edition.objects.published()``, ``Article.objects.published()``,
the page views' ``headline_rows``) and hands them to ``represent``.

Everything below an edition is looked up inside one published edition, so no
path, filter or nested list can reach what readers may not see. Each endpoint
costs a fixed number of queries whatever the size of the edition or the archive
(pinned in tests/test_api_queries.py).
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.utils.http import http_date
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError
from ninja.renderers import JSONRenderer

from .. import reading
from ..models import Article, Edition, Paper, Region, Section
from ..views.edition import headline_rows
from ..views.search import SearchView
from . import schemas
from .gate import KEY_HEADER
from .lookups import edition_pages, find_edition, find_paper, link_next, not_modified, unchanged
from .pagination import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, keyset
from .problems import CONTENT_TYPE, problem, validation_errors
from .represent import Builder

DESCRIPTION = """\
The published editions of the group's papers, page by page and article by article.

* Read-only, open to everyone, no key needed; CORS is open for GET.
* Lists are cut into parts: follow `next` (also sent as a `Link: rel="next"` header).
* Responses carry `ETag` and `Last-Modified`: send `If-None-Match` / `If-Modified-Since`
  to get `304 Not Modified`.
* Each client address may make 120 requests a minute (`RateLimit-*` headers say how many
  are left); partners with an API key (header `X-API-Key`) get more.
* Errors are RFC 9457 problem details (`application/problem+json`).
"""


class UnicodeJSON(JSONRenderer):
    """Chinese as it is rather than \\uXXXX escapes: a third of the size, readable."""

    json_dumps_params = {"ensure_ascii": False}


class NewsroomAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's schema, saying what the API really sends: errors as problem details, and
        the optional partners' key."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) >= 400 and "application/json" in answer.get("content", {}):
                        answer["content"] = {CONTENT_TYPE: answer["content"]["application/json"]}
        schema.setdefault("components", {}).setdefault("securitySchemes", {})["partnerKey"] = {
            "type": "apiKey",
            "in": "header",
            "name": KEY_HEADER,
            "description": "Optional: a partner's key raises the rate limit. Made in the admin.",
        }
        return schema


api = NewsroomAPI(
    renderer=UnicodeJSON(),
    title="Newsroom digital edition API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="machine:api",
)

ERRORS = {400: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem, 429: schemas.Problem}
PAPER = Path(..., description="The paper's code", examples=["ljrb"], max_length=40)
EDITION = Path(
    ...,
    description="The edition's date, with its code for another edition of the day",
    examples=["2024-08-02", "2024-08-02-haowai"],
    max_length=40,
)
NUMBER = Path(..., description="The page's number in the edition", ge=1, le=999)
POSITION = Path(..., description="The article's position on its page", ge=1, le=999)
DATE_FROM = Query(None, alias="from", description="The first date (YYYY-MM-DD)")
DATE_TO = Query(None, alias="to", description="The last date (YYYY-MM-DD)")
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items in one part")
CURSOR = Query(None, max_length=200, description="Where to go on from: a list's `next` gives it")


# --- errors as problem details ------------------------------------------------------


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(request, 404, str(exc) or "There is nothing here.")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    return problem(
        request,
        422,
        "Some parameters are not valid.",
        errors=validation_errors(exc.errors),
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return problem(request, exc.status_code, str(exc))


@api.exception_handler(BadCursor)
def _bad_cursor(request, exc):
    return problem(request, 400, "This cursor is not one the API gave.", code="bad_cursor")


# --- papers ---------------------------------------------------------------------------


@api.get("/papers", response={200: schemas.PaperList, **ERRORS}, url_name="papers", tags=["papers"])
def papers(request):
    """The papers of the group, in their order, each with its latest edition's date."""
    latest = (
        Edition.objects.published().filter(paper=OuterRef("pk")).order_by("-date").values("date")
    )
    build = Builder(request)
    rows = Paper.objects.listed().annotate(latest_edition=Subquery(latest[:1]))
    return {"items": [build.paper(paper) for paper in rows]}


@api.get(
    "/papers/{paper}",
    response={200: schemas.PaperDetail, **ERRORS},
    url_name="paper",
    tags=["papers"],
)
def paper_detail(request, paper: str = PAPER):
    """A paper, with its sections (each with its feeds)."""
    found = find_paper(paper)
    build = Builder(request)
    sections = Section.objects.filter(paper=found).order_by("name")
    found.latest_edition = None
    latest = Edition.objects.published().filter(paper=found).order_by("-date").first()
    if latest is not None:
        found.latest_edition = latest.date
    return {**build.paper(found), "sections": [build.section(s, found) for s in sections]}


@api.get(
    "/papers/{paper}/editions",
    response={200: schemas.EditionList, **ERRORS},
    url_name="paper-editions",
    tags=["editions"],
)
def paper_editions(
    request,
    response: HttpResponse,
    paper: str = PAPER,
    date_from: datetime.date | None = DATE_FROM,
    date_to: datetime.date | None = DATE_TO,
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """A paper's published editions, newest first, optionally between two dates."""
    found = find_paper(paper)
    editions = Edition.objects.published().filter(paper=found)
    if date_from is not None:
        editions = editions.filter(date__gte=date_from)
    if date_to is not None:
        editions = editions.filter(date__lte=date_to)
    part = keyset(editions, date_field="date", cursor=cursor, limit=limit)
    build = Builder(request)
    for edition in part.rows:
        edition.paper = found
    next_url = part.next_url(request)
    link_next(response, next_url)
    if part.rows:
        moment = max(edition.updated_at for edition in part.rows)
        response.headers["Last-Modified"] = http_date(moment.timestamp())
    return {"items": [build.edition(e) for e in part.rows], "next": next_url}


# --- an edition, a page, an article ------------------------------------------------


@api.get(
    "/papers/{paper}/editions/{edition}",
    response={200: schemas.EditionDetail, **ERRORS},
    url_name="edition",
    tags=["editions"],
)
def edition_detail(request, response: HttpResponse, paper: str = PAPER, edition: str = EDITION):
    """An edition and its pages: labels, names, sections, image and PDF files."""
    found = find_edition(paper, edition)
    if not_modified(request, response, found.updated_at):
        return unchanged(response)
    build = Builder(request)
    pages = edition_pages(found)
    return {**build.edition(found), "pages": [build.page(page) for page in pages]}


@api.get(
    "/papers/{paper}/editions/{edition}/pages/{number}",
    response={200: schemas.PageDetail, **ERRORS},
    url_name="page",
    tags=["editions"],
)
def page_detail(
    request,
    response: HttpResponse,
    paper: str = PAPER,
    edition: str = EDITION,
    number: int = NUMBER,
):
    """A page: its headlines in printed order (then those continued onto it) and its regions
    (where each article is printed on the page image)."""
    found = find_edition(paper, edition)
    if not_modified(request, response, found.updated_at):
        return unchanged(response)
    pages = edition_pages(found)
    by_id = {page.pk: page for page in pages}
    page = next((p for p in pages if p.number == number), None)
    if page is None:
        raise Http404("This edition has no such page.")
    rows = reading.attach_pages(headline_rows(page), by_id)
    headlines = reading.page_headlines(page, rows)
    regions = []
    for region in Region.objects.filter(page=page).select_related("article").order_by("order"):
        region.page = page
        article = region.article
        # A region is shown with its article only if that article is of this edition.
        if article is not None and article.page_id in by_id:
            article.page = by_id[article.page_id]
        else:
            article = None
        regions.append((region, article))
    build = Builder(request)
    return {
        **build.page(page),
        "edition": build.edition(found),
        "headlines": [build.headline(h.article, page) for h in headlines],
        "regions": [build.region(region, article) for region, article in regions],
    }


@api.get(
    "/papers/{paper}/editions/{edition}/pages/{number}/articles/{position}",
    response={200: schemas.ArticleOut, **ERRORS},
    url_name="article",
    tags=["articles"],
)
def article_detail(
    request,
    response: HttpResponse,
    paper: str = PAPER,
    edition: str = EDITION,
    number: int = NUMBER,
    position: int = POSITION,
):
    """An article, the whole story: its blocks each with the page it is printed on, the pages
    it is printed on, its photos and its canonical reader URL."""
    found = find_edition(paper, edition)
    if not_modified(request, response, found.updated_at):
        return unchanged(response)
    pages = edition_pages(found)
    page = next((p for p in pages if p.number == number), None)
    article = Article.objects.filter(page=page, position=position).first() if page else None
    if article is None:
        raise Http404("This page has no such article.")
    article.page = page
    by_number = {p.number: p for p in pages}
    segments = reading.story_segments(article, by_number)
    printed = reading.printed_pages(segments, page)
    build = Builder(request)
    return {
        "edition": build.edition(found),
        "page": page.number,
        "position": article.position,
        "section": build.section(page.section, found.paper),
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "blocks": [
            {"kind": block.kind, "text": block.text, "page": block.page} for block in article.blocks
        ],
        "pages": [build.page_ref(p) for p in printed],
        "photos": [build.photo(photo) for photo in article.photos.order_by("order")],
        "url": build.absolute(article.get_absolute_url()),
        "api": build.article_ref(article)["api"],
        "updated": article.updated_at,
    }


# --- search ---------------------------------------------------------------------------


def matching_articles(request, q: str, paper: str | None):
    """The published articles the readers' search finds for ``q`` (in ``paper`` only, if
    given), and the query as understood.

    The full-text search (``Article.objects.search``, editions/search) when the project
    has it; else the readers' search view's own filtering, whose ?q= and ?paper= are this
    endpoint's. Either way one definition of search, the readers'.
    """
    articles = Article.objects.published()
    if hasattr(articles, "search"):
        if paper:
            articles = articles.filter(page__edition__paper__code=paper)
        found = articles.search(q)
        understood = getattr(getattr(found, "search_query", None), "text", q)
        return found.select_related("page__edition__paper"), understood
    view = SearchView()
    view.setup(request)
    return view.get_queryset().select_related("page__edition__paper"), view.query


@api.get(
    "/search", response={200: schemas.SearchResults, **ERRORS}, url_name="search", tags=["search"]
)
def search(
    request,
    response: HttpResponse,
    q: str = Query(..., min_length=1, max_length=200, description="Words to find, all of them"),
    paper: str | None = Query(None, max_length=40, description="Only this paper (its code)"),
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """Published articles matching ``q`` in the readers' search language, newest edition
    first: the readers' search (/search/), as JSON."""
    articles, query = matching_articles(request, q, paper)
    part = keyset(articles, date_field="page__edition__date", cursor=cursor, limit=limit)
    build = Builder(request)
    next_url = part.next_url(request)
    link_next(response, next_url)
    return {
        "query": query,
        "items": [
            {
                **build.article_ref(article),
                "paper": article.page.edition.paper.code,
                "date": article.page.edition.date,
                "edition": str(article.page.edition.key),
                "kicker": article.kicker,
                "subtitle": article.subtitle,
                "excerpt": reading.excerpt(article),
            }
            for article in part.rows
        ],
        "next": next_url,
    }
