"""HTML reading shared by the HTML forms: one parse, marks by id/class/tag, text.

Every HTML form reads the same tree (parsed once per file, indexed in one walk),
takes visible text the way a browser breaks it, and reads the navigation that
e-paper templates share: page list, headline list with links, image map, page
image and PDF, photos. Only plain text nodes ever reach the output: comments,
scripts, styles and attributes (other than vetted hrefs and srcs) never do.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, PreformattedString, Tag

from .model import PageParseError
from .text import CONTROL_RE, norm, norm_lines

HTML_SUFFIXES = (".htm", ".html", ".xhtml", ".shtml")
_HTML_RE = re.compile(r"<html[\s>/]|<!doctype\s+html", re.IGNORECASE)
_TAG_RE = re.compile(r"<[A-Za-z!/?]")
DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "head",
        "title",
        "canvas",
        "select",
        "option",
        "textarea",
        "button",
        "input",
    ]
)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "center",
        "map",
        "area",
        "founder-title",
        "founder-content",
        "founder-pretitle",
        "founder-subtitle",
        "founder-author",
    ]
)
_HTML_WS_RE = re.compile(r"[ \t\n\r\f]+")
# A source line break between two Chinese characters is no space at all (CSS Text
# segment-break rules): "春天一到，\n沙地里" reads "春天一到，沙地里".
_WIDE_BREAK_RE = re.compile(r"(?<=[\u2e80-\uffff])[ \t\r\f]*\n[ \t\n\r\f]*(?=[\u2e80-\uffff])")
_BLOCK_END = object()
_BAD_SCHEME_RE = re.compile(r"\s*[a-z][a-z0-9+.\-]*\s*:", re.IGNORECASE)


def looks_like_html(text: str, name: str) -> bool:
    if name.lower().endswith(HTML_SUFFIXES):
        # A page copied as text and saved under the page's own name (content_1.htm)
        # has no markup; read as HTML its line breaks would all be lost.
        return _TAG_RE.search(text) is not None
    if text.lstrip()[:1] == "<":
        return True
    return "<" in text and _HTML_RE.search(text) is not None


def soup_of(text: str) -> BeautifulSoup:
    try:
        return BeautifulSoup(text, "html.parser")
    except Exception as exc:  # bs4 and html.parser raise assorted errors on junk
        raise PageParseError(f"malformed HTML ({type(exc).__name__})") from None


def text_lines(node: Tag) -> list[str]:
    """Visible text of an element as lines, as a browser would break them.

    Iterative rather than recursive so that absurdly nested markup cannot exhaust
    the stack. Only plain text nodes are kept: comments, CDATA, scripts, styles and
    attributes never reach the output, which keeps hostile pages harmless.
    """
    out: list[str] = []
    stack: list[object] = list(reversed(node.contents))
    while stack:
        item = stack.pop()
        if item is _BLOCK_END:
            out.append("\n")
        elif isinstance(item, Tag):
            name = item.name
            if name in DROP_TAGS:
                continue
            if name == "br":
                out.append("\n")
                continue
            if name in _BLOCK_TAGS:
                out.append("\n")
                stack.append(_BLOCK_END)
            stack.extend(reversed(item.contents))
        elif isinstance(item, NavigableString) and not isinstance(item, PreformattedString):
            out.append(_HTML_WS_RE.sub(" ", _WIDE_BREAK_RE.sub("", item)))
    # Markup indentation is ASCII whitespace; the article's own indent is U+3000 or
    # &nbsp;, which survives this strip and still marks a paragraph.
    return [line.strip(" ") for line in "".join(out).split("\n")]


def element_text(node: Tag | None) -> str:
    """One-line text of an element; a <br> inside Chinese text joins without a space."""
    if node is None:
        return ""
    text = ""
    for line in norm_lines(text_lines(node)):
        if text and not (text[-1] >= "\u2e80" and line[0] >= "\u2e80"):
            text += " "
        text += line
    return text


def title_text(node: Tag | None) -> str:
    """A headline's text: each <br> or source line break reads as a space.

    Two-line headlines ("东贝电机<br>产销两旺") are two phrases, read with a pause.
    """
    if node is None:
        return ""
    parts: list[str] = []
    for item in node.descendants:
        if isinstance(item, Tag) and item.name == "br":
            parts.append("\n")
        elif (
            isinstance(item, NavigableString)
            and not isinstance(item, PreformattedString)
            and not any(p.name in DROP_TAGS for p in item.parents if isinstance(p, Tag))
        ):
            parts.append(str(item))
    return norm("".join(parts))


def has_class(tag: Tag, name: str) -> bool:
    classes = tag.get("class") or ()
    return name in classes


class Marks:
    """Tags of a parsed HTML page indexed by id, class and name in one walk of the tree.

    bs4's ``find`` walks the whole tree on every call; a page is asked for a dozen
    marks, so one walk up front keeps HTML parsing dominated by the HTML parser.
    """

    __slots__ = ("by_class", "by_id", "by_name", "comments", "root")

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.by_id: dict[str, Tag] = {}
        self.by_name: dict[str, list[Tag]] = {}
        self.by_class: dict[str, list[Tag]] = {}
        self.comments: list[str] = []
        for node in root.descendants:
            if isinstance(node, Tag):
                self.by_name.setdefault(node.name, []).append(node)
                ident = node.get("id")
                if isinstance(ident, str):
                    self.by_id.setdefault(ident, node)
                for cls in node.get("class") or ():
                    self.by_class.setdefault(cls, []).append(node)
            elif isinstance(node, Comment):
                self.comments.append(str(node))

    def first(self, *keys: str) -> Tag | None:
        """First tag with visible text among ``#id`` / ``.class`` / tag keys, in key order."""
        for key in keys:
            for tag in self.all(key):
                if element_text(tag):
                    return tag
        return None

    def all(self, key: str) -> list[Tag]:
        """Tags for ``#id``, ``.class`` or a tag name."""
        if key.startswith("#"):
            found = self.by_id.get(key[1:])
            return [found] if found is not None else []
        if key.startswith("."):
            return self.by_class.get(key[1:], [])
        return self.by_name.get(key, [])

    def get(self, key: str) -> Tag | None:
        found = self.all(key)
        return found[0] if found else None


def descendant_tags(node: Tag, name: str) -> list[Tag]:
    return [d for d in node.descendants if isinstance(d, Tag) and d.name == name]


def safe_url(value: object) -> str:
    """An href or src fit to keep: no javascript:/data: schemes, no markup characters."""
    url = "".join(str(value or "").split())
    if not url:
        return ""
    if _BAD_SCHEME_RE.match(url) and not url.lower().startswith(("http:", "https:")):
        return ""
    if CONTROL_RE.search(url) or any(char in url for char in "<>\"'`"):
        return ""
    return url
