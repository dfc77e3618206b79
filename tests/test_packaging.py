"""The installable package: a wheel that carries its geodata and builds a map from any folder."""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installs_and_builds_the_example_from_another_folder(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("zonemap-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"zonemap/geodata/{p.name}" for p in (ROOT / "geodata").iterdir()}
    assert shipped <= names, shipped - names
    assert "zonemap/scenario/scenario.schema.json" in names and "zonemap/render/templates/zonemap.js" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    # Dependencies come from this environment (read-only), so the test needs no network; zonemap itself
    # must come from the wheel: a path added by a .pth file does not run the editable install's own .pth.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(python), "-c", "import zonemap.data as d, zonemap; print(zonemap.__file__); "
                            "print(d.installed_geodata_dir())"], cwd=elsewhere, check=True, capture_output=True, text=True)
    package_file, data_dir = where.stdout.split()
    assert package_file.startswith(str(venv)) and data_dir.startswith(str(venv))

    done = subprocess.run([str(venv / "bin" / "zonemap"), "build", str(ROOT / "examples" / "astana-2017.yaml"),
                           "-o", "maps", "--formats", "html,png,geojson", "-q"], cwd=elsewhere, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (elsewhere / "maps").iterdir() if not p.name.startswith(".")} == {
        "astana-2017.html", "astana-2017.png", "astana-2017.geojson"}
    geocoded = subprocess.run([str(venv / "bin" / "zonemap"), "geocode", "Deraa"], cwd=elsewhere, capture_output=True,
                              text=True, check=True)
    assert "Daraa" in geocoded.stdout
