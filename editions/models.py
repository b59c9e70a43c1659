"""The digital edition: a Paper (one title of a newspaper group) prints an
Edition a day (sometimes more: a 号外, an evening edition); an Edition has Pages
(版), each Page belongs to one of its paper's Sections and carries Articles in
page order.

Identity lives in named database constraints (paper, date and edition code;
page number within an edition; article position within a page): re-imports and
concurrent imports rely on them to update rows in place instead of duplicating
them, which also keeps readers' bookmarks stable.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin
from simple_history.models import HistoricalRecords

from . import body as body_format
from . import links
from .converters import EDITION_CODE_REGEX, PAPER_CODE_REGEX
from .search.queryset import SearchQuerySetMixin

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


def section_slug(name: str) -> str:
    """An ASCII slug for a section name: pinyin for Chinese (要闻 -> yao-wen)."""
    slug = slugify("-".join(lazy_pinyin(name)))
    return slug[:50] or "section"


#: Codes a paper cannot take: the first part of the site's other URLs.
RESERVED_PAPER_CODES = frozenset(
    {"admin", "api", "archive", "feeds", "healthz", "i18n", "media", "search", "sitemap", "static"}
)


def validate_paper_code(code: str) -> None:
    if code in RESERVED_PAPER_CODES:
        raise ValidationError(
            _("“%(code)s” is a reserved word of the site's addresses; choose another code."),
            params={"code": code},
            code="reserved",
        )


class PaperQuerySet(models.QuerySet):
    def listed(self):
        """The papers readers see."""
        return self.filter(is_listed=True)

    def count_subquery(self) -> models.Subquery:
        """The number of these papers, as a subquery another query can annotate with
        (the reader's masthead links to the titles' page only when there are several)."""
        grouped = self.order_by().annotate(one=models.Value(1)).values("one")
        return models.Subquery(grouped.annotate(total=models.Count("pk")).values("total")[:1])

    def editable_by(self, user):
        """The papers a staff member works on: all for a superuser, else those assigned."""
        if user.is_superuser:
            return self
        if not user.is_active or not user.is_staff:
            return self.none()
        return self.filter(editors=user)


class Paper(models.Model):
    """One title of the newspaper group (人民日报, 人民日报海外版): it prints the editions."""

    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[
            RegexValidator(
                f"^{PAPER_CODE_REGEX}$",
                _("Lower-case letters and digits, a letter first, 2 to 20 characters."),
            ),
            validate_paper_code,
        ],
        help_text=_(
            "Short ASCII name used in links and import paths (rmrb): lower-case letters "
            "and digits, a letter first. Changing it breaks readers' bookmarks."
        ),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("The masthead: 人民日报."))
    subtitle = models.CharField(
        _("subtitle"), max_length=200, blank=True, help_text=_("A slogan or motto, if any.")
    )
    language = models.CharField(
        _("language"),
        max_length=20,
        default="zh-Hans",
        help_text=_("The language the paper is printed in, as a BCP 47 tag: zh-Hans, zh-Hant."),
    )
    colour = models.CharField(
        _("masthead colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour such as #b8001f."))],
        help_text=_("The masthead's colour on readers' pages, as #rrggbb; empty for the default."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Papers are listed by this number, smallest first.")
    )
    is_listed = models.BooleanField(
        _("shown to readers"),
        default=True,
        help_text=_("Readers see the editions of listed papers only."),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="papers",
        verbose_name=_("editors"),
        help_text=_(
            "Staff members who may work on this paper in the editors' desk. "
            "Superusers may work on every paper."
        ),
    )

    objects = PaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="paper_unique_code"),
            models.UniqueConstraint(fields=["name"], name="paper_unique_name"),
            models.CheckConstraint(condition=~Q(code=""), name="paper_code_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Every page of the paper shows its name: its editions changed.
        Edition.objects.filter(paper=self).update(updated_at=timezone.now())

    def get_absolute_url(self) -> str:
        return links.paper_url(self)


class Section(models.Model):
    """A named part of a paper (要闻, 理论特刊) that its pages belong to."""

    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="sections", verbose_name=_("paper")
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("As printed in the page name, without its number: 理论特刊 for 理论特刊 ④."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=60,
        help_text=_("ASCII name used in links and filters; made from the pinyin of the name."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["paper", "name"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "name"], name="section_unique_name"),
            models.UniqueConstraint(fields=["paper", "slug"], name="section_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # A renamed section shows on every page of it: those editions changed.
        Edition.objects.filter(pages__section=self).update(updated_at=timezone.now())


def lock_edition(edition_id: int | None) -> None:
    """Take the edition's row lock before writing anything inside it.

    Every writer — an import, an editor's save of an article or a page — locks
    the edition first and its pages and articles after, in that one order, so
    two of them wait for each other instead of deadlocking on PostgreSQL (an
    import holding the edition and wanting the article an editor holds). A
    no-op on SQLite, whose writers are serialised anyway.
    """
    if edition_id is not None and connection.features.has_select_for_update:
        list(Edition.objects.select_for_update().filter(pk=edition_id).values_list("pk"))


#: The permission that lets a staff member see unpublished editions as readers will.
PREVIEW_PERMISSION = "editions.preview_edition"


class EditionQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: the one rule reused by views, feeds, sitemaps and the API."""
        return self.filter(is_published=True, paper__is_listed=True)

    def visible_to(self, user):
        """What ``user`` may read: the published editions, and for a staff member with the
        preview permission also the unpublished ones of the papers they work on."""
        if not user.has_perm(PREVIEW_PERMISSION):
            return self.published()
        papers = Paper.objects.editable_by(user)
        return self.filter(Q(is_published=True, paper__is_listed=True) | Q(paper__in=papers))


