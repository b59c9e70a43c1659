"""import_pages on odd command lines: one clear line and an exit status, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from editions import sources
from editions.models import ImportRun
from tests.rawpages import raw_page, write

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def manage(*args, tmp_path):
    """Run manage.py in a fresh process on a throwaway database, as an operator would."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "DJANGO_DEBUG": "true",
    }
    env.pop("PYTHONWARNINGS", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    return subprocess.run(
        [sys.executable, "manage.py", "import_pages", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
    )


@pytest.mark.parametrize("value", ["2024-02-30", "notadate", "2024-13-01"])
def test_a_bad_date_option_is_one_line_and_exit_status_2(tmp_path, value):
    done = manage("--date", value, str(tmp_path), tmp_path=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2
    assert "Traceback" not in err
    assert f"--date '{value}' is not a date in the form YYYY-MM-DD." in err


def test_a_path_that_is_not_utf8_is_reported_and_recorded_escaped(tmp_path):
    odd = os.fsencode(tmp_path) + b"/\xff\xfe-2024-08-02"
    os.makedirs(odd)
    (Path(os.fsdecode(odd)) / "p2-1.txt").write_text(raw_page(), encoding="utf-8")
    done = manage(os.fsdecode(odd), tmp_path=tmp_path)
    err = done.stderr.decode()
    assert "Traceback" not in err
    assert done.returncode == 0, err
    assert "1 created" in done.stdout.decode() or "新建 1" in done.stdout.decode()


def test_the_record_of_a_non_utf8_path_is_saved_on_any_database(tmp_path):
    odd = os.fsdecode(os.fsencode(tmp_path) + b"/\xff-missing")
    with pytest.raises(Exception, match="1 of 1 files failed"):
        call_command("import_pages", odd, verbosity=0)
    run = ImportRun.objects.get()
    assert "\\xff" in run.paths or "\\udcff" in run.paths
    assert run.status == ImportRun.State.FINISHED
    assert len(run.failures) == 1
    assert "no such file" in run.failures[0]


def test_a_page_file_far_too_large_is_refused_before_it_is_parsed(tmp_path):
    folder = tmp_path / "2024-08-02"
    write(
        folder,
        "huge.htm",
        "<html><body>" + "<p>段落</p>" * (sources.MAX_MEMBER_BYTES // 12) + "</body></html>",
    )
    with pytest.raises(Exception, match="1 of 1 files failed"):
        call_command("import_pages", str(folder), verbosity=0)
    assert "too large" in ImportRun.objects.get().failures[0]


def test_a_command_run_says_it_is_alive_while_it_works(tmp_path, monkeypatch):
    from editions.management.commands import import_pages

    monkeypatch.setattr(import_pages, "HEARTBEAT_SECONDS", 0)
    folder = tmp_path / "2024-08-02"
    for n in (1, 2):
        write(folder, f"p2-{n}.txt", raw_page())
    call_command("import_pages", str(folder), verbosity=0)
    run = ImportRun.objects.get()
    assert run.heartbeat_at is not None
    assert run.status == ImportRun.State.FINISHED
