"""The admin and zone join on dask-geopandas partitions gives exactly the in-memory join (local clusters)."""

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from zonemap import InputError, Settings, prepare
from zonemap.geometry.admin import AdminLocator
from zonemap.incidents.join import place_incidents
from zonemap.incidents.partitioned import partitioned_join

SCENARIO = Path(__file__).parent / "data" / "before_after.yaml"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def briefing():
    return prepare(SCENARIO)


@pytest.fixture(scope="module")
def scheduler():
    """A running two-worker cluster on 127.0.0.1, reached by its address as a remote one would be."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      host="127.0.0.1") as cluster:
        yield cluster.scheduler_address


def sample(count: int, seed: int) -> gpd.GeoDataFrame:
    """Random points over Syria and its neighbours, plus the fixture's incidents (inside the zones)."""
    rng = np.random.default_rng(seed)
    lon = np.concatenate([rng.uniform(35.5, 42.5, count), [36.4027, 36.2765, 36.6339]])
    lat = np.concatenate([rng.uniform(32.2, 37.4, count), [33.5718, 33.5138, 35.9306]])
    return gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(lon))]}, geometry=gpd.points_from_xy(lon, lat),
                            crs="EPSG:4326")


def test_partitions_on_a_scheduler_give_the_in_memory_join(briefing, scheduler):
    points = sample(3000, 7)
    locator = AdminLocator(briefing.scenario.country, briefing.provinces, briefing.countries, briefing.sub_districts,
                           briefing.districts)
    in_memory = place_incidents(points, briefing.zones, locator)
    located, links = partitioned_join(points, briefing.zones, locator, scheduler=scheduler, npartitions=4)
    pd.testing.assert_frame_equal(located, in_memory[0])
    pd.testing.assert_frame_equal(links, in_memory[1])
    # The sample reaches several countries and many sub-districts, and the zones.
    assert located["country"].nunique() >= 4 and located["admin3_code"].nunique() > 50
    assert {"ghouta", "idlib", "daraa"} <= set(links["zone_id"])
    for few in (points.iloc[:0], points.iloc[-3:]):  # no incident at all; fewer incidents than partitions
        expected = place_incidents(few, briefing.zones, locator)
        got = partitioned_join(few, briefing.zones, locator, scheduler=scheduler, npartitions=4)
        pd.testing.assert_frame_equal(got[0], expected[0])
        pd.testing.assert_frame_equal(got[1], expected[1])


def test_a_briefing_on_the_dask_engine_equals_the_in_memory_one(briefing):
    on_dask = prepare(SCENARIO, settings=Settings(engine="dask"))  # a local cluster, started and stopped
    pd.testing.assert_frame_equal(on_dask.incidents.drop(columns="geometry"), briefing.incidents.drop(columns="geometry"))
    pd.testing.assert_frame_equal(on_dask.zone_incidents, briefing.zone_incidents)
    pd.testing.assert_frame_equal(on_dask.before_after, briefing.before_after)


def test_an_unreachable_scheduler_is_an_input_error(briefing):
    with pytest.raises(InputError, match="no dask scheduler answers at 'tcp://127.0.0.1:9'"):
        prepare(SCENARIO, settings=Settings(engine="dask", scheduler="tcp://127.0.0.1:9"))


def test_unknown_engines_are_refused():
    with pytest.raises(ValueError, match="engine must be one of pandas, dask"):
        Settings(engine="spark")
