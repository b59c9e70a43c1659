"""``manage.py create_paper CODE NAME``: add a paper (title) to the installation.

Run again with the same code, it updates the paper's name and the other options
given, so provisioning scripts (and ``make run``) may call it every time.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from editions.models import Paper


class Command(BaseCommand):
    help = "Add a paper of the newspaper group, or update the one with that code."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Short ASCII code used in links and paths: rmrb.")
        parser.add_argument("name", help="The masthead: 人民日报.")
        parser.add_argument("--subtitle", help="A slogan or motto.")
        parser.add_argument("--language", help="BCP 47 language tag (default zh-Hans).")
        parser.add_argument("--colour", help="Masthead colour, #rrggbb.")
        parser.add_argument("--position", type=int, help="Listing order, smallest first.")
        parser.add_argument(
            "--hidden", action="store_true", help="Do not show the paper to readers (yet)."
        )

    def handle(self, *args, code, name, **options):
        code = code.strip().lower()
        paper = Paper.objects.filter(code=code).first()
        created = paper is None
        if created:
            paper = Paper(code=code)
        paper.name = name.strip()
        for option in ("subtitle", "language", "colour", "position"):
            if options.get(option) is not None:
                setattr(paper, option, options[option])
        if created:
            paper.is_listed = not options["hidden"]
        elif options["hidden"]:
            paper.is_listed = False
        try:
            paper.full_clean()
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(f"Cannot save paper {code!r}: {problems}") from None
        paper.save()
        verb = "Created" if created else "Updated"
        if options["verbosity"] >= 1:
            self.stdout.write(f"{verb} paper {paper.code}: {paper.name}")
