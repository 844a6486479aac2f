"""The Dask backend for cohort screening (extra `trialscreen[dask]`).

The same screening function as the local backend runs over partitions of patients on a Dask
cluster. Trials travel as plain data (their JSON); each worker plans them once and keeps the
plans for later partitions. Without `--scheduler` a local cluster is started for the run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from itertools import islice
from typing import Any

from trialscreen import cohort
from trialscreen.fastpath import trial_plan
from trialscreen.model.trial import Trial

_PLANNED: dict[str, Any] = {}  # per worker process: trial-set hash -> (trials, plans)


def _screen_partition(
    sources: list[cohort.Source], trials_json: list[str], key: str, skip: set[str]
) -> list[tuple[str | None, list[dict[str, Any]], str | None]]:
    """Runs on a worker: plan the trials once per worker, then screen a partition of patients."""
    if key not in _PLANNED:
        trials = [Trial.model_validate_json(text) for text in trials_json]
        _PLANNED[key] = (trials, [trial_plan(t) for t in trials])
    trials, plans = _PLANNED[key]
    cohort._SHARED.update(plans=plans, trials=trials, skip=skip)
    return [cohort.screen_source(source) for source in sources]


def _partitions(items: Iterator[cohort.Source], size: int) -> Iterator[list[cohort.Source]]:
    while batch := list(islice(items, size)):
        yield batch


def run(
    trials: list[Trial],
    sources: Iterator[cohort.Source],
    skip: set[str],
    scheduler: str | None = None,
    partition: int = 16,
) -> Iterator[tuple[str | None, list[dict[str, Any]], str | None]]:
    """Screen patients on a Dask cluster; yields each patient's lines in input order."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # the extra is not installed
        raise RuntimeError("the Dask backend needs: pip install 'trialscreen[dask]'") from exc
    trials_json = [t.model_dump_json() for t in trials]
    key = hashlib.sha256("\n".join(trials_json).encode()).hexdigest()
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        shipped = client.scatter(trials_json, broadcast=True)
        futures = [
            client.submit(_screen_partition, batch, shipped, key, skip, pure=False)
            for batch in _partitions(sources, partition)
        ]
        for future in futures:
            yield from future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
