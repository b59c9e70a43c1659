# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here serves them or the maintainers.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers: both cores by default (CI has 2).
PYTEST_WORKERS ?= 2

.PHONY: run install install-test serve demo test test-fast test-browser lint fmt check-deploy \
        bench-import bench-web bench-search bench-lighthouse clean messages

$(VENV)/bin/python:
	@scripts/make-venv "$(PYTHON)" "$(VENV)"

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --disable-pip-version-check --editable .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check --editable '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make run: install, migrate, load the demo editions, serve on http://127.0.0.1:8000
run: demo serve

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py create_paper ljwb 临江晚报 --subtitle "城市的夜晚，读懂临江" --position 2 --colour "#1f4e79"
	$(PY) manage.py import_pages --verbosity 1 fixtures/demo
	$(PY) manage.py render_pages
	$(PY) manage.py rebuild_search_index --pending
	$(PY) manage.py create_demo_users

serve: install
	@scripts/serve $(PY) $(HOST) $(PORT)

## make test: install test dependencies and run the whole suite
test: install-test
	@scripts/ensure-browser
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: install-test
	$(PY) -m pytest -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

test-browser: install-test
	@scripts/ensure-browser
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

fmt: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## the production profile must pass Django's deployment checklist
check-deploy: install
	DJANGO_DEBUG=false DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

bench-import: install
	$(PY) benchmarks/bench_import.py $(BENCH_ARGS)

bench-web: install
	$(PY) benchmarks/bench_web.py $(BENCH_ARGS)

## full-text search at scale: BENCH_ARGS="--articles 100000" for a quicker run (default 1,000,000)
bench-search: install
	$(PY) benchmarks/bench_search.py $(BENCH_ARGS)

## Lighthouse on the page view and the article view (phone): installs lighthouse@12.2.3 under
## benchmarks/out (git-ignored), serves the demo with gunicorn on 127.0.0.1, prints the scores
bench-lighthouse: install
	@test -f benchmarks/out/lighthouse/node_modules/lighthouse/cli/index.js || \
		npm install --prefix benchmarks/out/lighthouse lighthouse@12.2.3 --no-audit --no-fund --silent
	$(PY) benchmarks/bench_lighthouse.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles tests/artifacts .pytest_cache

## refresh the translation catalogue (then edit locale/zh_Hans/LC_MESSAGES/django.po)
messages: install
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=fixtures --ignore=benchmarks/out
	$(PY) manage.py compilemessages --ignore=.venv
