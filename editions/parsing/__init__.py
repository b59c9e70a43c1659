"""Parse one *raw page file* of the digital edition (数字报) into plain dataclasses.

A raw page file is what an e-paper shows or a crawler saved: an article view as text
or HTML in one of several templates, a crawler's text dump, or a page view (the page
as printed, with its image map). The forms are described in
``docs/raw-page-format.md`` of the shared docs; each is a module of ``formats``,
tried in the order of :data:`registry.BUILTIN_FORMS`.

The package is deliberately pure: bytes in, frozen dataclasses out, no Django and
no I/O, so it can be tested without a database and run fast enough for a bulk
import (thousands of files a second). Writing rows is the importer's job.

The public entry points are :func:`parse_page`, :func:`decode`, :func:`link_key`
and :func:`date_from_path`; every failure to read a file as a page is a
:class:`PageParseError` whose message is a one-line reason.
"""

from __future__ import annotations

from .labels import label_key, section_of
from .model import ARTICLE, PAGE_VIEW, Block, PageParseError, PageRef, ParsedPage, Photo, Region
from .registry import (
    BUILTIN_FORMS,
    Form,
    Source,
    forms,
    parse_page,
    parse_text,
    register_form,
)
from .text import date_from_path, decode, link_key, match_key

__all__ = [
    "ARTICLE",
    "BUILTIN_FORMS",
    "PAGE_VIEW",
    "Block",
    "Form",
    "PageParseError",
    "PageRef",
    "ParsedPage",
    "Photo",
    "Region",
    "Source",
    "date_from_path",
    "decode",
    "forms",
    "label_key",
    "link_key",
    "match_key",
    "parse_page",
    "parse_text",
    "register_form",
    "section_of",
]
