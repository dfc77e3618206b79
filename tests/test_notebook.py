"""The notebook and the example script run top to bottom, headless, so they cannot rot."""

import html
import re
from pathlib import Path

import pytest

from zonemap.render.page import external_urls

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "briefing.ipynb"


@pytest.mark.slow
def test_notebook_runs_top_to_bottom(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("ZONEMAP_NOTEBOOK_OUTPUT", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "store it without outputs"
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    maps = [html.unescape(found) for o in outputs for found in re.findall(r'srcdoc="([^"]*)"', o.get("data", {}).get("text/html", ""))]
    assert len(maps) == 1 and "zonemap.zone(" in maps[0]  # the map was shown inline ...
    assert external_urls(maps[0]) == []  # ... with nothing to fetch from a CDN
    assert (tmp_path / "astana-2017.png").exists() and (tmp_path / "astana-2017.geojson").exists()


@pytest.mark.slow
def test_example_script_runs(tmp_path):
    import subprocess
    import sys

    script = NOTEBOOK.parent.parent / "examples" / "briefing.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "incident-6  Harasta" in done.stdout
    assert {p.name for p in tmp_path.iterdir() if not p.name.startswith(".")} == {
        "astana-2017.html", "astana-2017.png", "astana-2017.geojson"}
