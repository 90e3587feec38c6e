# qbank: the two commands of the README are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages WeasyPrint loads at run time, the pinned fonts, fontconfig (fc-list) and poppler (pdftotext, pdffonts).
# fonts-noto-core (Arabic, Hebrew, Indic scripts, regular and bold) and fonts-noto-cjk (Chinese, Japanese, Korean)
# print students' names in every script: about 134 MB installed, a 69 MB download (see the README).
# chromium: the headless browser of the practice server's end-to-end tests (Playwright drives it; nothing downloads one);
# libatomic1: the Node.js runtime inside Playwright's pip wheel needs it (a pristine Debian 12 lacks it).
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-texgyre fonts-texgyre-math fonts-freefont-otf fonts-noto-core fonts-noto-cjk poppler-utils chromium libatomic1
EXAM := exams/cs60010-endsem.yaml
SEED ?= 2026

.PHONY: demo test test-fast setup system-deps goldens lint bench clean

demo: setup
	$(BIN)/qbank build $(EXAM) --seed $(SEED) --out out --force

# The whole suite; PyTorch is installed, so a missing torch fails the run (tests/deep_learning/oracle.py).
test: setup $(VENV)/.torch-installed
	$(BIN)/ruff check src tests benchmarks banks
	QBANK_REQUIRE_TORCH=1 QBANK_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

# The inner loop: every test not marked `slow` (no PDF rendering, long sweeps or worker pools); without torch
# installed the PyTorch oracle tests are skipped, with the reason.
test-fast: setup
	$(BIN)/ruff check src tests benchmarks banks
	$(BIN)/python -m pytest -q -m "not slow"

setup: system-deps $(VENV)/.installed

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test,dask]'
	touch $@

# PyTorch is a test-only oracle (CPU build); the qbank package never imports it.
$(VENV)/.torch-installed: $(VENV)/.installed
	$(BIN)/python -m pip install -q torch==2.13.0
	touch $@

goldens: setup
	QBANK_UPDATE_GOLDENS=1 $(BIN)/python -m pytest -q -k golden tests

lint: setup
	$(BIN)/ruff check src tests benchmarks banks
	$(BIN)/ruff format --check src tests benchmarks banks

bench: setup
	$(BIN)/python benchmarks/sweep.py
	$(BIN)/python benchmarks/check.py
	$(BIN)/python benchmarks/speedups.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/classset.py
	$(BIN)/python benchmarks/classset.py --schedulers 4
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf out .pytest_cache
