"""An editor at the desk, in a real browser: correct an article, see it on the site, undo it.

Screenshots of the desk (list, form, history, upload results) are saved under
tests/artifacts/ at desktop width to be looked at.
"""

import re

import pytest
from playwright.sync_api import expect

from editions.models import Article
from tests.rawpages import HEADLINES, raw_page

pytestmark = pytest.mark.browser

ORIGINAL_PARAGRAPH = "第1版第1篇的第一段。"
CORRECTED_PARAGRAPH = "第1版第1篇的第一段，经编辑核实后更正。"
CORRECTED_TITLE = "第1版第1篇（更正）"


def log_in(page, live_server, username, password):
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(username)


def reader_text(page, live_server, article) -> str:
    page.goto(live_server.url + article.get_absolute_url())
    return page.locator("main").inner_text()


def test_an_editor_corrects_an_article_sees_it_on_the_site_and_reverts_it(
    live_server, desktop, screenshot, imported_article, editor, password
):
    page = desktop
    article = imported_article
    log_in(page, live_server, editor.username, password)

    # Find the article in the list.
    page.goto(f"{live_server.url}/admin/editions/article/")
    page.fill("#searchbar", article.title)
    page.press("#searchbar", "Enter")
    screenshot(page, "admin-article-changelist")
    page.get_by_role("link", name=article.title, exact=True).click()

    # Correct the headline and a paragraph, with a note.
    page.fill("#id_title", CORRECTED_TITLE)
    body = page.input_value("#id_body")
    assert ORIGINAL_PARAGRAPH in body
    page.fill("#id_body", body.replace(ORIGINAL_PARAGRAPH, CORRECTED_PARAGRAPH))
    page.fill("#id_correction_note", "核实后更正标题和首段")
    screenshot(page, "admin-article-change-form")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    assert Article.objects.get(pk=article.pk).is_corrected

    # Readers see the correction at once.
    text = reader_text(page, live_server, article)
    assert CORRECTED_TITLE in text
    assert CORRECTED_PARAGRAPH in text

    # The history shows the change; the version before it is restored.
    page.goto(f"{live_server.url}/admin/editions/article/{article.pk}/history/")
    expect(page.locator("#change-history ins").first).to_be_visible()
    expect(page.locator("#change-history")).to_contain_text("核实后更正标题和首段")
    screenshot(page, "admin-article-history")
    page.locator("#change-history tbody tr").nth(1).locator("a").first.click()
    expect(page.locator(".diff")).to_contain_text(CORRECTED_TITLE)
    screenshot(page, "admin-article-revert")
    page.click("input[name=_save]")
    expect(page).to_have_url(re.compile(rf"/admin/editions/article/{article.pk}/history/$"))

    restored = Article.objects.get(pk=article.pk)
    assert (restored.title, restored.is_corrected) == (article.title, False)
    assert restored.history.latest().history_user == editor
    text = reader_text(page, live_server, article)
    assert CORRECTED_TITLE not in text
    assert ORIGINAL_PARAGRAPH in text


def test_an_editor_uploads_raw_pages_and_sees_the_results(
    live_server, desktop, screenshot, editor, password
):
    page = desktop
    log_in(page, live_server, editor.username, password)
    page.goto(f"{live_server.url}/admin/")
    page.locator("a[href$='/admin/editions/importrun/upload/']").first.click()
    files = [
        {"name": f"2024-08-02-p2-{n}.txt", "mimeType": "text/plain", "buffer": text.encode()}
        for n, text in enumerate((raw_page(title=t) for t in HEADLINES[:2]), 1)
    ]
    files.append({"name": "broken.txt", "mimeType": "text/plain", "buffer": b"\x00\x00"})
    page.set_input_files("#id_files", files)
    page.click("input[name=_upload]")
    results = page.locator("#upload-results")
    expect(results).to_be_visible()
    expect(results.locator("tr.status-created")).to_have_count(2)
    expect(results.locator("tr.status-failed")).to_contain_text("broken.txt")
    screenshot(page, "admin-upload-results")


def test_an_editor_of_one_paper_meets_only_that_papers_articles(
    live_server, desktop, screenshot, make_editor, password, edition
):
    from tests.factories import PaperFactory, build_edition, default_paper

    evening = PaperFactory(code="ljwb", name="临江晚报")
    other = build_edition(date=edition.date, pages=1, articles_per_page=1, paper=evening)
    theirs = Article.objects.get(page__edition=other)
    theirs.title = "晚报独家稿件"
    theirs.save()
    editor = make_editor("morning", papers=[default_paper()])
    page = desktop
    log_in(page, live_server, editor.username, password)

    page.goto(f"{live_server.url}/admin/editions/article/")
    screenshot(page, "admin-article-changelist-one-paper")
    expect(page.locator("#result_list")).to_contain_text("第1版第1篇")
    expect(page.locator("#result_list")).not_to_contain_text("晚报独家稿件")
    expect(page.locator("#changelist-filter")).not_to_contain_text("临江晚报")

    # Typing the other paper's address does not open it either.
    page.goto(f"{live_server.url}/admin/editions/article/{theirs.pk}/change/")
    expect(page.locator(".messagelist")).to_be_visible()
    expect(page.locator("#content")).not_to_contain_text("晚报独家稿件")
    page.goto(f"{live_server.url}/admin/editions/article/{theirs.pk}/history/")
    expect(page.locator("h1")).not_to_contain_text("晚报独家稿件")

    # The upload form offers only the editor's paper.
    page.goto(f"{live_server.url}/admin/editions/importrun/upload/")
    options = page.locator("#id_paper option").all_inner_texts()
    assert options == ["临江日报"]
