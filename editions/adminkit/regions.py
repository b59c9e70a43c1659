"""The printed page on the editors' desk: a page's image and PDF, its regions (热区).

The page's change form takes a new image or PDF (stored in ``default_storage``
under a content-hashed name, the image's pixel size read, the derivatives made
again by :mod:`editions.printed`) and carries a region editor
(``static/js/region-editor.js``) over the page image. The editor posts the
regions as one hidden JSON field, so saving them is an ordinary admin form POST:
the form checks every region here (points within the page, a bounded number of
them, an article printed on this page) and a bad one is a message on the form,
never a half-saved page. What changed is counted into the page's history note
and the admin log.

The page list shows where each page's regions came from (:class:`RegionOriginFilter`).
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import PageAdminForm
from ..models import Article, Page, Region
from ..printed import display
from ..printed.regions import SCALE, Origin, note_origin

#: A region is a rectangle or a polygon of at most this many corners.
MAX_POINTS = 64
#: More regions than a page has articles several times over is a mistake.
MAX_REGIONS = 200
#: The largest JSON the editor may post (a full page of 200 regions fits easily).
MAX_JSON = 200_000


@dataclass(frozen=True)
class Drawn:
    """One region as the editor has it: fractions of the page, an article or none."""

    shape: str  # Region.Shape.RECT (two corners) or POLYGON
    points: tuple[tuple[float, float], ...]
    article: int | None
    id: int | None = None

    def key(self) -> tuple:
        return (self.shape, self.points, self.article)

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "shape": self.shape,
            "points": [list(point) for point in self.points],
            "article": self.article,
        }


def _round(value: float) -> float:
    return round(value * SCALE) / SCALE


def drawn_of(region: Region, page: Page) -> Drawn | None:
    """A stored region in the editor's terms (a circle becomes a polygon)."""
    printed = display.printed_page(page)
    width = (printed.width if printed else None) or page.image_width or region.width or 1
    height = (printed.height if printed else None) or page.image_height or region.height or 1
    region.page = page
    outline = display.region_points(region, width, height)
    if not outline:
        return None
    points = tuple((_round(x / width), _round(y / height)) for x, y in outline)
    if region.shape == Region.Shape.RECT:
        (x1, y1), (x2, y2) = points[0], points[2]
        points = ((min(x1, x2), min(y1, y2)), (max(x1, x2), max(y1, y2)))
        return Drawn(Region.Shape.RECT, points, region.article_id, region.pk)
    return Drawn(Region.Shape.POLYGON, points, region.article_id, region.pk)


def page_articles(page: Page):
    """The articles an editor may link a region of this page to: those printed on it."""
    return (
        Article.objects.filter(Q(page_id=page.pk) | Q(continued_on=page))
        .distinct()
        .select_related("page")
        .order_by("page__number", "position")
    )


def parse(raw: str, allowed: set[int]) -> list[Drawn]:
    """The posted regions, checked; a ValidationError that says which region and why."""
    if len(raw) > MAX_JSON:
        raise forms.ValidationError(_("Too many regions to save at once."), code="too_long")
    try:
        items = json.loads(raw or "[]")
    except ValueError:
        items = None
    if not isinstance(items, list):
        raise forms.ValidationError(
            _("The regions could not be read; reload the page and draw them again."),
            code="invalid",
        )
    if len(items) > MAX_REGIONS:
        raise forms.ValidationError(
            _("A page may have at most %(max)d regions.") % {"max": MAX_REGIONS}, code="too_many"
        )
    return [_one(number, item, allowed) for number, item in enumerate(items, start=1)]


