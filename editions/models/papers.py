"""Papers (one title of a newspaper group) and their sections (要闻, 理论特刊).

A paper's code is the first part of its links, so it is checked against the
site's own addresses; a section's slug is made from the pinyin of its name.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin
from simple_history.models import HistoricalRecords

from .. import links
from ..converters import PAPER_CODE_REGEX


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
        from .editions import Edition  # editions.py imports this module

        Edition.objects.filter(paper=self).touch()

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
        from .editions import Edition  # editions.py imports this module

        Edition.objects.filter(pages__section=self).touch()
