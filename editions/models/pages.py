"""Pages (版) of an edition, with their image and PDF; where their files are stored."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import links
from .editions import Edition, lock_edition
from .papers import Section


def page_file_path(page: Page, filename: str) -> str:
    """Where a page's image or PDF is stored: under its paper's code and its edition's date.

    The importer names the file by page label and content hash (``01-3fa2….jpg``), so a
    changed file gets a new name (no stale copy in a browser or CDN cache) and the same
    file keeps its name.
    """
    edition = page.edition
    folder = edition.date.isoformat() + (f"-{edition.code}" if edition.code else "")
    return f"pages/{edition.paper.code}/{folder}/{filename}"


class PageQuerySet(models.QuerySet):
    def with_article_total(self):
        """Pages with their edition and section at hand and ``article_total`` counted."""
        return self.select_related("edition__paper", "section").annotate(
            article_total=models.Count("articles")
        )


class Page(models.Model):
    """One printed page (版) of an edition."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="pages", verbose_name=_("edition")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Order of the page in the edition, from 1.")
    )
    label = models.CharField(
        _("label"), max_length=10, help_text=_("The page number as printed: 02, A01.")
    )
    name = models.CharField(
        _("page name"), max_length=100, blank=True, help_text=_("版名 as printed: 理论特刊 ④.")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pages",
        verbose_name=_("section"),
    )
    editor = models.CharField(
        _("page editor"),
        max_length=100,
        blank=True,
        help_text=_("From the page's credit line (本版责编), when printed."),
    )
    image = models.FileField(
        _("page image"),
        upload_to=page_file_path,
        max_length=255,
        blank=True,
        help_text=_("The page as printed (the large image of an e-paper's page view)."),
    )
    image_width = models.PositiveIntegerField(_("image width"), null=True, blank=True)
    image_height = models.PositiveIntegerField(_("image height"), null=True, blank=True)
    image_sha256 = models.CharField(
        _("image SHA-256"),
        max_length=64,
        blank=True,
        help_text=_("The stored image's content hash: the same file is never stored twice."),
    )
    pdf = models.FileField(_("page PDF"), upload_to=page_file_path, max_length=255, blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    pdf_page_count = models.PositiveSmallIntegerField(_("PDF pages"), null=True, blank=True)
    # --- the printed page's derivatives (editions/printed, made by render_pages) ---------
    printed = models.JSONField(
        _("printed page derivatives"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "Made by render_pages from the image or PDF: display sizes, thumbnail, the image "
            "rendered from the PDF, where the regions came from. Never edited by hand."
        ),
    )
    # --- end of the printed page's derivatives --------------------------------------------
    history = HistoricalRecords(excluded_fields=["printed"])

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["edition__date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="page_unique_number_per_edition"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="page_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.edition_id and self.edition} 第{self.label}版 {self.name}".strip()

    def save(self, *args, **kwargs):
        with transaction.atomic():
            lock_edition(self.edition_id)
            super().save(*args, **kwargs)
            self.edition.touch()

    def get_absolute_url(self) -> str:
        return links.edition_url(self.edition, "page", number=self.number)
