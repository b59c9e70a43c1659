"""Editions: the day's paper of one title, or another edition of that day (号外).

An edition's row is also the lock every writer takes first (:func:`lock_edition`),
and its ``updated_at`` is what readers' caches go by.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import links
from ..converters import EDITION_CODE_REGEX
from .papers import Paper


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

    def touch(self) -> int:
        """Mark these editions changed now: readers' cached pages key on ``updated_at``.
        For changes no edition's save sees (a renamed paper or section, a deleted row)."""
        return self.update(updated_at=timezone.now())


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
