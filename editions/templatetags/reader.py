"""Template helpers for the reader's pages."""

import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import links, reading, seo

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
_SCRIPT_SAFE = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


@register.filter
def ld_json(data) -> str:
    """Render structured data as a JSON-LD script element, safe for hostile text."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
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
    if not text:
        return text
    return _FOLDED_PUNCTUATION.sub(lambda m: _FULL_WIDTH[m.group(1)], text)


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

    Inside an edition each line is rendered once per version of the edition and
    kept with its navigation (``views/navigation.py``); elsewhere afresh.
    """
    navigation = context.get("navigation")
    current = getattr(context.get("article"), "pk", None)
    template_name = "includes/headline_item.html"
    parts = []
    for headline in headlines:
        is_current = current is not None and headline.article.pk == current

        def item(headline=headline, is_current=is_current) -> dict:
            return {"headline": headline, "url": headline.url, "is_current": is_current}

        if navigation is not None and navigation.by_id.get(headline.page.pk) is headline.page:
            resumes = headline.resumes_from.pk if headline.resumes_from is not None else None
            key = (headline.page.pk, headline.article.pk, resumes, is_current)
            parts.append(navigation.rendered(template_name, key, item))
        else:
            parts.append(get_template(template_name).render(item()))
    return mark_safe("".join(parts))


@register.simple_tag(takes_context=True)
def kept_include(context, template_name: str, **extra) -> str:
    """``{% include %}`` of a part that is the same on many pages of an edition.

    Inside an edition the part is rendered once per version of the edition and
    what ``views.navigation.FRAGMENTS`` says it depends on, and kept with the
    edition's navigation; elsewhere it is rendered as ``{% include %}`` would.
    """
    template = context.template.engine.get_template(template_name)
    with context.push(**extra):
        navigation = context.get("navigation")
        if navigation is None:
            return template.render(context)
        return navigation.fragment(template_name, context, lambda: template.render(context))
