"""The reader's pages speak Simplified Chinese by default and English on request."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.paths import archive_path, article_path, edition_path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"
ARTICLE = article_path(2, 1, "2024-08-02")


def po_entries():
    """(context, msgid, msgstr) of every entry of the Simplified Chinese catalogue."""
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        fields, key = {}, None
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[0\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            yield (
                fields.get("msgctxt"),
                fields["msgid"],
                fields.get("msgstr", fields.get("msgstr[0]", "")),
            )


def test_every_message_is_translated():
    untranslated = [msgid for _ctx, msgid, msgstr in po_entries() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for context, msgid, msgstr in po_entries()
        if (catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run manage.py compilemessages"


def page_text(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.django_db
def test_readers_see_simplified_chinese_by_default(client, jumping_edition):
    soup = page_text(client.get(ARTICLE))
    assert soup.html["lang"] == "zh-hans"
    text = soup.get_text(" ")
    for words in (
        "往期阅读",
        "上一期",
        "下一期",
        "当前版：",
        "上一版",
        "下一版",
        "上一篇",
        "下一篇",
        "放大",
        "缩小",
        "默认",
        "标题导航",
        "版面导航",
        "跳到正文",
    ):
        assert words in text, words
    assert soup.select_one(".masthead-date").get_text() == "2024年8月2日 星期五"


@pytest.mark.django_db
def test_the_language_switch_turns_the_site_to_english(client, jumping_edition):
    soup = page_text(client.get(ARTICLE))
    form = soup.select_one("form.language-switch")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    response = client.post(form["action"], {**data, "language": "en"})
    assert response.status_code == 302
    assert response["Location"] == ARTICLE
    soup = page_text(client.get(ARTICLE))
    assert soup.html["lang"] == "en"
    text = soup.get_text(" ")
    for words in ("Past editions", "Previous page", "Next article", "Larger", "Headlines"):
        assert words in text, words
    assert soup.select_one(".masthead-date").get_text() == "Friday, August 2, 2024"
    assert soup.select_one(".jump-out").get_text(strip=True) == "■Continued on page 4"
    # The paper's own text stays Chinese and says so.
    assert soup.select_one(".article-body")["lang"] == "zh-Hans"


@pytest.mark.django_db
def test_the_browsers_language_is_honoured(client, edition):
    soup = page_text(client.get(archive_path(2024, 8), headers={"accept-language": "en"}))
    assert soup.h1.get_text() == "Past editions"
    assert soup.select_one("#calendar-title").get_text() == "August 2024"
    # English calendars start on Sunday, Chinese ones on Monday.
    assert soup.select_one("thead th .visually-hidden").get_text() == "Sunday"


@pytest.mark.django_db
def test_the_404_page_is_translated_too(client):
    response = client.get(edition_path("2024-08-09"), headers={"accept-language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
