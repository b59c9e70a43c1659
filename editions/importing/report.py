"""What an import did, file by file: the one place the outcomes are spelled.

The command prints it, the admin's upload page shows it, the ImportRun keeps its
counts. :class:`Status` is a ``StrEnum``, so a status compares equal to (and
prints as) its plain string: "created", "updated", "unchanged", "skipped", "failed".
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import ImportRun


class Status(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


class Kind(enum.StrEnum):
    """What a file was, for the summary's count by kind."""

    ARTICLE_VIEW = "article_view"
    PAGE_VIEW = "page_view"
    DUMP = "dump"
    IMAGE = "image"
    PDF = "pdf"
    OTHER = "other"  # a file that could not be read far enough to tell


@dataclass(frozen=True, slots=True)
class FileResult:
    name: str
    status: Status
    detail: str = ""
    kind: Kind = Kind.OTHER


@dataclass
class ImportReport:
    """What an import did, file by file; the command and the admin both show it."""

    dry_run: bool = False
    results: list[FileResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    #: Photos found in the articles imported (with or without their image file).
    photos: int = 0
    run: ImportRun | None = None

    def add(self, result: FileResult) -> None:
        self.results.append(result)
        self.counts[result.status] += 1
        self.kinds[result.kind] += 1

    @property
    def files(self) -> int:
        return len(self.results)

    created = property(lambda self: self.counts[Status.CREATED])
    updated = property(lambda self: self.counts[Status.UPDATED])
    unchanged = property(lambda self: self.counts[Status.UNCHANGED])
    skipped = property(lambda self: self.counts[Status.SKIPPED])
    failed = property(lambda self: self.counts[Status.FAILED])

    @property
    def failures(self) -> list[str]:
        return [f"{r.name}: {r.detail}" for r in self.results if r.status == Status.FAILED]

    def kind_summary(self) -> str:
        return _(
            "%(article_view)d article views, %(page_view)d page views, %(dump)d dumps, "
            "%(image)d images, %(pdf)d PDFs, %(photos)d photos."
        ) % {**{k.value: self.kinds[k] for k in Kind}, "photos": self.photos}

    def summary(self) -> str:
        text = _(
            "%(files)d files: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged, %(skipped)d skipped, %(failed)d failed."
        ) % {"files": self.files, **{s.value: self.counts[s] for s in Status}}
        if self.files:
            text += " " + self.kind_summary()
        if self.dry_run:
            text = _("Dry run, nothing written. ") + text
        return text
