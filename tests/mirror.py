"""Invented e-paper files in the real forms, for tests and the demo mirror.

Founder page views (``node_N.htm``), article views in three templates (Founder
classic, amucsite pad, People's Daily 2017), crawler dumps, and page images and
PDFs drawn with Pillow. Every text here is invented.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

PAGES = [("01", "要闻"), ("02", "城市"), ("03", "经济")]


def _page_list(pages) -> str:
    return "\n".join(
        f'<a id="pageLink" href="node_{i}.htm">第{label}版：{name}</a>'
        for i, (label, name) in enumerate(pages, 1)
    )


def node_view(
    label: str,
    *,
    pages=PAGES,
    headlines=(),
    areas=(),
    image: str = "",
    pdf: str = "",
    size: tuple[int, int] | None = (400, 575),
    editor: str = "",
) -> str:
    """A classic Founder page view: banner, page list, linked headlines, map, image, PDF."""
    name = dict(pages).get(label, "")
    shown = f' width="{size[0]}" height="{size[1]}"' if size else ""
    area_html = "\n".join(
        f'<area shape="{shape}" coords="{coords}" href="content_{key}.htm?div={i}">'
        for i, (shape, coords, key) in enumerate(areas)
    )
    items = "\n".join(
        f"<li><a href=content_{key}.htm?div=-1><div>{title}</div></a></li>"
        for title, key in headlines
    )
    credit = f"<li>本版责编：{editor}</li>" if editor else ""
    return f"""<html><head><meta charset="utf-8"><title>临江日报--数字报</title></head><body>
<map name="PagePicMap">{area_html}</map>
<img src="{image}" usemap="#PagePicMap"{shown} border="0">
<div class="banci">第{label}版：<strong>{name}</strong></div>
<div class="pdf"><a href="{pdf}">PDF下载</a></div>
<div class="title"><ul>{items}{credit}</ul></div>
<div id="pageList">{_page_list(pages)}</div>
</body></html>
"""


def founder_article(
    label: str,
    title: str,
    paragraphs,
    *,
    pages=PAGES,
    kicker: str = "",
    subtitle: str = "",
    byline: str = "",
    headlines=(),
    photos=(),
) -> str:
    """A classic Founder article view (``content_N.htm``)."""
    body = "".join(f"<p>　　{p}</p>" for p in ([byline] if byline else []) + list(paragraphs))
    pics = "".join(
        f'<div class="attachment"><img src="{src}"><p>{caption}</p></div>'
        for src, caption in photos
    )
    items = "".join(
        f'<li><a href="content_{key}.htm">{headline}</a></li>' for headline, key in headlines
    )
    return f"""<html><head><meta charset="utf-8"><title>临江日报-{title}</title></head><body>
<span class="cur-page">当前版：{label}版</span>
<div class="detail">
<p id="PreTitle">{kicker}</p><h1 id="Title">{title}</h1><p id="SubTitle">{subtitle}</p>
<div id="ozoom">{pics}{body}</div></div>
<div id="pageList">{_page_list(pages)}</div>
<ul class="news-list">{items}</ul>
</body></html>
"""


def pad_article(
    label: str, title: str, paragraphs, *, key: str, kicker: str = "", day: str = "2024年08月03日"
) -> str:
    """An amucsite pad article view (the ``div#scroller`` part)."""
    body = "".join(f"<p>    {p}</p>" for p in paragraphs)
    return f"""<div id="scroller"><div class="caption">
<p id="nowLayout" class="hide">{label}</p>
<font id="intro-title">{kicker}</font><font id="main-title">{title}</font>
<font id="sub-title"></font><font id="author">{day}</font></div>
<div class="content" id="content"><founder-content><!--enpcontent-->{body}<!--/enpcontent-->
<!--enpproperty <paperarticleid>{key}</paperarticleid><title>{title}</title>/enpproperty-->
</founder-content></div></div>
"""


def rmrb_article(
    label: str,
    name: str,
    title: str,
    paragraphs,
    *,
    kicker: str = "",
    pages=PAGES,
    day: str = "2024年08月03日",
) -> str:
    """A People's Daily 2017–2024 article view, any paper's name in the mark."""
    body = "".join(f"<p>　　{p}</p>" for p in paragraphs)
    return f"""<html><head><meta charset="utf-8"><title>临江日报</title></head><body>
<div class="ban">第{label}版：{name}</div>
<div class="text_c"><h3>{kicker}</h3><h1>{title}</h1><h2></h2>
<div class="sha_left"><span class="date">《临江日报》（{day} 第 {label} 版）</span></div>
<div class="c_c" id="ozoom">{body}</div></div>
<div class="l_c">{_page_list(pages)}</div>
</body></html>
"""


def dump(title: str, paragraphs, *, kicker: str = "", subtitle: str = "") -> str:
    """A crawler's text dump: kicker, title, subtitle lines, then one paragraph a line."""
    lines = [kicker, title, subtitle, *(f"\u3000\u3000{p}" for p in paragraphs)]
    return "\r\n".join(lines) + "\r\n"


def page_image(size=(400, 575), boxes=(), *, colour="white", fmt="JPEG") -> bytes:
    """A page drawn as printed: grey text lines inside each article's rectangle."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0, y0, x1, y1), outline=(150, 30, 30), width=2)
        draw.rectangle((x0 + 6, y0 + 6, x1 - 6, y0 + 22), fill=(40, 40, 40))
        for y in range(y0 + 32, y1 - 8, 9):
            draw.line((x0 + 6, y, x1 - 6, y), fill=(170, 170, 170), width=3)
    out = io.BytesIO()
    image.save(out, fmt, quality=60) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def page_pdf(size=(200, 287), colour="white") -> bytes:
    """A one-page PDF of a page (Pillow writes it; no other PDF library needed)."""
    from PIL import Image

    out = io.BytesIO()
    # A fixed date, so the same page gives the same bytes (and the same hash) every time.
    stamp = time.struct_time((2024, 8, 3, 0, 0, 0, 5, 216, 0))
    Image.new("RGB", size, colour).save(out, "PDF", creationDate=stamp, modDate=stamp)
    return out.getvalue()


def write(folder: Path, relative: str, content: str | bytes) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path
