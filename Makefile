VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-availability serve test bench fuzz lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) cli.py roster fixtures/acme-support --out out/acme-support

demo-availability: $(STAMP)
	$(PY) cli.py validate fixtures/availability-team
	$(PY) cli.py roster fixtures/availability-team --out out/availability-team

# The web app on copies of the fixture teams (out/workspace; the fixtures themselves stay as they are).
WORKSPACE := out/workspace
serve: $(STAMP)
	mkdir -p $(WORKSPACE)
	for team in acme-support availability-team helpdesk small; do \
		test -d $(WORKSPACE)/$$team || cp -r fixtures/$$team $(WORKSPACE)/; done
	$(PY) cli.py serve $(WORKSPACE)

# The report's browser test drives Debian's Chromium (never a downloaded browser build).
CHROMIUM := /usr/bin/chromium

test: $(STAMP) $(CHROMIUM)
	$(PY) -m ruff check .
	$(PY) -m mypy scheduler cli.py
	$(PY) -m pytest -n auto

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]' || echo "peers not installed; peer columns will be empty"
	$(PY) -m benchmarks.run_all

fuzz: $(STAMP)
	$(PY) -m benchmarks.campaign --cases 5000

clean:
	rm -rf $(VENV) out
