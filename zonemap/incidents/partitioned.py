"""The admin and zone join on dask-geopandas partitions, for event tables beyond one machine.

The in-memory join (:func:`zonemap.incidents.join.place_incidents`) tests a
million points against Syria's units in seconds, but needs them all in one
process. Here the same two lookups run partition by partition on a dask
cluster: :func:`join_partitions` is lazy and takes any dask-geopandas frame
of points (say, a multi-year event table read with
``dask_geopandas.read_parquet``); :func:`partitioned_join` is what
``zonemap build --engine dask`` does with a scenario's incidents, and gives
exactly what the in-memory join gives.

Each worker receives the :class:`~zonemap.geometry.admin.AdminLocator` and
the zones once (scattered, not sent with every task), and each partition is
answered by the same functions as the in-memory path, so both engines agree
by construction; the test suite checks that they do on a local cluster.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError
from ..geometry.admin import AdminLocator
from .join import zone_hits

if TYPE_CHECKING:
    import dask.dataframe
    import dask_geopandas
    from distributed import Client

ROWS_PER_PARTITION = 200_000
"""Points per partition when a table is split for the cluster (at least one partition per worker)."""


def locate_partition(partition: gpd.GeoDataFrame, locator: AdminLocator, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """One partition's points: their country and admin units, and the zones they lie in.

    Parameters
    ----------
    partition
        Points (any other columns are ignored).
    locator
        Country and admin-unit lookups.
    zones
        Zone polygons with an ``id`` column.

    Returns
    -------
    pandas.DataFrame
        The partition's index; the columns of :meth:`AdminLocator.locate`
        and ``zones`` (tuple of the ids of the zones each point lies in, in
        the zones' order).
    """
    geometries = partition.geometry.to_numpy()
    located = locator.locate(partition.geometry.x.to_numpy(), partition.geometry.y.to_numpy())
    point_index, zone_index = zone_hits(geometries, zones)
    ids = zones["id"].to_numpy(dtype=object)
    zones_of: list[tuple[str, ...]] = [() for _ in range(len(partition))]
    for point, zone in zip(point_index.tolist(), zone_index.tolist()):
        zones_of[point] += (ids[zone],)
    located["zones"] = pd.Series(zones_of, dtype=object).to_numpy()
    located.index = partition.index
    return located


def _meta(locator: AdminLocator, zones: gpd.GeoDataFrame) -> pd.DataFrame:
    """The columns :func:`locate_partition` returns, with their types, from an empty partition."""
    empty = gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    return locate_partition(empty, locator, zones)


def join_partitions(points: dask_geopandas.GeoDataFrame, locator: AdminLocator, zones: gpd.GeoDataFrame, *,
                    client: Client | None = None) -> dask.dataframe.DataFrame:
    """Country, admin units and zones of every point of a partitioned table (lazy).

    Parameters
    ----------
    points
        A dask-geopandas frame of points in EPSG:4326.
    locator
        Country and admin-unit lookups (``zonemap.geometry.admin.locator(country, geodata)``).
    zones
        Zone polygons with an ``id`` column (``briefing.zones``).
    client
        A dask client; when given, the locator and zones are scattered to
        its workers once instead of travelling with the task graph.

    Returns
    -------
    dask.dataframe.DataFrame
        Per point, in partition order with the points' index: the columns
        of :meth:`AdminLocator.locate` and ``zones`` (tuple of zone ids).
        Aggregate it with dask (``.groupby("admin3_code").size()``) or
        ``.compute()`` it.

    Raises
    ------
    InputError
        If the points are not in EPSG:4326.
    """
    if points.crs is not None and points.crs != "EPSG:4326":
        raise InputError(f"points must be in EPSG:4326 (longitude, latitude), got {points.crs}")
    meta = _meta(locator, zones)
    if client is not None:
        locator, zones = client.scatter([locator, zones], broadcast=True)
    return points.map_partitions(locate_partition, locator, zones, meta=meta)


@contextmanager
def dask_client(scheduler: str | None = None) -> Iterator[Client]:
    """A dask client: on a running scheduler, or on a local cluster started (and stopped) for the occasion.

    Parameters
    ----------
    scheduler
        A scheduler's address (``tcp://10.0.0.5:8786``); None starts a local
        cluster of worker processes on 127.0.0.1, one per core (its dashboard, if
        bokeh is installed, on a free port).

    Yields
    ------
    distributed.Client
        Not made the process's default client: nothing else is routed to it.

    Raises
    ------
    InputError
        If no scheduler answers at ``scheduler``.
    """
    from distributed import Client, LocalCluster

    if scheduler is None:
        # Port 0: the scheduler's HTTP endpoint on any free port, never the fixed 8787 another cluster may hold.
        with LocalCluster(host="127.0.0.1", dashboard_address=":0", threads_per_worker=1, processes=True) as cluster, \
                Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = Client(scheduler, set_as_default=False, timeout="10s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(f"no dask scheduler answers at {scheduler!r} ({error}); give a running scheduler's address, "
                         "or leave --scheduler out for a local cluster") from None
    with client:
        yield client


def partitioned_join(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, locator: AdminLocator, *,
                     scheduler: str | None = None, npartitions: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What :func:`~zonemap.incidents.join.place_incidents` returns, computed on a dask cluster.

    Parameters
    ----------
    points
        Incident points with an ``id`` column.
    zones
        Zone polygons with an ``id`` column.
    locator
        Country and admin-unit lookups.
    scheduler
        A dask scheduler's address; None for a local cluster.
    npartitions
        How many partitions to split the points into; by default one per
        :data:`ROWS_PER_PARTITION` points and at least one per worker.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Each point's admin units (as :meth:`AdminLocator.locate`), and the
        zone links (``zone_id``, ``incident_id``, by incident then zone).
    """
    import dask.dataframe as dd
    import dask_geopandas

    frame = points[["geometry"]].reset_index(drop=True)
    with dask_client(scheduler) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        count = npartitions or max(workers, math.ceil(len(frame) / ROWS_PER_PARTITION))
        bounds = np.linspace(0, len(frame), max(1, min(count, len(frame))) + 1).astype(int)
        # The partitions go to the workers as data (scattered), not inside the task graph, which would
        # carry every point through the scheduler.
        pieces = client.scatter([frame.iloc[low:high] for low, high in zip(bounds[:-1], bounds[1:])])
        divisions = (*bounds[:-1].tolist(), int(bounds[-1]) - 1)
        partitioned = dask_geopandas.from_dask_dataframe(
            dd.from_delayed(pieces, meta=frame.iloc[:0], divisions=divisions, verify_meta=False), geometry="geometry")
        located = client.compute(join_partitions(partitioned, locator, zones, client=client)).result()
    zones_of = located.pop("zones").reset_index(drop=True)
    # Rebuild each column from its values so that pandas infers its type from the whole column, as the
    # in-memory join does: a partition whose column is all None comes back as object, the others as str;
    # then as categoricals, as the in-memory join gives them.
    located = pd.DataFrame({name: located[name].to_numpy(dtype=object) for name in located.columns}).astype("category")
    counts = np.fromiter((len(hit) for hit in zones_of), dtype=np.int64, count=len(zones_of))
    links = pd.DataFrame({"zone_id": np.array([z for hit in zones_of for z in hit], dtype=object),
                          "incident_id": np.repeat(points["id"].to_numpy(dtype=object), counts)})
    return located, links
