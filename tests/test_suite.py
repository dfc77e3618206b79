"""The suite's own guarantees: missing tools skip locally but fail under CI."""

import pytest
from conftest import require_tool


def test_a_missing_tool_fails_the_run_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true but Chromium"):
        require_tool(None, "Chromium")


def test_a_missing_tool_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="make test installs it when CI=true"):
        require_tool(None, "Chromium")
    assert require_tool("/usr/bin/chromium", "Chromium") == "/usr/bin/chromium"