class Edition(models.Model):
    """One edition of a paper: the day's paper, or another edition of that day (号外)."""

    paper = models.ForeignKey(
        Paper, on_delete=models.PROTECT, related_name="editions", verbose_name=_("paper")
    )
    date = models.DateField(_("date"), help_text=_("The publication date of the printed paper."))
    code = models.CharField(
        _("edition code"),
        max_length=20,
        blank=True,
        default="",
        validators=[
            RegexValidator(
                f"^{EDITION_CODE_REGEX}$",
                _("Lower-case letters and digits, a letter first, up to 20 characters."),
            )
        ],
        help_text=_(
            "Empty for the day's regular edition. Another edition of the same day (a 号外, "
            "an evening edition) has a short ASCII code, such as haowai, used in its links."
        ),
    )
    name = models.CharField(
        _("edition name"),
        max_length=50,
        blank=True,
        help_text=_("How another edition of the day is called: 号外, 特刊, 晚间版."),
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Readers see published editions only; staff can preview the others."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(
        _("updated"),
        default=timezone.now,
        help_text=_("Last change to the edition or anything in it; drives readers' caches."),
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-date", "paper_id", "code"]
        get_latest_by = "date"
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "date", "code"], name="edition_unique_paper_date_code"
            ),
        ]
        indexes = [models.Index(fields=["paper", "is_published", "date"], name="edition_reading")]
        permissions = [
            ("publish_edition", _("Can publish and withdraw editions")),
            ("preview_edition", _("Can preview unpublished editions")),
        ]

    def __str__(self) -> str:
        paper = self.paper.name if self.paper_id else ""
        return " ".join(part for part in (paper, self.date.isoformat(), self.name) if part)

    def save(self, *args, **kwargs):
        if self.pk:
            self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return links.edition_url(self)

    @property
    def key(self) -> links.EditionKey:
        return links.EditionKey.of(self)

    def get_headlines_url(self) -> str:
        return links.edition_url(self, "headlines")

    def get_previous_url(self) -> str:
        return links.edition_url(self, "previous-edition")

    def get_next_url(self) -> str:
        return links.edition_url(self, "next-edition")

    def get_archive_url(self) -> str:
        """The month of this edition in its paper's 往期阅读."""
        return links.paper_url(
            self.paper, "archive-month", year=self.date.year, month=self.date.month
        )

    def touch(self) -> None:
        """Mark the edition changed now, so cached copies of its pages go stale."""
        self.updated_at = timezone.now()
        Edition.objects.filter(pk=self.pk).update(updated_at=self.updated_at)