def _one(number: int, item, allowed: set[int]) -> Drawn:
    def fail(message, code="invalid"):
        return forms.ValidationError(
            _("Region %(number)d: %(problem)s") % {"number": number, "problem": message},
            code=code,
        )

    if not isinstance(item, dict):
        raise fail(_("it could not be read."))
    shape = item.get("shape")
    if shape not in (Region.Shape.RECT, Region.Shape.POLYGON):
        raise fail(_("a region is a rectangle or a polygon."))
    raw_points = item.get("points")
    if not isinstance(raw_points, list) or len(raw_points) > MAX_POINTS:
        raise fail(_("it has more than %(max)d corners.") % {"max": MAX_POINTS})
    points = []
    for point in raw_points:
        if (
            not isinstance(point, list)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            raise fail(_("a corner could not be read."))
        x, y = point
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise fail(_("a corner lies outside the page."), code="outside")
        points.append((_round(x), _round(y)))
    if shape == Region.Shape.RECT:
        if len(points) != 2:
            raise fail(_("a rectangle has two corners."))
        (x1, y1), (x2, y2) = points
        points = [(min(x1, x2), min(y1, y2)), (max(x1, x2), max(y1, y2))]
        if points[0][0] == points[1][0] or points[0][1] == points[1][1]:
            raise fail(_("the rectangle has no area."))
    elif len(points) < 3:
        raise fail(_("a polygon has at least three corners."))
    article = item.get("article")
    if article in ("", None):
        article = None
    elif not isinstance(article, int) or isinstance(article, bool) or article not in allowed:
        raise fail(_("its article is not printed on this page."), code="article")
    region_id = item.get("id")
    if not isinstance(region_id, int) or isinstance(region_id, bool):
        region_id = None
    return Drawn(shape, tuple(points), article, region_id)


class RegionEditorWidget(forms.Widget):
    """The hidden JSON value and, around it, the editor's image, toolbar and list."""

    template_name = "admin/editions/page/region_editor.html"

    class Media:
        js = ("js/region-editor.js",)
        css = {"all": ("css/admin-regions.css",)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.printed = None
        self.articles: list[Article] = []

    def format_value(self, value):
        if isinstance(value, list):
            return json.dumps([d.as_json() for d in value], ensure_ascii=False)
        return value or "[]"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["printed"] = self.printed
        context["articles"] = self.articles
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's templates (with the admin's), not the form renderer's own folders.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))


class PageFilesRegionsForm(PageAdminForm):
    """The page form with its printed page: new image, new PDF, the regions."""

    image_upload = forms.ImageField(
        label=_("New page image"),
        required=False,
        help_text=_("JPEG, PNG or WebP of the whole page; replaces the page image."),
    )
    pdf_upload = forms.FileField(
        label=_("New page PDF"),
        required=False,
        help_text=_("The page as a PDF of one page; replaces the page PDF."),
    )
    regions = forms.CharField(
        label=_("Regions"),
        required=False,
        widget=RegionEditorWidget,
        help_text=_(
            "Draw each article's area on the page image and choose its article: readers "
            "click it on the page view."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        self.region_changes = (0, 0, 0)
        #: ("added" | "changed" | "deleted", which region) for the admin log.
        self.region_log: list[tuple[str, str]] = []
        self.initial_regions: list[Drawn] = []
        self.articles: list[Article] = []
        if page.pk:
            stored = page.regions.order_by("order")
            self.initial_regions = [d for d in (drawn_of(r, page) for r in stored) if d]
            self.articles = list(page_articles(page))
        self.initial["regions"] = self.initial_regions
        widget = self.fields["regions"].widget
        widget.printed = display.printed_page(page) if page.pk else None
        widget.articles = self.articles
        if widget.printed is None:
            self.fields["regions"].help_text = _(
                "Regions are drawn on the page image: upload one (or a PDF) first."
            )

    def clean_pdf_upload(self):
        upload = self.cleaned_data.get("pdf_upload")
        if not upload:
            return upload
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        data = upload.read()
        upload.seek(0)
        try:
            if not data.startswith(b"%PDF-"):
                raise PyPdfError
            upload.page_count = len(PdfReader(io.BytesIO(data)).pages)
        except (PyPdfError, ValueError, OSError):
            raise forms.ValidationError(
                _("This file is not a PDF that can be read."), code="invalid_pdf"
            ) from None
        if not upload.page_count:
            raise forms.ValidationError(_("This PDF has no pages."), code="empty_pdf")
        return upload

    def clean_regions(self):
        raw = self.data.get(self.add_prefix("regions"))
        if raw is None:  # a form posted without the editor: the regions stay as they are
            return None
        drawn = parse(raw, {article.pk for article in self.articles})
        if [d.key() for d in drawn] == [d.key() for d in self.initial_regions]:
            return None
        before = {d.id: d for d in self.initial_regions}
        kept = {d.id for d in drawn if d.id in before}
        titles = {article.pk: article.title for article in self.articles}

        def label(number: int, region: Drawn) -> str:
            return f"{number} · {titles.get(region.article, '—')}"

        for number, region in enumerate(drawn, start=1):
            if region.id not in before:
                self.region_log.append(("added", label(number, region)))
            elif region.key() != before[region.id].key():
                self.region_log.append(("changed", label(number, region)))
        for number, region in enumerate(self.initial_regions, start=1):
            if region.id not in kept:
                self.region_log.append(("deleted", label(number, region)))
        kinds = [kind for kind, _ in self.region_log]
        self.region_changes = tuple(kinds.count(k) for k in ("added", "changed", "deleted"))
        return drawn

    def region_note(self) -> str:
        added, changed, deleted = self.region_changes
        parts = []
        if added:
            parts.append(gettext("%(count)d drawn") % {"count": added})
        if changed:
            parts.append(gettext("%(count)d changed") % {"count": changed})
        if deleted:
            parts.append(gettext("%(count)d deleted") % {"count": deleted})
        return gettext("Regions: %(changes)s") % {"changes": ", ".join(parts)} if parts else ""


def _stored_name(page: Page, data: bytes, original: str, default_suffix: str) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    suffix = posixpath.splitext(original)[1].lower() or default_suffix
    label = "".join(ch for ch in (page.label or str(page.number)) if ch.isalnum()) or "page"
    return f"{label}-{sha[:16]}{suffix}", sha


def store_uploads(page: Page, form: PageFilesRegionsForm) -> bool:
    """Put a new image or PDF on the page (not yet saved); True when one came.

    The old files stay in the storage: the page's history still names them, and a
    revert to an older version must find its image.
    """
    came = False
    image = form.cleaned_data.get("image_upload")
    if image:
        data = image.read()
        name, sha = _stored_name(page, data, image.name, ".jpg")
        page.image.save(name, ContentFile(data), save=False)
        page.image_sha256 = sha
        page.image_width, page.image_height = image.image.size  # read by the ImageField
        came = True
    pdf = form.cleaned_data.get("pdf_upload")
    if pdf:
        data = pdf.read()
        name, sha = _stored_name(page, data, pdf.name, ".pdf")
        page.pdf.save(name, ContentFile(data), save=False)
        page.pdf_sha256 = sha
        page.pdf_page_count = pdf.page_count
        came = True
    return came


def save_regions(page: Page, drawn: list[Drawn]) -> None:
    """Replace the page's regions with the editor's, noted as drawn by an editor."""
    with transaction.atomic():
        Region.objects.filter(page_id=page.pk).delete()
        Region.objects.bulk_create(
            Region(
                page=page,
                article_id=d.article,
                shape=d.shape,
                points=[round(v * SCALE) for point in d.points for v in point],
                width=SCALE,
                height=SCALE,
                order=order,
            )
            for order, d in enumerate(drawn, start=1)
        )
        note_origin(page, Origin.EDITOR, count=len(drawn))


def with_region_origin(queryset):
    return queryset.annotate(has_regions=Exists(Region.objects.filter(page_id=OuterRef("pk"))))


def origin_label(page: Page) -> str:
    noted = ((page.printed or {}).get("regions") or {}).get("from", "")
    if noted in (Origin.DETECTED, Origin.EDITOR) and getattr(page, "has_regions", True):
        return Origin(noted).label
    if getattr(page, "has_regions", False):
        return Origin.SOURCE.label
    return Origin.NONE.label


class RegionOriginFilter(admin.SimpleListFilter):
    """Which pages have regions from the source, from detection, drawn by editors, or none."""

    title = _("regions")
    parameter_name = "regions"

    def lookups(self, request, model_admin):
        return Origin.choices

    def queryset(self, request, queryset):
        noted = "printed__regions__from"
        value = self.value()
        if value == Origin.NONE:
            return queryset.filter(has_regions=False)
        if value in (Origin.DETECTED, Origin.EDITOR):
            return queryset.filter(has_regions=True, **{noted: value})
        if value == Origin.SOURCE:
            untold = Q(**{f"{noted}__isnull": True}) | Q(**{noted: Origin.SOURCE})
            return queryset.filter(untold, has_regions=True)
        return queryset
