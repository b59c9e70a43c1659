"""Build the full-text index anew, beside the live one, and swap it in.

Readers keep searching the old index meanwhile. Interrupted, it resumes where it
stopped (``--restart`` starts over). ``--pending`` only indexes the articles the
database triggers queued (writes made outside the ORM's saves and imports).
"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from editions.search import search_index_flush
from editions.search.indexing import pending_count
from editions.search.rebuild import BATCH, rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index without taking search offline."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH,
            help=f"articles per segment (default {BATCH}; less memory with fewer)",
        )
        parser.add_argument("--restart", action="store_true", help="drop a half-built index")
        parser.add_argument("--pending", action="store_true", help="only the queued articles")

    def handle(self, *args, batch_size, restart, pending, verbosity, **options):
        if pending:
            queued = pending_count()
            taken = search_index_flush()
            if verbosity:
                self.stdout.write(f"Indexed {taken} of {queued} queued articles.")
            return
        bar = None

        def start(done: int, remaining: int) -> None:
            nonlocal bar
            if verbosity:
                if done:
                    self.stdout.write(f"Resuming after {done} articles already indexed.")
                bar = tqdm(total=done + remaining, initial=done, unit=" articles")

        total = rebuild(
            batch_size=max(1, batch_size),
            restart=restart,
            on_start=start,
            progress=lambda n: bar.update(n) if bar else None,
        )
        if bar:
            bar.close()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"The search index holds {total} articles."))
