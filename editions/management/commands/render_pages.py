"""render_pages: make the page images' display sizes, thumbnails and the editions' PDFs."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from editions.models import Page
from editions.printed import render_pages_for


class Command(BaseCommand):
    help = (
        "Make the derivatives of page images and PDFs (display sizes, thumbnails, images "
        "rendered from PDFs, each edition's whole PDF). Idempotent: what is made is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--paper", help="only this paper's pages (its code)")
        parser.add_argument("--date", help="only the editions of this day (YYYY-MM-DD)")
        parser.add_argument("--force", action="store_true", help="make everything again")

    def handle(self, *args, paper=None, date=None, force=False, verbosity=1, **options):
        pages = Page.objects.exclude(image="", pdf="").select_related("edition__paper")
        if paper:
            pages = pages.filter(edition__paper__code=paper)
        if date:
            try:
                pages = pages.filter(edition__date=datetime.date.fromisoformat(date))
            except ValueError:
                message = f"--date {date!r} is not a date of the form 2024-08-02"
                raise CommandError(message) from None
        pages = list(pages.order_by("edition__paper__code", "edition__date", "number"))
        bar = tqdm(total=len(pages), unit="page", disable=verbosity < 1 or not pages)
        made = render_pages_for(pages, force=force, progress=lambda page: bar.update())
        bar.close()
        if verbosity:
            self.stdout.write(f"{len(pages)} pages looked at, {made} made.")
