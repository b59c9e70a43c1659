"""What a transaction of the import holds: its editions' rows, locked, and their sections.

An import writes several consecutive editions in one transaction (a commit costs
as much as the rows of a small edition, and a lookup per edition as much again);
their rows are found and locked with one query and the missing ones created with
one more, so two imports of the same editions wait for each other instead of
racing, whatever else each holds. The rows are locked in key order, so two imports
walking the same days cannot hold one each and wait for the other's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from ..models import Edition, Paper, Section, section_slug
from . import rows

#: (paper's primary key, date): which edition of an import's edition code.
EditionKey = tuple[int, datetime.date]


@dataclass(slots=True)
class LockedEdition:
    edition: Edition
    #: Made by this transaction: nothing of it is in the database yet to read back.
    created: bool


def lock_editions(
    papers: dict[EditionKey, Paper], *, code: str, name: str, publish: bool
) -> dict[EditionKey, LockedEdition]:
    """The editions of ``papers``' keys, found or created, each locked until the commit
    (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions already
    serialise writers). An edition another import creates meanwhile is waited for and
    taken as found."""
    keys = sorted(papers)
    locked = _locked(keys, code)
    missing = [key for key in keys if key not in locked]
    if missing:
        new = [
            Edition(paper=papers[key], date=key[1], code=code, is_published=publish, name=name)
            for key in missing
        ]
        for edition in rows.insert_missing(Edition, new, ("paper", "date", "code")):
            locked[(edition.paper_id, edition.date)] = LockedEdition(edition, created=True)
        # Not inserted: another import made it and committed; take its row, locked.
        locked.update(_locked([key for key in missing if key not in locked], code))
    for key, found in locked.items():
        found.edition.paper = papers[key]
    return locked


def _locked(keys: list[EditionKey], code: str) -> dict[EditionKey, LockedEdition]:
    if not keys:
        return {}
    which = Q()
    for paper_id, date in keys:
        which |= Q(paper_id=paper_id, date=date)
    found = Edition.objects.filter(which, code=code).order_by("pk").select_for_update()
    return {(e.paper_id, e.date): LockedEdition(e, created=False) for e in found}


class Sections:
    """A paper's sections by name, found or created once per transaction for every page
    of its editions that names one."""

    def __init__(self) -> None:
        self._known: dict[int, dict[str, Section]] = {}

    def of(self, paper: Paper, names: set[str]) -> dict[str, Section]:
        known = self._known.setdefault(paper.pk, {})
        wanted = names - known.keys()
        if wanted:
            known.update(_sections(paper, wanted))
        return {name: known[name] for name in names if name in known}


def _sections(paper: Paper, names: set[str]) -> dict[str, Section]:
    sections = Section.objects.filter(paper=paper)
    found = {s.name: s for s in sections.filter(name__in=names)}
    missing = sorted(names - found.keys())
    if missing:
        taken = set(
            sections.filter(slug__in=[section_slug(n) for n in missing]).values_list(
                "slug", flat=True
            )
        )
        new = []
        for name in missing:
            slug = base = section_slug(name)
            counter = 2
            while slug in taken:
                slug = f"{base}-{counter}"
                counter += 1
            taken.add(slug)
            new.append(Section(paper=paper, name=name, slug=slug))
        # Another import may be creating the same section right now: let the
        # unique constraint decide, then read back whatever won.
        Section.objects.bulk_create(new, ignore_conflicts=True)
        found.update({s.name: s for s in sections.filter(name__in=missing)})
    return found
