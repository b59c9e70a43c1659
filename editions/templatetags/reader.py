"""Template helpers for the reader's pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .. import reading, seo

register = template.Library()

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
