"""IIIF Presentation 3 manifests: an edition as library viewers (Mirador, Universal Viewer)
open it. ``/api/iiif/ljrb/2024-08-02/manifest.json``.

* The edition is the Manifest, labelled in Chinese and English, with its date as
  ``navDate`` and a link to the readers' edition.
* Each page is a Canvas the size of its image in pixels, painted by the image, with
  the page's PDF as a ``rendering``; a page without an image is an empty canvas.
* Each region of a page (where an article is printed) is an Annotation on its canvas,
  targeting the rectangle (``#xywh=``) or, for polygons and circles, an SVG selector;
  its body is the article's headline and a link to the article.

Only published editions have a manifest (``Edition.objects.published()`` through the
API's lookups); a region shows its article only when that article is of the edition.
Three queries, whatever the edition's size: the edition, its pages, its regions.
"""

from __future__ import annotations

import datetime
import json
import mimetypes

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from . import seo
from .api.lookups import edition_pages, find_edition, not_modified, unchanged
from .models import Edition, Page, Region

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
CONTENT_TYPE = f'application/ld+json;profile="{CONTEXT}"'
#: The two languages of every label: the paper's script, and English for the rest of the world.
LABEL_LANGUAGES = (("zh", "zh-hans"), ("en", "en"))
#: A canvas with no image still needs a size: an A3 broadsheet's proportions.
NOMINAL_SIZE = (1000, 1414)


def labels(make) -> dict[str, list[str]]:
    """A IIIF language map: ``make()`` called with Django's language set to each of ours."""
    values = {}
    for key, language in LABEL_LANGUAGES:
        with translation.override(language):
            values[key] = [make()]
    return values


def canvas_size(page: Page, regions: list[Region]) -> tuple[int, int]:
    if page.image_width and page.image_height:
        return page.image_width, page.image_height
    for region in regions:
        if region.width and region.height:
            return region.width, region.height
    return NOMINAL_SIZE


def region_target(region: Region, canvas_id: str, width: int, height: int) -> str | dict | None:
    """Where on the canvas a region is: a media fragment for a rectangle, else an SVG shape."""
    fractions = region.fractions
    if not fractions:
        return None
    if region.shape == Region.Shape.RECT and len(fractions) == 4:
        x1, x2 = sorted((fractions[0], fractions[2]))
        y1, y2 = sorted((fractions[1], fractions[3]))
        box = (x1 * width, y1 * height, (x2 - x1) * width, (y2 - y1) * height)
        return f"{canvas_id}#xywh=" + ",".join(str(round(v)) for v in box)
    if region.shape == Region.Shape.CIRCLE and len(fractions) == 3:
        x, y, r = fractions
        shape = f'<circle cx="{x * width:.0f}" cy="{y * height:.0f}" r="{r * width:.0f}"/>'
    elif region.shape == Region.Shape.POLYGON and len(fractions) >= 6:
        points = " ".join(
            f"{fractions[i] * width:.0f},{fractions[i + 1] * height:.0f}"
            for i in range(0, len(fractions) - 1, 2)
        )
        shape = f'<polygon points="{points}"/>'
    else:
        return None
    svg = f'<svg xmlns="http://www.w3.org/2000/svg">{shape}</svg>'
    return {
        "type": "SpecificResource",
        "source": {"id": canvas_id, "type": "Canvas"},
        "selector": {"type": "SvgSelector", "value": svg},
    }