def page_file_path(page: Page, filename: str) -> str:
    """Where a page's image or PDF is stored: under its paper's code and its edition's date.

    The importer names the file by page label and content hash (``01-3fa2….jpg``), so a
    changed file gets a new name (no stale copy in a browser or CDN cache) and the same
    file keeps its name.
    """
    edition = page.edition
    folder = edition.date.isoformat() + (f"-{edition.code}" if edition.code else "")
    return f"pages/{edition.paper.code}/{folder}/{filename}"


def photo_file_path(photo: Photo, filename: str) -> str:
    """Where an article's photo is stored: beside its page's files."""
    edition = photo.article.page.edition
    folder = edition.date.isoformat() + (f"-{edition.code}" if edition.code else "")
    return f"photos/{edition.paper.code}/{folder}/{filename}"


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


class ArticleQuerySet(SearchQuerySetMixin, models.QuerySet):
    def published(self):
        """Articles of published editions: the reader-visible subset."""
        return self.filter(page__edition__in=Edition.objects.published())

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
            super().save(*args, **kwargs)
            self.sync_continuations()
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

    def sync_continuations(self) -> None:
        """Point continued_on at the pages the body jumps to (after a correction, too)."""
        numbers = self.page_numbers[1:]
        pages = Page.objects.filter(edition_id=self.page.edition_id, number__in=numbers)
        self.continued_on.set(pages)


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


class ImportRunQuerySet(models.QuerySet):
    def unfinished(self):
        return self.filter(status__in=(ImportRun.State.QUEUED, ImportRun.State.RUNNING))

    def stale(self, seconds: int):
        """Runs said to be running whose worker has not been heard of for ``seconds``:
        the process was killed (kill -9, an out-of-memory kill, a restart)."""
        cutoff = timezone.now() - datetime.timedelta(seconds=seconds)
        return self.filter(status=ImportRun.State.RUNNING).filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )


class ImportRun(models.Model):
    """A record of one import, from the command line or the admin, and its progress."""

    class Source(models.TextChoices):
        COMMAND = "command", _("import_pages command")
        ADMIN = "admin", _("admin upload")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=State.choices,
        default=State.RUNNING,
        help_text=_("Uploads wait in a queue for a worker; the command runs at once."),
    )
    paper = models.ForeignKey(
        Paper,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("paper"),
        help_text=_("The paper imported into; empty when the files named several."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("user"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    paths = models.TextField(_("paths"), blank=True, help_text=_("What was imported."))
    options = models.JSONField(_("options"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    files = models.PositiveIntegerField(_("files"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    failures = models.JSONField(
        _("failures"), default=list, blank=True, help_text=_("One “path: reason” per failed file.")
    )
    results = models.JSONField(
        _("results"),
        default=list,
        blank=True,
        help_text=_("Each file's [name, status, detail], for the upload's report."),
    )
    files_total = models.PositiveIntegerField(_("files in all"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Updated while the import runs; a run silent for long was stopped."),
    )
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="importrun_status")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        # An import that wrote its counts is over, whoever ran it.
        if self.finished_at and self.status in (self.State.QUEUED, self.State.RUNNING):
            self.status = self.State.FINISHED
        super().save(*args, **kwargs)

    @property
    def is_over(self) -> bool:
        return self.status not in (self.State.QUEUED, self.State.RUNNING)


from .api.models import ApiKey  # noqa: E402, F401  (the API's keys: models live in the app's module)
