"""What e-paper HTML templates share around the article: navigation and pictures.

The page list, the headline list with each article's link (also when a script
writes it), the page image map, the page image and PDF, the paper's name, photos
with captions and Founder's ``enpproperty`` comment. Every HTML form reads these
the same way, whichever template it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bs4.element import PreformattedString, Tag

from . import lines as L
from .html import (
    DROP_TAGS,
    Marks,
    descendant_tags,
    element_text,
    has_class,
    safe_url,
    soup_of,
    text_lines,
    title_text,
)
from .model import Photo, Region
from .text import link_key, norm, norm_lines

_COORDS_RE = re.compile(r"\s*-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)*\s*")
_SHAPES = frozenset(("rect", "rectangle", "circle", "circ", "poly", "polygon", "default"))


def regions(marks: Marks) -> tuple[Region, ...]:
    """Image-map areas, keeping only harmless hrefs (no javascript:/data: URLs)."""
    found = []
    for area in marks.all("area"):
        shape = norm(str(area.get("shape") or "rect")).lower()
        coords = norm(str(area.get("coords") or ""))
        href = safe_url(area.get("href"))
        if shape not in _SHAPES or not _COORDS_RE.fullmatch(coords) or not href:
            continue
        found.append(Region(shape, coords, href))
    return tuple(found)


def page_list(marks: Marks) -> list[tuple[str, str]]:
    """(label, name) of every page in the edition's page list."""
    container = marks.get("#pageList")
    items: list[str] = []
    if container is not None:
        anchors = descendant_tags(container, "a")
        items = [element_text(a) for a in anchors] if anchors else norm_lines(text_lines(container))
    if not items:
        items = [element_text(a) for a in marks.all("a") if a.get("id") == "pageLink"]
    if not items:
        # amucsite's swiper of pages, older Founder's table cells.
        for box in marks.all(".swiper-slide") + marks.all(".default"):
            anchors = descendant_tags(box, "a") or [box]
            items.extend(element_text(a) for a in anchors)
    return [entry for entry in map(L.page_entry, items) if entry is not None]


_BANNER_KEYS = (".banci", ".ban", ".l_t", ".paper-bot")


def page_banner(marks: Marks) -> tuple[str, str] | None:
    """(label, name) of this page from its banner: 第01版：<strong>今日要闻</strong>."""
    for key in _BANNER_KEYS:
        for box in marks.all(key):
            for line in norm_lines(text_lines(box)):
                entry = L.page_entry(line)
                if entry is not None:
                    return entry
    return None


def _own_text(item: Tag) -> str:
    """Text of a list item without the items nested in it.

    ``<li>`` is often left unclosed (``<li>…<li>…``); the HTML parser then nests each
    item in the one before, and the outer item's text would hold all of them.
    """
    parts = []
    for string in item.find_all(string=True):
        if isinstance(string, PreformattedString):
            continue
        owner = string.find_parent("li")
        if owner is item and not any(p.name in DROP_TAGS for p in string.parents):
            parts.append(str(string))
    return norm("".join(parts))


def _listed(items: Iterable[Tag]) -> list[tuple[str, str]]:
    """(headline, link key) of list items or anchors, dropping empty ones."""
    found = []
    for item in items:
        anchor = item if item.name == "a" else None
        if anchor is None:
            anchor = next(
                (a for a in descendant_tags(item, "a") if a.find_parent("li") is item), None
            )
        text = title_text(anchor) if anchor is not None else _own_text(item)
        if not text:
            continue
        href = safe_url(anchor.get("href")) if anchor is not None else ""
        found.append((text, link_key(href) if href else ""))
    return found


def headline_list(marks: Marks) -> list[tuple[str, str]]:
    """(headline, link key) of the page's headline list, in page order."""
    container = (
        marks.get("#titleList") or marks.get(".news-list") or marks.get("#main-ed-articlenav-list")
    )
    if container is None:
        for box in marks.all(".title"):
            if box.name == "div" and descendant_tags(box, "li"):
                container = box
                break
    if container is None:
        return []
    items = descendant_tags(container, "li") or descendant_tags(container, "a")
    if items:
        return _listed(items)
    return [(s, "") for s in norm_lines(text_lines(container))]


_WRITE_RE = re.compile(r"document\.write(?:ln)?\s*\(")
_JS_STRING_RE = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'""")
_JS_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)")


def _js_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": " ", "r": ""}.get(code, code)

    return _JS_ESCAPE_RE.sub(one, text)


def _call_strings(code: str, pos: int) -> list[str]:
    """String literals of one call's argument (``"<li>" + "…"``, ``view("…")``)."""
    found = []
    while pos < len(code):
        char = code[pos]
        if char in "\"'":
            match = _JS_STRING_RE.match(code, pos)
            if match is None:
                break
            found.append(_js_unescape(match.group(1) or match.group(2) or ""))
            pos = match.end()
        elif char.isspace() or char.isalnum() or char in "+(_.$":
            pos += 1
        else:  # the call's end (")", ";", ",") or code that is not a string
            break
    return found


