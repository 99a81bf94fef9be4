"""Fixtures for operations tests: throwaway PostgreSQL servers a test may stop, crash and
restart, and streaming standbys of any server.

``initdb`` (and, for ``migrated_cluster``, ``pmo db upgrade``) runs once per test process
into a template; each test gets a copy of it on a port of its own, stopped and deleted after
the test. Their folders live in one ``/tmp/pmo-pg-*`` folder per test process, owned by the
server user (see ``tests.ops.cluster.server_folder``), deleted at the end. Without the
PostgreSQL server binaries the tests are skipped, except under ``CI=true`` where that is a
failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.ops.cluster import (
    Cluster,
    missing_reason,
    pg_bin_dir,
    replication_refusal,
    scratch_folder,
)

MakeCluster = Callable[..., Cluster]
MakeStandby = Callable[[str, int], Cluster]
PMO = Path(sys.executable).with_name("pmo")


def _skip_or_fail(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def require_replication(host: str, port: int) -> None:
    """Skip the test (fail under ``CI=true``) when ``host:port`` refuses replication."""
    refusal = replication_refusal(host, port)
    if refusal is not None:
        _skip_or_fail(f"{host}:{port} refuses replication connections (add "
                      f"'host replication all 127.0.0.1/32 trust' to its pg_hba.conf): "
                      f"{refusal}")


def migrate(url: str, folder: Path) -> None:
    """``pmo db upgrade`` against ``url``, as an operator would run it (from ``folder``: no
    ``.env`` there, and none of our own ``PMO_*`` settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    done = subprocess.run([str(PMO), "db", "upgrade"], capture_output=True, text=True,  # noqa: S603 - our own command
                          env={**env, "PMO_DATABASE_URL": url}, cwd=folder, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr


class Templates:
    """This process's stopped template clusters, made on first use: empty and migrated."""

    def __init__(self, folder: Path, bin_dir: Path) -> None:
        self.folder, self.bin_dir = folder, bin_dir
        self._made: dict[bool, Cluster] = {}

    def get(self, *, migrated: bool) -> Cluster:
        if migrated not in self._made:
            if migrated:
                template = Cluster.copy_of(self.get(migrated=False), self.folder / "migrated")
                template.start()
                try:
                    migrate(template.url, self.folder)
                finally:
                    template.stop("fast")
            else:
                template = Cluster.initdb(self.folder / "empty", bin_dir=self.bin_dir)
            self._made[migrated] = template
        return self._made[migrated]

    def destroy(self) -> None:
        for template in self._made.values():
            template.destroy()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster_templates() -> Iterator[Templates]:
    """The template clusters (skips, or fails under CI, without PostgreSQL binaries)."""
    reason = missing_reason()
    if reason is not None:
        _skip_or_fail(reason)
    bin_dir = pg_bin_dir()
    assert bin_dir is not None
    templates = Templates(scratch_folder("pmo-pg-"), bin_dir)
    try:
        yield templates
    finally:
        templates.destroy()


@pytest.fixture
def make_cluster(cluster_templates: Templates) -> Iterator[MakeCluster]:
    """``make_cluster(migrated=False, start=True) -> Cluster``: a fresh throwaway server
    (at the latest migration when ``migrated``); every one is destroyed after the test."""
    made: list[Cluster] = []

    def make(*, migrated: bool = False, start: bool = True) -> Cluster:
        template = cluster_templates.get(migrated=migrated)
        cluster = Cluster.copy_of(template, scratch_folder("pg-", cluster_templates.folder))
        made.append(cluster)
        if start:
            cluster.start()
        return cluster

    yield make
    for cluster in made:
        cluster.destroy()


@pytest.fixture
def cluster(make_cluster: MakeCluster) -> Cluster:
    """A fresh, running throwaway server with an empty ``postgres`` database."""
    return make_cluster()


@pytest.fixture
def migrated_cluster(make_cluster: MakeCluster) -> Cluster:
    """A fresh, running throwaway server whose ``postgres`` database is at the latest
    migration (``pmo db upgrade``)."""
    return make_cluster(migrated=True)


@pytest.fixture
def make_standby(cluster_templates: Templates) -> Iterator[MakeStandby]:
    """``make_standby(host, port) -> Cluster``: a running streaming standby of that server
    (skipped, or failed under CI, when it refuses replication); destroyed after the test."""
    made: list[Cluster] = []

    def make(host: str, port: int) -> Cluster:
        require_replication(host, port)
        standby = Cluster.standby_of(host, port,
                                     scratch_folder("pg-standby-", cluster_templates.folder),
                                     bin_dir=cluster_templates.bin_dir)
        made.append(standby)
        return standby

    yield make
    for standby in made:
        standby.destroy()
