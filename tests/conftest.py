"""Shared fixtures: the example scenario, built once, and a real browser.

Browser tests drive Debian's Chromium through Playwright for Python; PDF tests
use Debian's poppler-utils. Where those are missing the tests skip and say so,
except under ``CI=true``, where a missing tool fails the run (``make test``
installs them there): a CI that silently lost Chromium must not stay green.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "astana-2017.yaml"
SEED_ARTICLE = ROOT.parent / "shared" / "seed" / "astana-talks-article.txt"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def write_event_table(path: Path, rows: int = 100_000, seed: int = 10) -> int:
    """A zonemap incident table of ``rows`` events at 400 spots in Syria, with text that repeats as exports' does;
    returns its size in bytes."""
    import numpy as np

    rng = np.random.default_rng(seed)
    spots = rng.uniform([35.8, 32.8], [37.0, 36.3], (400, 2)).round(5)
    at = rng.integers(0, len(spots), rows)
    days = (np.datetime64("2017-01-01") + rng.integers(0, 1000, rows)).astype(str)
    kinds = np.array(["shelling", "clashes", "air strike", "other"])[rng.integers(0, 4, rows)]
    lines = [f"e{k},{day},{kind},{spots[p, 1]},{spots[p, 0]},{k % 7},Syrian army; civilians,{kind} near place {p}"
             for k, (day, kind, p) in enumerate(zip(days, kinds, at))]
    path.write_text("id,date,type,lat,lon,fatalities,actors,description\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path.stat().st_size


def require_tool(path: str | None, what: str) -> str:
    """``path`` if the tool exists; otherwise skip the test, or fail it under ``CI=true``."""
    if path is None:
        message = f"{what} is not installed (make test installs it when CI=true)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def example_briefing():
    """The example scenario, prepared once (a Briefing)."""
    from zonemap import prepare

    return prepare(EXAMPLE)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory, example_briefing):
    """The example's default outputs, written once into a temporary folder (format → path)."""
    return example_briefing.save(tmp_path_factory.mktemp("example-build"))


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """``tests/artifacts/`` (git-ignored): screenshots and other test artefacts."""
    path = ROOT / "tests" / "artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    return require_tool(path, "Chromium (Debian package chromium)")


@pytest.fixture(scope="session")
def poppler() -> None:
    """Skip (or fail under CI) unless pdftoppm and pdftotext are installed."""
    found = shutil.which("pdftoppm") and shutil.which("pdftotext")
    require_tool(found or None, "pdftoppm/pdftotext (Debian package poppler-utils)")


@pytest.fixture(scope="session")
def browser(chromium_path):
    """A headless Chromium driven by Playwright, shared by the session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@dataclass
class OfflinePage:
    """A browser page whose every non-``file:``/``data:`` request is aborted, with what happened."""

    page: object
    blocked_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return self.blocked_requests + self.failed_requests + self.console_errors + self.page_errors + self.dialogs


def open_offline_page(browser, viewport=None) -> tuple[object, OfflinePage]:
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800})
    page = context.new_page()
    record = OfflinePage(page)

    def route(route_):
        url = route_.request.url
        if url.startswith(("file:", "data:", "about:")):
            route_.continue_()
        else:
            record.blocked_requests.append(url)
            route_.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: record.failed_requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and record.console_errors.append(message.text))
    page.on("pageerror", lambda error: record.page_errors.append(str(error)))

    def dialog(d):
        record.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return context, record


@pytest.fixture
def open_page(browser):
    """Factory: ``open_page(viewport=None)`` gives a fresh :class:`OfflinePage`; closed after the test."""
    contexts = []

    def factory(viewport=None) -> OfflinePage:
        context, record = open_offline_page(browser, viewport)
        contexts.append(context)
        return record

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def offline_page(open_page) -> OfflinePage:
    """A fresh 1280×800 page with the network cut off (see :class:`OfflinePage`)."""
    return open_page()
