"""Two gunicorn nodes on 127.0.0.1 sharing one PostgreSQL and one Redis, as behind a load
balancer: what an editor does through one node, readers see on the other at once.

It runs where both are at hand (CI's PostgreSQL run sets ``DATABASE_URL`` and
``REDIS_URL``) and skips elsewhere. The nodes run the production profile
(``DJANGO_DEBUG=false``) against this test's own database, behind a pretend
proxy: requests say ``X-Forwarded-Proto: https``, which the nodes trust because
``DJANGO_BEHIND_PROXY`` is on. Each node has one worker and a bounded life: the
fixture stops both, and gunicorn's own timeout bounds every request.
"""

from __future__ import annotations

import http.client
import http.cookies
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.db import connection

from editions.models import Article, Edition
from tests.factories import build_edition

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-two-node-password-42"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
        or not os.environ.get("REDIS_URL"),
        reason="two nodes need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
    pytest.mark.timeout(240),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Node:
    """One gunicorn node, and a browser-like session with it (its own cookie jar)."""

    port: int
    process: subprocess.Popen
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-hans",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = headers["Referer"] = f"https://127.0.0.1:{self.port}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                jar = http.cookies.SimpleCookie(header)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value
            return response.status, response, content
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)


def wait_until_up(node: Node, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise RuntimeError(f"gunicorn on {node.port} exited with {node.process.returncode}")
        try:
            if node.get("/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn on {node.port} did not answer /healthz")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory) -> Path:
    """The production profile serves hashed static files: collect them once."""
    root = tmp_path_factory.mktemp("static")
    env = dict(os.environ, DJANGO_STATIC_ROOT=str(root), DJANGO_DEBUG="false")
    env["DJANGO_SECRET_KEY"] = "collectstatic-only"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    return root


@pytest.fixture
def nodes(transactional_db, static_root, tmp_path):
    """Two nodes on this test's database and the run's Redis; stopped afterwards."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": os.environ["REDIS_URL"],  # the worker's database number is kept
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "two-nodes-share-one-secret-key-for-sessions-and-signing-0123",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_CACHE_KEY_PREFIX": f"two-nodes-{os.getpid()}",
        "DJANGO_TASKS_BACKEND": "immediate",
        "GUNICORN_WORKERS": "1",
    }
    from django.conf import settings

    env["REDIS_URL"] = settings.CACHES["default"]["LOCATION"]  # this worker's own database
    started = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = (tmp_path / f"node-{name}.log").open("wb")
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "--config",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    f"--bind=127.0.0.1:{port}",
                    "--timeout=30",
                    "newsroom.wsgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append(Node(port, process))
        for node in started:
            wait_until_up(node)
        yield started
    finally:
        for node in started:
            node.process.terminate()
        for node in started:
            try:
                node.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                node.process.kill()


def form_fields(html: str, form_selector: str) -> dict[str, list[str]]:
    """The values a browser would submit from a form, as it was served."""
    form = BeautifulSoup(html, "html.parser").select_one(form_selector)
    assert form is not None, form_selector
    values: dict[str, list[str]] = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        name = element["name"]
        kind = element.get("type", "text")
        if element.name == "textarea":
            value = element.text.removeprefix("\n")
        elif element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            value = chosen.get("value", "") if chosen else ""
        elif kind in {"checkbox", "radio"}:
            if not element.has_attr("checked"):
                continue
            value = element.get("value", "on")
        elif kind in {"submit", "button", "file", "image", "reset"}:
            continue
        else:
            value = element.get("value", "")
        values.setdefault(name, []).append(value)
    return values


def log_in(node: Node, username: str) -> None:
    status, _, html = node.get("/admin/login/?next=/admin/")
    assert status == 200
    form = form_fields(html, "#login-form")
    form.update(username=[username], password=[PASSWORD], next=["/admin/"])
    status, response, _ = node.post("/admin/login/?next=/admin/", form)
    assert status == 302, "the login on node A was refused"
    assert response.getheader("Location").endswith("/admin/")


def test_what_an_editor_does_on_one_node_readers_see_on_the_other(nodes, django_user_model):
    a, b = nodes
    edition = build_edition()
    article = Article.objects.get(page__edition=edition, page__number=1, position=1)
    django_user_model.objects.create_superuser("chief", "chief@example.org", PASSWORD)
    path = article.get_absolute_url()

    # Both nodes serve (and B caches, in the shared Redis) the article as imported.
    for node in (a, b, b):
        status, _, html = node.get(path)
        assert status == 200
        assert article.title in html

    # A login made on A is valid on B: the session lives in the shared cache and database.
    log_in(a, "chief")
    b.cookies = dict(a.cookies)
    status, response, html = b.get("/admin/")
    assert status == 200, response.getheader("Location")
    assert "chief" in html

    # A correction saved through A is served by B on the very next request.
    change = f"/admin/editions/article/{article.pk}/change/"
    status, _, html = a.get(change)
    assert status == 200
    form = form_fields(html, "form#article_form")
    corrected = article.title + "（更正）"
    form["title"] = [corrected]
    form["correction_note"] = ["两个节点的更正测试"]
    form["_save"] = ["保存"]
    status, response, html = a.post(change, form)
    assert status == 302, re.findall(r'class="errorlist[^"]*">(.*?)</ul>', html, re.S)
    status, _, html = b.get(path)
    assert status == 200
    assert corrected in html

    # A withdrawal through A hides the edition on both nodes, cached copies and all.
    status, _, html = a.get("/admin/editions/edition/")
    form = form_fields(html, "#changelist-form")
    form.update(action=["withdraw_editions"], _selected_action=[str(edition.pk)], index=["0"])
    status, _, _ = a.post("/admin/editions/edition/", form)
    assert status == 302
    assert not Edition.objects.get(pk=edition.pk).is_published
    for node in (b, a):
        anonymous = Node(node.port, node.process)
        assert anonymous.get(path)[0] == 404
