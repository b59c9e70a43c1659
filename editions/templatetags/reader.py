"""Template helpers for the reader's pages."""

import html
import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .. import links, reading, seo
from ..views.navigation import STAND_IN, WRITTEN_IN

register = template.Library()

# Han characters (with the extension A block and compatibility ideographs) and the
# closing or opening CJK marks that sit where a Han character would.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_FOLDED_PUNCTUATION = re.compile(
    f"(?<=[{_HAN}\u201d\u300b\u300d\u300f\uff09\u3011])"
    f" ?([,;:]) ?"
    f"(?=[{_HAN}\u201c\u300a\u300c\u300e\uff08\u3010])"
)
_FULL_WIDTH = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a"}

# The characters that could end a <script> element or open a comment inside it;
# JSON allows them escaped, so the data survives any text an article holds.
_SCRIPT_SAFE = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


@register.filter
def ld_json(data) -> str:
    """Render structured data as a JSON-LD script element, safe for hostile text."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # str.replace rather than str.translate, which looks every character up in a
    # dict: 50 µs for an article's kilobyte of JSON, 0.2 µs this way.
    for mark, escaped in _SCRIPT_SAFE:
        text = text.replace(mark, escaped)
    # The JSON is escaped for the script context above; it holds no markup of its own.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.filter
def long_date(value) -> str:
    """2024年8月2日 星期五 (Friday, August 2, 2024 in English)."""
    return seo.long_date(value) if value else ""


@register.filter
def page_label(page) -> str:
    return seo.page_label(page)


@register.filter
def page_heading(page) -> str:
    return seo.page_heading(page)


@register.filter
def short_label(page) -> str:
    return reading.short_label(page)


@register.filter(is_safe=True)
def cjk(text) -> str:
    """Show ASCII , ; : between Chinese characters as the full-width ，；： they were.

    Sources that went through NFKC folding (many crawled e-papers did) turned
    every ，into a half-width comma that crowds the next character. The stored
    text stays as imported (search and the API see it as is); only the reader's
    page shows the marks as printed. ASCII marks beside Latin letters or digits
    (3,5 · 10:30 · GDP,) are left alone. Safe in and out: it adds no markup.
    """
    if not text or ("," not in text and ";" not in text and ":" not in text):
        return text  # nothing to fold (most text): three scans instead of the regex's walk
    return _FOLDED_PUNCTUATION.sub(lambda m: _FULL_WIDTH[m.group(1)], text)


@register.filter
def body_blocks(blocks) -> str:
    """The paragraphs and subheads of a story, each line as the article template writes it.

    An article's body is its longest loop: written out in the template, each of
    its dozens of blocks cost an ``{% if %}``, a lookup and the ``cjk`` filter's
    call through the template engine, a tenth of the page's rendering.
    """
    return mark_safe(
        "".join(
            (_SUBHEAD if block.kind == "subhead" else _PARAGRAPH) % html.escape(cjk(block.text))
            for block in blocks
        )
    )


@register.simple_tag
def story_jump(segment) -> str:
    """Where a story leaves one printed page for another (下转第4版 … 上接第2版), before the
    part of it printed on ``segment``'s page; nothing before the first part.

    Python rather than template markup: the two translated lines, two page links
    and their headings through the template engine cost as much as the whole
    story's paragraphs.
    """
    came_from = segment.previous
    if came_from is None:
        return ""
    anchor = conditional_escape(segment.anchor)
    leaves = gettext("Continued on page %(label)s") % {"label": conditional_escape(segment.label)}
    page = came = ""
    if segment.page:
        page = (
            f'<a class="jump-page" href="{conditional_escape(segment.page.get_absolute_url())}">'
            f"{conditional_escape(seo.page_heading(segment.page))}</a>"
        )
    if came_from.page:
        resumes = gettext("Continued from page %(label)s") % {
            "label": conditional_escape(came_from.label)
        }
        came = (
            f'<a class="jump-in" href="{conditional_escape(came_from.page.get_absolute_url())}">'
            f'<span aria-hidden="true">■</span>{resumes}</a>'
        )
    leaves = f'<a class="jump-out" href="#{anchor}"><span aria-hidden="true">■</span>{leaves}</a>'
    return mark_safe(
        f'\n      <div class="jump" id="{anchor}">\n'
        f"        {leaves}\n        {page}\n        {came}\n      </div>\n      "
    )


_SUBHEAD = '\n      <h2 class="subhead">%s</h2>'
_PARAGRAPH = "\n      <p>%s</p>"


@register.simple_tag(takes_context=True)
def page_meta(context) -> str:
    """The page's description, canonical address and Open Graph tags, from its ``meta``
    (``seo.PageMeta``), the paper and the preview picture (``og_image``).

    Python rather than an include: a dozen values, each looked up, filtered and
    escaped by the template engine, were a twentieth of an article page's rendering.
    """
    meta = context["meta"]
    paper = context.get("paper")
    site = (getattr(paper, "name", "") if paper is not None else "") or context.get("SITE_NAME")
    description, canonical = (
        conditional_escape(meta.description),
        conditional_escape(meta.canonical),
    )
    lines = [f'<meta name="description" content="{description}">\n']
    if meta.noindex:
        lines.append('<meta name="robots" content="noindex">\n')
    lines += [
        f'<link rel="canonical" href="{canonical}">\n',
        f'<meta property="og:site_name" content="{conditional_escape(site)}">\n',
        f'<meta property="og:type" content="{conditional_escape(meta.og_type)}">\n',
        f'<meta property="og:title" content="{conditional_escape(meta.title)}">\n',
        f'<meta property="og:description" content="{description}">\n',
        f'<meta property="og:url" content="{canonical}">\n',
    ]
    if og_image := context.get("og_image"):
        lines.append(f'<meta property="og:image" content="{conditional_escape(og_image)}">\n')
        lines.append('<meta name="twitter:card" content="summary_large_image">\n')
    locale = "zh_CN" if str(context.get("LANGUAGE_CODE", ""))[:2] == "zh" else "en_US"
    lines.append(f'<meta property="og:locale" content="{locale}">\n')
    if meta.og_type == "article":
        published = meta.published.isoformat() if meta.published else ""
        lines.append(f'<meta property="article:published_time" content="{published}">\n')
        if meta.section:
            lines.append(
                f'<meta property="article:section" content="{conditional_escape(meta.section)}">\n'
            )
    lines.append("\n")  # the blank line the include's last line break left
    return mark_safe("".join(lines))


@register.simple_tag(takes_context=True)
def page_items(context, template_name: str) -> str:
    """Every page of the edition as a list item, the current one marked (see views/navigation)."""
    return context["navigation"].items(template_name, context.get("current_page"))


@register.simple_tag
def reader_url(viewname: str, **kwargs) -> str:
    """``{% url %}`` with keyword arguments, for links every reader's page repeats.

    The answer is remembered per URL configuration (``links.reversed_url``):
    reversing costs about 50 µs, and a page header names the same few URLs.
    """
    return links.reversed_url(viewname, **kwargs)


@register.simple_tag(takes_context=True)
def headline_items(context, headlines) -> str:
    """The lines of a headline list, the article in view marked.

    Inside an edition each line, and the unmarked list whole, is rendered once per
    version of the edition and kept with its navigation (``EditionNavigation.listed``);
    elsewhere afresh.
    """
    navigation = context.get("navigation")
    current = getattr(context.get("article"), "pk", None)
    template_name = "includes/headline_item.html"
    if navigation is not None and all(
        navigation.by_id.get(headline.page.pk) is headline.page for headline in headlines
    ):
        keys = tuple(
            (
                headline.page.pk,
                headline.article.pk,
                headline.resumes_from.pk if headline.resumes_from is not None else None,
            )
            for headline in headlines
        )
        marked = [i for i, headline in enumerate(headlines) if headline.article.pk == current]
        return navigation.listed(
            template_name, keys, lambda i, is_current: _line(headlines[i], is_current), marked
        )
    return mark_safe(
        "".join(
            get_template(template_name).render(
                _line(headline, current is not None and headline.article.pk == current)
            )
            for headline in headlines
        )
    )


def _line(headline, is_current: bool) -> dict:
    return {"headline": headline, "url": headline.url, "is_current": is_current}


@register.simple_tag(takes_context=True)
def kept_include(context, template_name: str, **extra) -> str:
    """``{% include %}`` of a part that is the same on many pages of an edition.

    Inside an edition the part is rendered once per version of the edition and
    what ``views.navigation.FRAGMENTS`` says it depends on, and kept with the
    edition's navigation; elsewhere it is rendered as ``{% include %}`` would.
    """

    def render() -> str:  # the template is looked up only when it is rendered
        return context.template.engine.get_template(template_name).render(context)

    with context.push(**extra):
        navigation = context.get("navigation")
        if navigation is None:
            return render()
        name = WRITTEN_IN.get(template_name)
        if name is None:
            return navigation.fragment(template_name, context, render)
        value = context.get(name) or context.request.path  # the footer's default:request.path
        with context.push({name: STAND_IN}):
            kept = navigation.fragment(template_name, context, render)
        return mark_safe(kept.replace(STAND_IN, conditional_escape(value)))
