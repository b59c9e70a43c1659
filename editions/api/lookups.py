"""What the API's endpoints and the IIIF manifests look up first: a listed paper, a published
edition by its key, its pages; and the answer to a conditional GET before the rest is read.

Bad codes and keys are refused before any query (a 404), so no string a client sends
reaches the database but as a well-formed code or date.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from ..converters import PAPER_CODE_REGEX, EditionKeyConverter
from ..models import Edition, Page, Paper

_PAPER_CODE = re.compile(f"^{PAPER_CODE_REGEX}$")
_EDITION_KEY = re.compile(f"^{EditionKeyConverter.regex}$")


def find_paper(code: str) -> Paper:
    paper = Paper.objects.listed().filter(code=code).first() if _PAPER_CODE.match(code) else None
    if paper is None:
        raise Http404("There is no such paper.")
    return paper


def find_edition(paper: str, key: str) -> Edition:
    """A published edition by its paper's code and key, with the paper at hand."""
    found = None
    if _PAPER_CODE.match(paper) and _EDITION_KEY.match(key):
        try:
            date, code = EditionKeyConverter().to_python(key)
        except ValueError:  # 2024-02-30
            date = None
        if date is not None:
            found = (
                Edition.objects.published()
                .select_related("paper")
                .filter(paper__code=paper, date=date, code=code)
                .first()
            )
    if found is None:
        raise Http404("No edition was published under that key.")
    return found


def edition_pages(edition: Edition) -> list[Page]:
    pages = list(Page.objects.filter(edition=edition).select_related("section").order_by("number"))
    for page in pages:
        page.edition = edition
    return pages


def not_modified(request: HttpRequest, response: HttpResponse, moment) -> bool:
    """Set ``Last-Modified``; True when the client's copy (If-Modified-Since) is current.

    With ``If-None-Match`` the body's ETag decides instead, after rendering (see ``gate``).
    """
    response.headers["Last-Modified"] = http_date(moment.timestamp())
    if "If-None-Match" in request.headers:
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(moment.timestamp()) <= since


def unchanged(response: HttpResponse) -> HttpResponseNotModified:
    answer = HttpResponseNotModified()
    answer.headers["Last-Modified"] = response.headers["Last-Modified"]
    return answer


def link_next(response: HttpResponse, url: str | None) -> None:
    if url:
        response.headers["Link"] = f'<{url}>; rel="next"'
