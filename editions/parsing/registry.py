"""The registry of forms: which reader takes which file.

A *form* is one way a raw page file is written (a text article view, a template of
HTML article view, a crawler's dump, a page view). Each registers as (name, sniff,
parse), in order; :func:`parse_page` hands the file to the first form whose sniff
accepts it. Sniffs look at the name and the text first and parse HTML only when a
cheap test passed, so a file costs one decode and, for HTML, one parse, whatever
the number of forms. The shape follows Django's serializer registry
(``BUILTIN_SERIALIZERS`` loaded in order, ``register_serializer`` to add one) and
loaddata's table of compression formats: the table is data, the loop is one line.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import NamedTuple

from bs4 import BeautifulSoup

from .html import Marks, looks_like_html, soup_of
from .model import PageParseError, ParsedPage
from .text import link_key, read_text


class Source:
    """One file being parsed: its name and text, with the HTML tree built on demand.

    Shared by every sniff and the chosen parse, so the tree is parsed at most once.
    """

    __slots__ = ("_html", "_marks", "_soup", "name", "text")

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._html: bool | None = None
        self._soup: BeautifulSoup | None = None
        self._marks: Marks | None = None

    @property
    def is_html(self) -> bool:
        if self._html is None:
            self._html = looks_like_html(self.text, self.name)
        return self._html

    @property
    def soup(self) -> BeautifulSoup:
        if self._soup is None:
            self._soup = soup_of(self.text)
        return self._soup

    @property
    def marks(self) -> Marks:
        if self._marks is None:
            self._marks = Marks(self.soup)
        return self._marks

    @property
    def key(self) -> str:
        """The article key of the file's own name (``content_548643``)."""
        return link_key(self.name) if self.name else ""


Sniff = Callable[[Source], bool]
Parse = Callable[[Source], ParsedPage]


class Form(NamedTuple):
    name: str
    sniff: Sniff
    parse: Parse


#: Built-in forms, most specific first: modules of ``editions.parsing.formats`` that
#: each define ``NAME``, ``sniff`` and ``parse``. The last ones accept any HTML and
#: any text, so every file reaches a reader.
BUILTIN_FORMS = (
    "dump",
    "pad",
    "rmrb_pc",
    "rmrb",
    "guangming",
    "founder",
    "page_view",
    "html_text",
    "text",
)

_forms: list[Form] = []
_loading = threading.Lock()


def register_form(name: str, sniff: Sniff, parse: Parse, *, before: str | None = None) -> None:
    """Add a form (or replace one of the same name), by default ahead of the catch-alls.

    A new template goes before the generic readers ("html_text", "text") unless
    ``before`` names another form; replacing a form keeps its place.
    """
    _load()
    form = Form(name, sniff, parse)
    for index, existing in enumerate(_forms):
        if existing.name == name:
            _forms[index] = form
            return
    target = before or "html_text"
    for index, existing in enumerate(_forms):
        if existing.name == target:
            _forms.insert(index, form)
            return
    _forms.append(form)


def forms() -> tuple[Form, ...]:
    """The registered forms, in the order they are tried."""
    _load()
    return tuple(_forms)


def _load() -> None:
    """Import the built-in forms once, whole: concurrent imports run in threads (a
    worker, the tests), and a half-filled table would send files to no reader."""
    if _forms:
        return
    with _loading:
        if _forms:
            return
        loaded = []
        for module_name in BUILTIN_FORMS:
            module = importlib.import_module(f"{__package__}.formats.{module_name}")
            loaded.append(Form(module.NAME, module.sniff, module.parse))
        _forms[:] = loaded


def parse_page(data: bytes, name: str = "") -> ParsedPage:
    """Parse one raw page file of any registered form. Raises :class:`PageParseError`.

    ``name`` is the file's path as the caller knows it: some forms are recognised by
    it (crawler dumps, saved HTML), and ``article_key`` is derived from it.
    """
    return parse_text(read_text(data), name)


def parse_text(text: str, name: str = "") -> ParsedPage:
    """:func:`parse_page` of a file already read as text (:func:`~.text.read_text`),
    for a caller that reads the text again itself."""
    source = Source(name, text)
    _load()
    for form in _forms:
        if form.sniff(source):
            return form.parse(source)
    raise PageParseError("no reader for this file")  # pragma: no cover - "text" takes all
