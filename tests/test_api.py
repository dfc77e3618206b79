"""The public Python API: documented, annotated, stable names, light to import."""

import importlib
import inspect
import pkgutil
import subprocess
import sys

import pytest

import zonemap


def public_callables():
    for name in zonemap.__all__:
        value = getattr(zonemap, name)
        if inspect.isclass(value):
            yield name, value
            for member_name, member in vars(value).items():
                if not member_name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    yield f"{name}.{member_name}", member.fget if isinstance(member, property) else member
        elif callable(value):
            yield name, value


@pytest.mark.parametrize("name", zonemap.__all__)
def test_every_public_name_is_documented(name):
    value = getattr(zonemap, name)
    assert inspect.getdoc(value) and len(inspect.getdoc(value)) > 20, name


@pytest.mark.parametrize("name,function", [(n, f) for n, f in public_callables() if not inspect.isclass(f)])
def test_every_public_function_and_method_is_documented_and_annotated(name, function):
    assert inspect.getdoc(function), name
    signature = inspect.signature(function)
    missing = [p for p, parameter in signature.parameters.items()
               if p not in ("self", "cls") and parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
               and parameter.annotation is inspect.Parameter.empty]
    assert not missing, f"{name}: parameters without annotations: {missing}"
    assert signature.return_annotation is not inspect.Signature.empty, f"{name}: no return annotation"


def test_numpy_style_sections_on_the_main_entry_points():
    for function in (zonemap.prepare, zonemap.build, zonemap.geocode, zonemap.load_scenario, zonemap.Briefing.save):
        doc = inspect.getdoc(function)
        assert "Parameters\n----------" in doc and "Returns\n-------" in doc, function.__name__
    assert "Examples\n--------" in inspect.getdoc(zonemap.prepare)


def test_no_module_is_hidden_by_a_function_of_the_same_name():
    modules = {info.name for info in pkgutil.walk_packages(zonemap.__path__)}
    assert not modules & set(zonemap.__all__)


def test_every_subpackage_imports_and_says_what_it_is():
    for info in pkgutil.walk_packages(zonemap.__path__, prefix="zonemap."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        assert inspect.getdoc(module), info.name


def test_input_errors_are_value_errors_under_one_root():
    assert issubclass(zonemap.InputError, zonemap.ZonemapError) and issubclass(zonemap.InputError, ValueError)
    for error in (zonemap.ScenarioError, zonemap.GeocodeError, zonemap.UnknownPlaceError):
        assert issubclass(error, zonemap.InputError)
    with pytest.raises(ValueError):
        zonemap.load_scenario({"title": "no zones"})


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    assert zonemap.__version__ == version("zonemap")


def test_importing_zonemap_does_not_load_the_map_pipeline():
    code = ("import sys, zonemap; zonemap.geocode('Douma'); "
            "print(','.join(m for m in ('geopandas', 'folium', 'matplotlib', 'pandas') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""