class ManifestBuilder:
    """Builds one edition's manifest from rows already loaded."""

    def __init__(self, request: HttpRequest, edition: Edition):
        self.request = request
        self.edition = edition
        key = str(edition.key)
        self.manifest_id = request.build_absolute_uri(
            reverse("machine:iiif-manifest", kwargs={"paper": edition.paper.code, "edition": key})
        )
        self.base = self.manifest_id.rsplit("/", 1)[0]
        self.language = edition.paper.language

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def manifest(self, pages: list[Page], regions: dict[int, list[Region]]) -> dict:
        edition = self.edition
        midnight = timezone.make_aware(datetime.datetime.combine(edition.date, datetime.time.min))
        return {
            "@context": CONTEXT,
            "id": self.manifest_id,
            "type": "Manifest",
            "label": labels(lambda: seo.edition_heading(edition)),
            "summary": labels(lambda: edition.paper.subtitle or edition.paper.name),
            "metadata": [
                {
                    "label": {"zh": ["报名"], "en": ["Paper"]},
                    "value": {"none": [edition.paper.name]},
                },
                {
                    "label": {"zh": ["日期"], "en": ["Date"]},
                    "value": {"none": [edition.date.isoformat()]},
                },
            ],
            "navDate": midnight.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "behavior": ["individuals"],
            "homepage": [
                {
                    "id": self.absolute(edition.get_absolute_url()),
                    "type": "Text",
                    "label": labels(lambda: seo.edition_heading(edition)),
                    "format": "text/html",
                    "language": [self.language],
                }
            ],
            "items": [self.canvas(page, regions.get(page.pk, [])) for page in pages],
        }

    def canvas(self, page: Page, regions: list[Region]) -> dict:
        canvas_id = f"{self.base}/canvas/p{page.number}"
        width, height = canvas_size(page, regions)
        canvas = {
            "id": canvas_id,
            "type": "Canvas",
            "label": labels(lambda: seo.page_heading(page)),
            "width": width,
            "height": height,
            "items": [
                {
                    "id": f"{canvas_id}/paint",
                    "type": "AnnotationPage",
                    "items": [self.painting(page, canvas_id)] if page.image else [],
                }
            ],
            "homepage": [
                {
                    "id": self.absolute(page.get_absolute_url()),
                    "type": "Text",
                    "label": labels(lambda: seo.page_heading(page)),
                    "format": "text/html",
                }
            ],
        }
        if page.pdf:
            canvas["rendering"] = [
                {
                    "id": self.absolute(page.pdf.url),
                    "type": "Text",
                    "label": {"zh": ["本版 PDF"], "en": ["PDF of the page"]},
                    "format": "application/pdf",
                }
            ]
        notes = [self.article_note(r, canvas_id, width, height) for r in regions]
        notes = [note for note in notes if note is not None]
        if notes:
            canvas["annotations"] = [
                {"id": f"{canvas_id}/articles", "type": "AnnotationPage", "items": notes}
            ]
        return canvas

    def painting(self, page: Page, canvas_id: str) -> dict:
        body = {
            "id": self.absolute(page.image.url),
            "type": "Image",
            "format": mimetypes.guess_type(page.image.name)[0] or "image/jpeg",
        }
        if page.image_width and page.image_height:
            body.update(width=page.image_width, height=page.image_height)
        return {
            "id": f"{canvas_id}/paint/image",
            "type": "Annotation",
            "motivation": "painting",
            "body": body,
            "target": canvas_id,
        }

    def article_note(self, region: Region, canvas_id: str, width: int, height: int):
        article = region.article
        target = region_target(region, canvas_id, width, height)
        if article is None or target is None:
            return None
        return {
            "id": f"{canvas_id}/articles/{region.order}",
            "type": "Annotation",
            "motivation": "commenting",
            "body": [
                {
                    "type": "TextualBody",
                    "value": article.title,
                    "language": self.language,
                    "format": "text/plain",
                },
                {
                    "id": self.absolute(article.get_absolute_url()),
                    "type": "Text",
                    "format": "text/html",
                    "language": [self.language],
                },
            ],
            "target": target,
        }


def edition_regions(edition: Edition, pages: list[Page]) -> dict[int, list[Region]]:
    """The regions of an edition's pages, each with its article if that is of this edition."""
    by_id = {page.pk: page for page in pages}
    found: dict[int, list[Region]] = {}
    rows = (
        Region.objects.filter(page__edition=edition)
        .select_related("article")
        .order_by("page_id", "order")
    )
    for region in rows:
        region.page = by_id[region.page_id]
        article = region.article
        if article is not None:
            if article.page_id in by_id:
                article.page = by_id[article.page_id]
            else:
                region.article = None
        found.setdefault(region.page_id, []).append(region)
    return found


@require_safe
def manifest(request: HttpRequest, paper: str, edition) -> HttpResponse:
    found = find_edition(paper, str(edition))
    response = HttpResponse(content_type=CONTENT_TYPE)
    if not_modified(request, response, found.updated_at):
        return unchanged(response)
    pages = edition_pages(found)
    data = ManifestBuilder(request, found).manifest(pages, edition_regions(found, pages))
    response.content = json.dumps(data, ensure_ascii=False)
    return response
