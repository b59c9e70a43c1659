"""Attaching page images, PDFs and photos: each file to the page or photo it is.

A file belongs to the page whose page view links it (the link resolved against the
page view's own folder), else to the photo of an article that shows it, else to the
page its own name names (``KJRB2023021001_b.jpg``, ``page02.jpg``, ``02版.pdf``). It
is stored through Django's storage API (``default_storage``, whatever backend the
settings give), named by page label and content hash: the same file re-imported is
not stored again, a changed one replaces the old (deleted once the row points at
the new one).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files import File
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..models import Page, Paper, Photo
from ..parsing import label_key
from ..parsing.labels import label_value
from ..sources import RawFile
from .media import IMAGE, PDF, Probe, page_of_name, path_key, probe
from .prepare import ImportFileError, PaperFinder, one_line, resolve_date
from .report import FileResult, Kind, Status


@dataclass(frozen=True, slots=True)
class PageLink:
    """A page view's link to its image or PDF."""

    paper: Paper
    date: datetime.date
    number: int
    label: str
    kind: str  # IMAGE or PDF


class _Rollback(Exception):
    pass


class FileWriter:
    """Attach one page image or PDF after another, each in its own transaction."""

    def __init__(self, writer, find_paper: PaperFinder, given_date: datetime.date | None):
        self.writer = writer  # the BatchWriter: options, user, edition code
        self.find_paper = find_paper
        self.given_date = given_date
        self.links: dict[str, PageLink] = {}
        self.photos: dict[str, list[int]] = {}

    def link_page(self, path: str | None, link: PageLink) -> None:
        if path:
            self.links[path] = link

    def link_photos(self, pairs) -> None:
        for path, pk in pairs:
            self.photos.setdefault(path, []).append(pk)

    def write(self, raw: RawFile) -> FileResult:
        kind = Kind.PDF if raw.name.lower().endswith(".pdf") else Kind.IMAGE
        if raw.opener is None:
            return FileResult(raw.name, Status.FAILED, raw.error or "cannot be read", kind)
        try:
            with raw.opener() as handle:
                found = probe(handle, raw.name)
                status, detail = self._attach(raw.name, found, handle)
        except ImportFileError as exc:
            return FileResult(raw.name, Status.FAILED, str(exc), kind)
        except DatabaseError as exc:
            return FileResult(raw.name, Status.FAILED, one_line(f"database error: {exc}"), kind)
        except OSError as exc:
            return FileResult(raw.name, Status.FAILED, one_line(exc.strerror or str(exc)), kind)
        return FileResult(raw.name, status, detail, kind)

    # Which page or photo ----------------------------------------------------

    def _attach(self, name: str, found: Probe, handle) -> tuple[Status, str]:
        key = path_key(name)
        link = self.links.get(key)
        if link is not None and link.kind == found.kind:
            return self._to_page(link.paper, link.date, link.number, link.label, found, handle)
        photos = self.photos.get(key)
        if photos and found.kind == IMAGE:
            return self._to_photos(photos, found, handle)
        named = page_of_name(name)
        if named is None:
            return Status.SKIPPED, _(
                "linked from no page view or article, and its name names no page"
            )
        if named.thumbnail:
            return Status.SKIPPED, _("a thumbnail (_s); the large page image is kept")
        date = named.date or resolve_date(name, None, self.given_date)
        if self.given_date:
            date = self.given_date
        paper = self.find_paper(name)
        return self._to_page(paper, date, None, named.label, found, handle)

    def _to_page(self, paper, date, number, label, found: Probe, handle) -> tuple[Status, str]:
        field = "image" if found.kind == IMAGE else "pdf"
        result: tuple[Status, str] = (Status.UNCHANGED, "")
        stored: list[str] = []
        try:
            with transaction.atomic():
                edition = self.writer.lock({(paper.pk, date): paper})[(paper.pk, date)].edition
                page = _page(edition, number, label)
                if page.pk is None and not self.writer.dry_run:
                    page.save()
                if getattr(page, f"{field}_sha256") == found.sha256 and getattr(page, field):
                    return Status.UNCHANGED, ""
                old = getattr(page, field).name if getattr(page, field) else ""
                result = (Status.UPDATED if old else Status.CREATED, "")
                if self.writer.dry_run:
                    raise _Rollback
                filename = f"{_safe(page.label)}-{found.sha256[:16]}{found.suffix}"
                getattr(page, field).save(filename, File(handle, name=filename), save=False)
                stored.append(getattr(page, field).name)
                setattr(page, f"{field}_sha256", found.sha256)
                fields = [field, f"{field}_sha256"]
                if found.kind == IMAGE:
                    page.image_width, page.image_height = found.width, found.height
                    fields += ["image_width", "image_height"]
                else:
                    page.pdf_page_count = found.pages
                    fields.append("pdf_page_count")
                bulk_update_with_history(
                    [page],
                    Page,
                    fields,
                    default_user=self.writer.user,
                    default_change_reason="import",
                )
                edition.touch()
                if old and old != stored[0]:
                    storage = getattr(page, field).storage
                    transaction.on_commit(lambda: storage.delete(old))
        except _Rollback:
            pass
        except BaseException:
            for name in stored:  # the row does not point at it: no orphan in the store
                Page._meta.get_field(field).storage.delete(name)
            raise
        return result

    def _to_photos(self, pks: list[int], found: Probe, handle) -> tuple[Status, str]:
        photos = [
            p
            for p in Photo.objects.filter(pk__in=pks).select_related(
                "article__page__edition__paper"
            )
            if p.image_sha256 != found.sha256 or not p.image
        ]
        if not photos:
            return Status.UNCHANGED, ""
        if self.writer.dry_run:
            return Status.CREATED, ""
        stored = None
        status = Status.CREATED
        with transaction.atomic():
            for photo in photos:
                old = photo.image.name if photo.image else ""
                status = Status.UPDATED if old else status
                if stored is None:
                    handle.seek(0)
                    filename = f"{found.sha256[:16]}{found.suffix}"
                    photo.image.save(filename, File(handle, name=filename), save=False)
                    stored = photo.image.name
                else:
                    photo.image.name = stored
                photo.image_sha256 = found.sha256
            Photo.objects.bulk_update(photos, ["image", "image_sha256"])
        return status, ""


def _page(edition, number: int | None, label: str) -> Page:
    """The edition's page by number (a page view's link) or by printed label (a file name)."""
    pages = list(edition.pages.all())
    if number is not None:
        for page in pages:
            if page.number == number:
                return page
    for page in pages:
        if label_key(page.label) == label_key(label):
            return page
    number = number or label_value(label)
    if not number:
        raise ImportFileError(f"no page {label} in the edition")
    return Page(edition=edition, number=number, label=label or f"{number:02d}")


def _safe(label: str) -> str:
    return "".join(c for c in label if c.isascii() and c.isalnum()) or "page"


__all__ = ["PDF", "FileWriter", "PageLink"]
