"""``manage.py import_pages PATH [PATH ...]``: bulk-load raw page files.

A thin shell around :func:`editions.importing.pages_import`: it turns arguments
into options, shows progress, prints one line per failed or skipped file and a
summary, and exits non-zero when any file failed.
"""

import datetime
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from editions.converters import EDITION_CODE_REGEX
from editions.importing import Status, pages_import
from editions.models import ImportRun, Paper
from editions.sources import iter_path_sources


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date {value!r} is not a date in the form YYYY-MM-DD.") from exc


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
            type=iso_date,
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

        def on_result(result):
            bar.update(1)
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
                source=ImportRun.Source.COMMAND,
                label="\n".join(paths),
                on_result=on_result,
            )
        finally:
            bar.close()

        if verbosity >= 1:
            self.stdout.write(report.summary())
        if report.files == 0:
            raise CommandError("No raw page files found in " + ", ".join(paths) + ".")
        if report.failed:
            raise CommandError(f"{report.failed} of {report.files} files failed.")
