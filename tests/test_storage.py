"""Media through ``default_storage``: the filesystem by default, an S3 bucket when configured.

The S3 case talks to a real S3 API: moto's standalone server, started once per
session on a free port of 127.0.0.1 and stopped at the end. Both backends go
through the same save, read back, URL and delete steps, with the storage built
by the settings' own ``media_storage()`` from environment variables.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from newsroom.settings import media_storage

BUCKET = "newsroom-media-test"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # the bytes only; nothing decodes them here


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    """moto's S3 server on 127.0.0.1, for the session; its URL."""
    server = Path(sys.executable).with_name("moto_server")
    if not server.exists() and shutil.which("moto_server") is None:
        pytest.skip("moto[server] is not installed (pip install -e '.[test]')")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(server) if server.exists() else "moto_server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()


@pytest.fixture
def s3_environment(s3_endpoint, monkeypatch):
    """The variables an operator sets for the object store (moto accepts any key)."""
    import boto3

    environ = {
        "DJANGO_MEDIA_BUCKET": BUCKET,
        "DJANGO_MEDIA_ENDPOINT_URL": s3_endpoint,
        "DJANGO_MEDIA_REGION": "us-east-1",
        "DJANGO_MEDIA_ACCESS_KEY_ID": "testing",
        "DJANGO_MEDIA_SECRET_ACCESS_KEY": "testing",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET)
    # No credentials or endpoint of the developer's own may leak into the test.
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    return environ, client


def use(settings, environ: dict[str, str]) -> None:
    settings.STORAGES = {**settings.STORAGES, "default": media_storage(environ)}


def round_trip(name: str) -> tuple[str, str, bytes]:
    """Save, read back, URL, delete; what was saved under which name and URL."""
    saved = default_storage.save(name, ContentFile(PNG))
    assert default_storage.exists(saved)
    with default_storage.open(saved, "rb") as handle:
        data = handle.read()
    url = default_storage.url(saved)
    assert default_storage.size(saved) == len(PNG)
    default_storage.delete(saved)
    assert not default_storage.exists(saved)
    return saved, url, data


def test_without_a_bucket_media_are_files_under_media_root(settings, tmp_path):
    use(settings, {})
    settings.MEDIA_ROOT = tmp_path
    settings.MEDIA_URL = "/media/"
    saved, url, data = round_trip("pages/ljrb/2024-08-02/p01.png")
    assert data == PNG
    assert url == "/media/pages/ljrb/2024-08-02/p01.png"
    assert not (tmp_path / saved).exists()


def test_with_a_bucket_media_go_to_the_object_store(settings, s3_environment):
    environ, client = s3_environment
    use(settings, environ)
    name = "pages/ljrb/2024-08-02/p02.png"
    saved = default_storage.save(name, ContentFile(PNG))
    # Really in the bucket, not on a disk of this node.
    stored = client.get_object(Bucket=BUCKET, Key=saved)["Body"].read()
    assert stored == PNG
    default_storage.delete(saved)
    _, url, data = round_trip(name)
    assert data == PNG
    # Unsigned (cacheable) URLs on the store's own address.
    assert url == f"{environ['DJANGO_MEDIA_ENDPOINT_URL']}/{BUCKET}/{name}"
    assert "Signature" not in url


def test_a_second_file_of_the_same_name_never_replaces_the_first(settings, s3_environment):
    environ, client = s3_environment
    use(settings, environ)
    first = default_storage.save("pages/same.png", ContentFile(PNG))
    second = default_storage.save("pages/same.png", ContentFile(b"other"))
    try:
        assert first != second
        assert client.get_object(Bucket=BUCKET, Key=first)["Body"].read() == PNG
    finally:
        default_storage.delete(first)
        default_storage.delete(second)


def test_a_cdn_domain_and_a_prefix_shape_the_urls(settings, s3_environment):
    environ, _ = s3_environment
    use(
        settings,
        {**environ, "DJANGO_MEDIA_CUSTOM_DOMAIN": "media.example.org", "DJANGO_MEDIA_PREFIX": "n"},
    )
    saved, url, data = round_trip("pages/p03.png")
    assert data == PNG
    assert url == f"https://media.example.org/n/{saved}"


def test_signed_urls_are_there_for_a_private_bucket(settings, s3_environment):
    environ, _ = s3_environment
    use(settings, {**environ, "DJANGO_MEDIA_SIGNED_URLS": "true"})
    saved = default_storage.save("private/p04.png", ContentFile(PNG))
    try:
        url = default_storage.url(saved)
        assert "Signature" in url or "X-Amz-Signature" in url
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.read() == PNG
    finally:
        default_storage.delete(saved)
