# Quality award portal: developer commands.
#
#   make run     install what is missing, migrate, load the demo data, start on 127.0.0.1:8000
#                (the next free port when 8000 is taken; the logins are printed with the real address)
#   make demo-reset  throw the demo database away and load the demo afresh
#   make test    install what is missing, run the test suite (PYTEST_ARGS="-k foo -x" to narrow)
#   make bench   run the benchmarks (BENCH_SCALE=... to size them)
#   make lint    ruff
#
# Without DATABASE_URL / REDIS_URL everything runs embedded (SQLite in var/, eager Celery).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(VPY) manage.py

HOST ?= 127.0.0.1
PORT ?= 8000
# `make run` runs with DEBUG=1 (no SECRET_KEY needed); `make run DEBUG=0 SECRET_KEY=...` for prod-like.
DEBUG ?= 1
RUN_ENV := DEBUG=$(DEBUG)

PYTEST_ARGS ?=
BENCH_SCALE ?=

DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk libharfbuzz-subset0 \
                   poppler-utils gettext chromium

.PHONY: help venv system-deps messages migrate demo demo-reset collectstatic run test bench lint

help:
	@echo "make run | test | bench | lint | migrate | demo | demo-reset | venv | system-deps"

# --- Python environment -------------------------------------------------------------------
$(VPY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# --- Debian packages (only the missing ones; sudo when not root) ---------------------------
system-deps:
	@missing=""
	for pkg in $(DEBIAN_PACKAGES); do
	  status=$$(dpkg -s "$$pkg" 2>/dev/null || true)
	  case "$$status" in *"Status: install ok installed"*) ;; *) missing="$$missing $$pkg" ;; esac
	done
	if [ -z "$$missing" ]; then exit 0; fi
	echo "Installing missing Debian packages:$$missing"
	if ! command -v apt-get >/dev/null 2>&1; then
	  echo "apt-get not found: install$$missing by hand" >&2; exit 1
	fi
	SUDO=""
	if [ "$$(id -u)" != 0 ]; then
	  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
	    echo "not root and no sudo: install$$missing as root" >&2; exit 1
	  fi
	fi
	# Another process may hold the apt/dpkg lock: wait for it (up to 10 minutes).
	for attempt in $$(seq 1 60); do
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update && break
	  [ "$$attempt" = 60 ] && exit 1
	  echo "apt-get update failed (lock?), retrying in 10 s" >&2; sleep 10
	done
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y $$missing

# --- Django steps -------------------------------------------------------------------------
# compilemessages walks the whole tree: keep it out of the venv (Django's own catalogs).
messages: venv
	@if [ -d locale ]; then
	  $(RUN_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=var --ignore=node_modules
	fi

migrate: venv
	$(RUN_ENV) $(MANAGE) migrate --noinput

demo: migrate
	$(RUN_ENV) $(MANAGE) load_demo

# Embedded SQLite: delete the file; a DATABASE_URL database: flush every table. Then as `make demo`.
demo-reset: venv
	@if [ -z "$${DATABASE_URL:-}" ]; then
	  echo "Removing var/db.sqlite3"
	  rm -f var/db.sqlite3
	else
	  echo "Flushing the database at DATABASE_URL"
	  $(RUN_ENV) $(MANAGE) flush --noinput
	fi
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(RUN_ENV) $(MANAGE) load_demo

collectstatic: venv
	$(RUN_ENV) $(MANAGE) collectstatic --noinput -v 0

# Starts the portal; with REDIS_URL set also a Celery worker and beat, stopped with the server.
run: system-deps venv messages migrate collectstatic
	@export DEBUG=$(DEBUG)
	# The port actually served: PORT when free, else the next free one (8000 is often taken).
	port=$$($(VPY) -c 'import socket, sys; h, p = sys.argv[1], int(sys.argv[2]); print(next((q for q in range(p, p + 50) if socket.socket().connect_ex((h, q)) != 0), p))' $(HOST) $(PORT))
	[ "$$port" = "$(PORT)" ] || echo "Port $(PORT) is taken: serving on $$port"
	# Links in e-mails point at the address actually served (unless the environment names one).
	export PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$$port}"
	$(MANAGE) load_demo --url "http://$(HOST):$$port/"
	pids=""
	cleanup() {
	  if [ -n "$$pids" ]; then
	    echo "Stopping Celery ($$pids)"
	    kill $$pids 2>/dev/null || true
	    wait $$pids 2>/dev/null || true
	  fi
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ -n "$${REDIS_URL:-}" ]; then
	  mkdir -p var/log
	  $(VPY) -m celery -A award_portal worker -l info >var/log/celery-worker.log 2>&1 &
	  pids="$$pids $$!"
	  $(VPY) -m celery -A award_portal beat -l info \
	    --scheduler django_celery_beat.schedulers:DatabaseScheduler >var/log/celery-beat.log 2>&1 &
	  pids="$$pids $$!"
	  echo "Celery worker and beat started (logs in var/log/celery-*.log)"
	else
	  echo "REDIS_URL not set: Celery tasks run eagerly inside the web process"
	fi
	echo
	echo "Portal: http://$(HOST):$$port/   (demo logins above, password demo-pass-2026)"
	echo
	$(MANAGE) runserver $(HOST):$$port

# --- Checks -------------------------------------------------------------------------------
test: system-deps venv messages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: venv
	@if [ -f benchmarks/__main__.py ]; then
	  $(if $(BENCH_SCALE),BENCH_SCALE=$(BENCH_SCALE)) $(VPY) -m benchmarks
	else
	  echo "no benchmarks yet"
	fi

lint: venv
	$(VENV)/bin/ruff check .
