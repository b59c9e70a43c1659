"""Before any row is written: which paper and date a file belongs to, and whether it fits.

Pure checks on one parsed file (plus the paper lookup, done once per run): a file
refused here is one failure line, and nothing of it reaches the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import PurePath

from ..models import Article, Page, Paper
from ..parsing import ARTICLE, ParsedPage, date_from_path, label_key, parse_text
from ..parsing.labels import label_value
from ..parsing.lines import JUMP_TOKEN_RE
from ..parsing.text import norm, read_text
from ..sources import RawFile


class ImportFileError(Exception):
    """A file that parses but cannot be imported (for example, no edition date)."""


@dataclass(slots=True)
class Item:
    """One parsed file on its way into an edition."""

    name: str
    parsed: ParsedPage
    date: datetime.date
    paper: Paper
    #: ``parsed.page_numbers``, computed once (a property of the parsed page that
    #: several steps ask for).
    page_numbers: tuple[int, ...]
    #: The page an article continues from when the file starts 上接第N版 (a second
    #: file of the article, printed on a later page); None otherwise.
    continued_from: int | None = None
    #: Pages a 下转第N版 mark sends the reader to whose text the file does not carry.
    jumps_out: tuple[int, ...] = ()

    @property
    def edition_key(self) -> tuple[int, datetime.date]:
        return (self.paper.pk, self.date)


class PaperFinder:
    """Which paper a file belongs to: the one given, else a known code in its path,
    else the only paper there is.

    A mirror of an e-paper site keeps the paper's code at the top of its tree
    (``rmrb/html/2019-10/16/…``), so a group's archive of several titles imports
    in one run. The innermost folder named like a paper wins.
    """

    def __init__(self, given: Paper | None = None) -> None:
        self.given = given
        self.papers = {} if given else {paper.code: paper for paper in Paper.objects.all()}
        self._folders: dict[str, Paper] = {}

    def __call__(self, name: str) -> Paper:
        if self.given is not None:
            return self.given
        # A folder's files all go to one paper: asked once per folder.
        folder = name.replace("\\", "/").rpartition("/")[0]
        paper = self._folders.get(folder)
        if paper is None:
            paper = self._folders[folder] = self._find(name)
        return paper

    def _find(self, name: str) -> Paper:
        for part in reversed(PurePath(name.replace("\\", "/")).parts[:-1]):
            paper = self.papers.get(part.lower())
            if paper is not None:
                return paper
        if len(self.papers) == 1:
            return next(iter(self.papers.values()))
        if not self.papers:
            raise ImportFileError("no paper to import into: create one with manage.py create_paper")
        known = ", ".join(sorted(self.papers))
        raise ImportFileError(
            f"which paper? no paper's code in the path: give --paper (known: {known})"
        )


def resolve_date(name: str, parsed: ParsedPage | None, given: datetime.date | None):
    """The edition date: the option, else the path, else a date line in the file."""
    found = given or date_from_path(name) or (parsed.date if parsed else None)
    if found is None:
        raise ImportFileError(
            "no edition date: give --date, name a folder or the file YYYY-MM-DD, "
            "or start the file with a date line"
        )
    return found


def prepare(raw: RawFile, given: datetime.date | None, find_paper: PaperFinder) -> Item:
    if raw.data is None:
        raise ImportFileError(raw.error or "cannot be read")
    paper = find_paper(raw.name)
    text = read_text(raw.data)  # once: the parser's and the jump marks' text
    parsed = parse_text(text, raw.name)
    numbers = parsed.page_numbers
    check_fits(parsed, numbers)
    item = Item(raw.name, parsed, resolve_date(raw.name, parsed, given), paper, numbers)
    if parsed.kind == ARTICLE and parsed.blocks:
        item.continued_from, item.jumps_out = jumps_of(text, parsed)
    return item


_IN = ("上接", "接", "续")


def jumps_of(text: str, parsed: ParsedPage) -> tuple[int | None, tuple[int, ...]]:
    """(page continued from, pages jumped to without their text) from a file's jump marks.

    The parser follows 下转 marks into the text that comes after them; what it cannot
    know is that a file *starts* with 上接第N版 (the later page's part of a story, in
    a file of its own) or that it ends with 下转第N版 and nothing after it (the first
    part only). The importer needs both to keep the two parts one article.
    """
    if "版" not in text or not ("接" in text or "转" in text or "续" in text):
        return None, ()
    numbers = {label_key(ref.label): ref.number for ref in parsed.pages}

    def number(label: str) -> int | None:
        return numbers.get(label_key(label)) or label_value(label)

    flat = norm(text)
    first = parsed.blocks[0].text[:8]
    start = flat.find(first) if first else -1
    if start < 0:
        start = len(flat)
    continued_from = None
    printed = {block.page for block in parsed.blocks}
    out: list[int] = []
    for match in JUMP_TOKEN_RE.finditer(flat):
        direction, label = match.groups()
        page = number(label)
        if not page:
            continue
        if direction in _IN:
            if (
                continued_from is None
                and match.start() < start
                and printed == {parsed.page_number}
                and page != parsed.page_number
            ):
                continued_from = page
        elif match.start() > start and page not in printed and page not in out:
            out.append(page)
    return continued_from, tuple(out)


#: More headlines or pages than any printed paper has: the file is not a page.
#: Positions and page numbers are small integers in the database.
MAX_HEADLINES = 200
MAX_PAGES = 999
EDITOR_MAX = Page._meta.get_field("editor").max_length
#: The article's short fields and their lengths in the database.
_LIMITS = tuple(
    (name, Article._meta.get_field(name).max_length)
    for name in ("title", "kicker", "subtitle", "byline")
)
_TITLE_MAX = Article._meta.get_field("title").max_length


def check_fits(parsed: ParsedPage, page_numbers: tuple[int, ...] | None = None) -> None:
    """Refuse, with a reason, a page the database would refuse (or silently keep) whole.

    PostgreSQL rejects an overlong value and would fail the file with a driver
    message; SQLite would store a 5 MB "title". A line that long is no headline.
    ``page_numbers`` are the parsed page's, when the caller has them already.
    """
    for field_name, limit in _LIMITS:
        if len(getattr(parsed, field_name)) > limit:
            raise ImportFileError(f"{field_name} longer than {limit} characters")
    if max(map(len, parsed.headlines), default=0) > _TITLE_MAX:
        raise ImportFileError(f"a headline longer than {_TITLE_MAX} characters")
    if len(parsed.headlines) > MAX_HEADLINES:
        raise ImportFileError(f"more than {MAX_HEADLINES} headlines for one page")
    if page_numbers is None:
        page_numbers = parsed.page_numbers
    if len(parsed.pages) > MAX_PAGES or max(page_numbers) > MAX_PAGES:
        raise ImportFileError(f"more than {MAX_PAGES} pages in one edition")


def one_line(text: str) -> str:
    """Database drivers write multi-line messages; the report keeps one line per file."""
    return " ".join(text.split())
