"""``manage.py import_pages PATH [PATH ...]``: bulk-load raw page files.

A thin shell around :func:`editions.importing.pages_import`: it turns arguments
into options, shows progress, prints one line per failed or skipped file and a
summary, and exits non-zero when any file failed.
"""

import argparse
import datetime
import re
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from editions.converters import EDITION_CODE_REGEX
from editions.importing import Status, new_run, pages_import
from editions.importing.run import run_options
from editions.models import ImportRun, Paper
from editions.sources import iter_path_sources, printable

#: How often a running import says it is alive on its record (seconds): a record
#: silent for much longer belongs to a process that was killed.
HEARTBEAT_SECONDS = 5


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(date_problem(value)) from exc


def date_problem(value: str) -> str:
    return f"--date {printable(value)!r} is not a date in the form YYYY-MM-DD."


def date_argument(value: str) -> datetime.date:
    """``--date`` as argparse reads it: a bad date is a usage error, not a traceback."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(date_problem(value)) from None


def find_paper(code: str | None) -> Paper | None:
    """The paper named by ``--paper``; an unknown code stops the run before anything is written."""
    if not code:
        return None
    try:
        return Paper.objects.get(code=code.lower())
    except Paper.DoesNotExist:
        known = ", ".join(Paper.objects.values_list("code", flat=True)) or "none yet"
        raise CommandError(
            f"--paper {code!r} is not a known paper (known: {known}). "
            "Add one with: manage.py create_paper CODE NAME"
        ) from None


def edition_options(options) -> tuple[str, str]:
    code = (options.get("edition_code") or "").strip().lower()
    name = (options.get("edition_name") or "").strip()
    if name and not code:
        raise CommandError("--edition-name needs --edition CODE.")
    if code and not re.fullmatch(EDITION_CODE_REGEX, code):
        raise CommandError(
            f"--edition {code!r}: use lower-case letters and digits, a letter first "
            "(up to 20 characters)."
        )
    return code, name


class Command(BaseCommand):
    help = (
        "Import raw page files of the digital edition. PATH is a file, a folder "
        "(searched for .txt, .htm, .html) or a .zip archive. Re-importing changes "
        "nothing; articles corrected by editors are kept unless --overwrite-corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--paper",
            metavar="CODE",
            help=(
                "The paper every file belongs to (its code, e.g. rmrb). Without it, a "
                "paper's code in a file's path decides, else the only paper there is."
            ),
        )
        parser.add_argument(
            "--edition",
            metavar="CODE",
            default="",
            dest="edition_code",
            help=(
                "Import into another edition of the day than the regular one, such as "
                "haowai for a 号外 (lower-case letters and digits)."
            ),
        )
        parser.add_argument(
            "--edition-name",
            default="",
            help="The name readers see for that edition (号外, 特刊); with --edition.",
        )
        parser.add_argument(
            "--date",
            type=date_argument,
            help="Edition date YYYY-MM-DD for every file (else taken from the path or the file).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Parse and validate everything, report what would happen, write nothing.",
        )
        parser.add_argument(
            "--unpublished",
            action="store_true",
            help="Leave editions this import creates unpublished (hidden from readers).",
        )
        parser.add_argument(
            "--overwrite-corrections",
            action="store_true",
            help="Replace articles that editors corrected with the imported text.",
        )

    def handle(self, *args, **options):
        paths = options["paths"]
        verbosity = options["verbosity"]
        date = options["date"]
        if isinstance(date, str):  # call_command(date="...") skips argparse's type
            date = iso_date(date)
        paper = find_paper(options["paper"])
        edition_code, edition_name = edition_options(options)
        show_bar = verbosity >= 1 and sys.stderr.isatty()
        bar = tqdm(unit="file", desc="import", disable=not show_bar, leave=False)

        # A path given on the command line may not be valid UTF-8 (a mirror saved on
        # another system): it is shown and recorded escaped, and read as given.
        label = "\n".join(printable(str(path)) for path in paths)
        run = new_run(
            source=ImportRun.Source.COMMAND,
            paper=paper,
            label=label,
            dry_run=options["dry_run"],
            options=run_options(
                date=date,
                edition_code=edition_code,
                publish=not options["unpublished"],
                overwrite=options["overwrite_corrections"],
            ),
        )
        alive = {"at": time.monotonic(), "files": 0}

        def on_result(result):
            bar.update(1)
            alive["files"] += 1
            if time.monotonic() - alive["at"] >= HEARTBEAT_SECONDS:
                alive["at"] = time.monotonic()
                run.heartbeat_at = timezone.now()  # kept by the final save too
                ImportRun.objects.filter(pk=run.pk).update(
                    heartbeat_at=run.heartbeat_at, files=alive["files"]
                )
            if result.status == Status.FAILED:
                bar.clear()
                self.stderr.write(f"{result.name}: {result.detail}")
            elif result.status == Status.SKIPPED and verbosity >= 1:
                bar.clear()
                self.stdout.write(f"{result.name}: skipped, {result.detail}")
            elif verbosity >= 2:
                self.stdout.write(f"{result.name}: {result.status}")

        try:
            report = pages_import(
                iter_path_sources(paths),
                paper=paper,
                edition_code=edition_code,
                edition_name=edition_name,
                date=date,
                dry_run=options["dry_run"],
                publish=not options["unpublished"],
                overwrite=options["overwrite_corrections"],
                on_result=on_result,
                run=run,
            )
        finally:
            bar.close()

        if verbosity >= 1:
            self.stdout.write(report.summary())
        if report.files == 0:
            raise CommandError("No raw page files found in " + label.replace("\n", ", ") + ".")
        if report.failed:
            raise CommandError(f"{report.failed} of {report.files} files failed.")
