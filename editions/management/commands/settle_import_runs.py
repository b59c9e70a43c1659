"""``manage.py settle_import_runs``: queue again, or mark failed, imports whose process died.

The admin does the same whenever the import records are looked at; run this from a
timer (deploy/ has one) so a killed worker's upload is retried even when nobody looks.
"""

from django.core.management.base import BaseCommand

from editions.jobs import STALE_SECONDS, settle_stale_runs


class Command(BaseCommand):
    help = "Retry or fail import runs whose worker or command stopped without finishing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--after",
            type=int,
            default=STALE_SECONDS,
            metavar="SECONDS",
            help=f"Silence after which a run is taken for dead (default {STALE_SECONDS}).",
        )

    def handle(self, *args, after, verbosity, **options):
        retried, failed = settle_stale_runs(after)
        if verbosity >= 1:
            self.stdout.write(f"{retried} queued again, {failed} marked failed.")