def written_headlines(marks: Marks) -> list[tuple[str, str]]:
    """Headlines a script writes: the <li> strings of ``document.write("<li>…</li>")``.

    Only string literals are read, and they are parsed as HTML like the page itself:
    nothing of the script runs and nothing but their visible text is kept.
    """
    chunks: list[str] = []
    for script in marks.all("script"):
        code = script.string or ""
        if "document.write" not in code or "<li" not in code.lower():
            continue
        for call in _WRITE_RE.finditer(code):
            chunks.extend(_call_strings(code, call.end()))
    if not chunks:
        return []
    fragment = soup_of("".join(chunks))
    return _listed(descendant_tags(fragment, "li"))


def page_image(marks: Marks) -> tuple[str, tuple[int, int] | None]:
    """(src, shown size) of the page image: the <img usemap> of the page view."""
    for img in marks.all("img"):
        if img.get("usemap") is None:
            continue
        src = safe_url(img.get("src"))
        if not src:
            continue
        width, height = _pixels(img.get("width")), _pixels(img.get("height"))
        return src, ((width, height) if width and height else None)
    return "", None


_PIXELS_RE = re.compile(r"\s*(\d{1,5})(?:\.\d*)?\s*(?:px)?\s*")


def _pixels(value: object) -> int:
    match = _PIXELS_RE.fullmatch(str(value or ""))
    return int(match.group(1)) if match else 0


def pdf_link(marks: Marks) -> str:
    """The href of the page's PDF (``PDF下载``, ``div.pdf a``, ``.paper-bot a``)."""
    for anchor in marks.all("a"):
        href = safe_url(anchor.get("href"))
        if href and href.split("?")[0].split("#")[0].lower().endswith(".pdf"):
            return href
    return ""


_PAPER_TITLE_RE = re.compile(r"《?([\u4e00-\u9fff]{2,12}?(?:日报|晚报|时报|商报|报))》?")
_COPYRIGHT_RE = re.compile(
    r"(?:Copyright|版权所有)\s*(?:©|\(c\))?\s*([\u4e00-\u9fff]{2,12}?(?:日报|晚报|时报|报))",
    re.IGNORECASE,
)


def paper_name(marks: Marks, lines: Iterable[str] = ()) -> str:
    """The paper a page names: its <title>, a 《报名》 mark, else its copyright line."""
    title = marks.get("title")
    if title is not None:
        match = _PAPER_TITLE_RE.match(norm(title.get_text()))
        if match:
            return match.group(1)
    tail = []
    for s in lines:
        if "《" in s:
            found = L.paper_of_mark(s)
            if found:
                return found
        if "Copyright" in s or "版权所有" in s or "copyright" in s:
            tail.append(s)
    for s in tail:
        match = _COPYRIGHT_RE.search(s)
        if match:
            return match.group(1)
    return ""


_CAPTION_BOXES = ("attachment", "pci_c")


def photos(scope: Tag | None, marks: Marks) -> tuple[list[Photo], set[int]]:
    """(photos in ``scope`` with their captions, ids of the caption elements).

    A caption is the text of the photo's ``div.attachment`` or ``table.pci_c``, else
    of a <p> right after an <img> outside the body, else the text sharing the image's
    own <p>. Callers leave the caption elements out of the body: a caption is never a
    paragraph.
    """
    found: list[Photo] = []
    used: set[int] = set()
    if scope is None:
        return found, used
    for img in descendant_tags(scope, "img"):
        src = safe_url(img.get("src"))
        if not src or _pixels(img.get("width")) in (1, 2):
            continue
        box = next(
            (
                p
                for p in img.parents
                if isinstance(p, Tag)
                and p.name in ("div", "table")
                and any(has_class(p, c) for c in _CAPTION_BOXES)
            ),
            None,
        )
        caption_el: Tag | None = None
        if box is not None:
            caption_el = box
        elif img.parent is not None and img.parent.name == "p":
            caption_el = img.parent
        else:
            sibling = img.find_next_sibling(True)
            if (
                isinstance(sibling, Tag)
                and sibling.name == "p"
                and not descendant_tags(sibling, "img")
            ):
                caption_el = sibling
        caption = element_text(caption_el) if caption_el is not None else ""
        if caption_el is not None:
            used.add(id(caption_el))
            used.update(id(p) for p in descendant_tags(caption_el, "p"))
        found.append(Photo(src, caption))
    return found, used


_ENP_RE = re.compile(r"<(\w+)>(.*?)</\1>", re.DOTALL)


def enp_properties(marks: Marks) -> dict[str, str]:
    """Fields of Founder's ``<!--enpproperty …/enpproperty-->`` comment, normalised.

    The comment's text is read only here, as data: it is never part of the body.
    """
    for comment in marks.comments:
        if comment.lstrip().startswith("enpproperty"):
            return {key: norm(value) for key, value in _ENP_RE.findall(comment)}
    return {}
