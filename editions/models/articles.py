"""Articles, placed on the page where they start; their photos, and the regions
(热区) of page images that link to them.

An article keeps the text as last imported beside the text readers see, so an
editor's correction is told from the import and survives re-imports.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import body as body_format
from .. import links
from ..search.queryset import SearchQuerySetMixin
from .editions import lock_edition
from .pages import Page

#: The fields an editor corrects and an import writes; compared to tell a
#: correction from the imported text.
ARTICLE_TEXT_FIELDS = ("kicker", "title", "subtitle", "byline", "body")
#: The longest body an article may have, in characters: far above any printed story
#: (a full page of text is about 10,000), and small enough that the admin's form
#: posts it within Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB: a Chinese
#: character takes 9 bytes once form-encoded), so whatever an import accepts an
#: editor can save again.
ARTICLE_BODY_MAX_CHARS = 200_000


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """JSON that keeps Chinese as it is instead of \\uXXXX escapes: half the size,
    readable in the database, and far cheaper to send to PostgreSQL in bulk."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)


def _unix_lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def photo_file_path(photo: Photo, filename: str) -> str:
    """Where an article's photo is stored: beside its page's files."""
    edition = photo.article.page.edition
    folder = edition.date.isoformat() + (f"-{edition.code}" if edition.code else "")
    return f"photos/{edition.paper.code}/{folder}/{filename}"


class ArticleQuerySet(SearchQuerySetMixin, models.QuerySet):
    def published(self):
        """Articles of published editions: the reader-visible subset.

        Written as joins (the rule of ``Edition.objects.published()`` on the article's
        edition and paper), not ``edition IN (the published editions)``: SQLite makes
        that list anew for every statement, a cost that grows with the archive (15,000
        editions: several milliseconds for each search check of a few rows)."""
        return self.filter(page__edition__is_published=True, page__edition__paper__is_listed=True)

    def in_reading_order(self):
        return self.order_by("page__edition__date", "page__number", "position")


