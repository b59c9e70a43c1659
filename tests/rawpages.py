"""Build raw page files in the format of docs/raw-page-format.md, for tests.

Invented content only. ``raw_page()`` returns the text of one article view; the
defaults describe a 4-page edition whose page 2 carries three articles.
"""

from __future__ import annotations

from pathlib import Path

NBSP = "\u00a0"
PAGE_NAMES = ["要闻", "要闻", "经济", "理论特刊 ①"]
HEADLINES = ["江边步道全线贯通", "老街夜市重新开张", "社区食堂开到家门口"]


def raw_page(
    *,
    page: int = 2,
    title: str = HEADLINES[0],
    headlines: list[str] | None = None,
    page_names: list[str] | None = None,
    kicker: str = "",
    subtitle: str = "",
    byline: str = "本报记者 林晓 周航",
    paragraphs: list[str] | None = None,
    editor: str = "",
    date_line: str = "",
) -> str:
    headlines = HEADLINES if headlines is None else headlines
    page_names = PAGE_NAMES if page_names is None else page_names
    paragraphs = paragraphs or [
        "临江市江边步道昨日全线贯通，市民可以沿江步行十二公里。",
        "步道沿线新建了三处驿站，提供饮水和休息座椅。",
    ]
    lines = [
        "往期阅读",
        f"当前版: {page:02d}版 上一版{NBSP}{NBSP}下一版",
        f"上一篇 {NBSP}{NBSP} 下一篇",
        "放大 缩小 默认",
        "",
    ]
    if date_line:
        lines += [date_line, ""]
    if kicker:
        lines.append(kicker)
    lines += [title, ""]
    if subtitle:
        lines.append(f"——{subtitle}")
    if byline:
        lines.append(byline)
    for text in paragraphs:
        lines += [f"  {text}", ""]
    lines += [f"上一篇 {NBSP}{NBSP} 下一篇", NBSP, f"{NBSP * 5}标题导航"]
    lines += [f"{NBSP} {NBSP}第{n:02d}版:{name}" for n, name in enumerate(page_names, 1)]
    lines += headlines
    if editor:
        lines.append(f"本版责编：{editor}")
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path
