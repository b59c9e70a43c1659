"""The record of each import run: its options, progress, counts and failures."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .papers import Paper


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