class Article(models.Model):
    """One article, placed on the page where it starts; it may continue on others."""

    page = models.ForeignKey(
        Page,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name=_("page"),
        help_text=_("The page where the article starts."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order of the headline on its page, from 1.")
    )
    kicker = models.CharField(
        _("kicker"),
        max_length=300,
        blank=True,
        help_text=_("引题: the short line above the title."),
    )
    title = models.CharField(_("title"), max_length=300)
    source_key = models.CharField(
        _("source key"),
        max_length=200,
        blank=True,
        help_text=_(
            "The article's file name without its suffix (content_548643): headline lists, "
            "page regions and files of the same edition link each other by it."
        ),
    )
    subtitle = models.CharField(
        _("subtitle"),
        max_length=300,
        blank=True,
        help_text=_("副题, without the leading dashes."),
    )
    byline = models.CharField(
        _("byline"), max_length=300, blank=True, help_text=_("本报记者 张三: the author credit.")
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Paragraphs are separated by a blank line. A line starting with “## ” is a "
            "subheading. A line “--- 第4版 ---” marks where the printed article jumps: "
            "what follows is printed on page 4. Empty until the article's own page file "
            "is imported."
        ),
    )
    continued_on = models.ManyToManyField(
        Page,
        blank=True,
        related_name="continued_articles",
        verbose_name=_("continued on"),
        help_text=_("Other pages the article is printed on; kept in step with the body."),
    )
    imported = models.JSONField(
        _("imported text"),
        default=dict,
        encoder=UnicodeJSONEncoder,
        blank=True,
        help_text=_("The text as last imported, kept beside any correction."),
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    is_corrected = models.BooleanField(
        _("corrected"),
        default=False,
        help_text=_("The text differs from the last import: re-imports leave it alone."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["imported", "updated_at"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["page__edition__date", "page__number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "position"], name="article_unique_position_per_page"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="article_position_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="article_title_not_empty"),
        ]
        indexes = [models.Index(fields=["page", "source_key"], name="article_source_key")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.is_corrected = self.differs_from_import()
        self.__dict__.pop("blocks", None)
        with transaction.atomic():
            lock_edition(self.page.edition_id)
            jumped = self._stored_jumps()
            super().save(*args, **kwargs)
            self.sync_continuations(jumped)
            self.page.edition.touch()

    def get_absolute_url(self) -> str:
        return links.edition_url(
            self.page.edition, "article", number=self.page.number, position=self.position
        )

    # The body's structure -------------------------------------------------

    @cached_property
    def blocks(self) -> list[body_format.BodyBlock]:
        """The body in reading order: paragraphs and subheads, each with its printed page."""
        return body_format.text_to_blocks(self.body, self.page.number)

    @property
    def page_numbers(self) -> list[int]:
        """The page numbers the article is printed on, in order: [2, 4] for a jump."""
        if "---" not in self.body and "blocks" not in self.__dict__:
            # No page mark (``--- 第4版 ---``), no jump: most articles, and an
            # import asks every one of them, so their body is not read here.
            return [self.page.number]
        return body_format.page_numbers(self.blocks, self.page.number)

    @property
    def has_body(self) -> bool:
        return bool(self.body.strip())

    # Corrections ----------------------------------------------------------

    def text_values(self) -> dict[str, str]:
        return {field: getattr(self, field) for field in ARTICLE_TEXT_FIELDS}

    def differs_from_import(self) -> bool:
        if not self.imported:
            return False
        # Browsers post textareas with CRLF: a line end is no correction.
        return any(
            _unix_lines(self.imported.get(f, "")) != _unix_lines(v)
            for f, v in self.text_values().items()
        )

    def sync_continuations(self, jumped: Iterable[int] = ()) -> None:
        """Point continued_on at the pages the body jumps to (after a correction, too).

        A page the story is printed again on (the import found its copy there) is no
        jump of the body, and stays; ``jumped`` are the pages the body jumped to
        before this change, which go unless the body still jumps there.
        """
        numbers = set(self.page_numbers[1:])
        gone = set(jumped) - numbers
        printed_again = {
            number
            for number in self.continued_on.values_list("number", flat=True)
            if number not in gone and number != self.page.number
        }
        pages = Page.objects.filter(
            edition_id=self.page.edition_id, number__in=numbers | printed_again
        )
        self.continued_on.set(pages)

    def _stored_jumps(self) -> set[int]:
        """The pages the body as stored (before a save) jumps to."""
        if self.pk is None or self._state.adding:
            return set()
        stored = Article.objects.filter(pk=self.pk).values_list("body", "page__number").first()
        if stored is None:
            return set()
        body, number = stored
        blocks = body_format.text_to_blocks(body, number)
        return set(body_format.page_numbers(blocks, number)[1:])


class Region(models.Model):
    """One clickable area (热区) of a page image: where an article is printed on the page.

    ``points`` are the coordinates as the page view's image map wrote them (x, y pairs;
    for a rect, two corners), in a space of ``width`` × ``height`` pixels (the size the
    e-paper showed the image at, else the image's own size): so the region stays right
    whatever size a reader's screen shows the page at (:attr:`fractions`).
    """

    class Shape(models.TextChoices):
        RECT = "rect", _("rectangle")
        POLYGON = "polygon", _("polygon")
        CIRCLE = "circle", _("circle")

    page = models.ForeignKey(
        Page, on_delete=models.CASCADE, related_name="regions", verbose_name=_("page")
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="regions",
        verbose_name=_("article"),
    )
    article_key = models.CharField(
        _("article key"),
        max_length=200,
        blank=True,
        help_text=_("The article file the region links to; it finds the article once imported."),
    )
    shape = models.CharField(_("shape"), max_length=10, choices=Shape.choices)
    points = models.JSONField(_("points"), default=list)
    width = models.PositiveIntegerField(
        _("coordinate width"), null=True, blank=True, help_text=_("Empty: the image's width.")
    )
    height = models.PositiveIntegerField(
        _("coordinate height"), null=True, blank=True, help_text=_("Empty: the image's height.")
    )
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        verbose_name = _("page region")
        verbose_name_plural = _("page regions")
        ordering = ["page", "order"]
        constraints = [
            models.UniqueConstraint(fields=["page", "order"], name="region_unique_order_per_page"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id and self.page} {self.get_shape_display()} {self.order}"

    @property
    def fractions(self) -> list[float] | None:
        """The points as fractions (0..1) of the page's width and height; None if unknown."""
        width = self.width or self.page.image_width
        height = self.height or self.page.image_height
        if not width or not height:
            return None
        if self.shape == self.Shape.CIRCLE and len(self.points) == 3:
            x, y, r = self.points
            return [x / width, y / height, r / width]
        return [
            min(1.0, max(0.0, value / (height if index % 2 else width)))
            for index, value in enumerate(self.points)
        ]


class Photo(models.Model):
    """A picture printed with an article, with its caption, in the article's order."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="photos", verbose_name=_("article")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    caption = models.TextField(_("caption"), blank=True)
    src = models.CharField(
        _("source"), max_length=500, blank=True, help_text=_("The image's link as imported.")
    )
    image = models.FileField(
        _("image"), upload_to=photo_file_path, max_length=255, null=True, blank=True
    )
    image_sha256 = models.CharField(_("image SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["article", "order"]
        constraints = [
            models.UniqueConstraint(fields=["article", "order"], name="photo_unique_order"),
        ]

    def __str__(self) -> str:
        return self.caption[:40] or self.src.rsplit("/", 1)[-1] or f"photo {self.order}"
