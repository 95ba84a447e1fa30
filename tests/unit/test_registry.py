"""The composition root lists every service the settings give a port, and nothing else."""

import pytest

from bootstrap.registry import SERVICES, migration_dirs, service, worker_group, worker_groups
from shopgraph.settings import SERVICES as CONFIGURED


def test_every_configured_service_is_registered_in_port_order() -> None:
    assert [spec.name for spec in SERVICES] == list(CONFIGURED)


def test_every_registered_migration_directory_exists() -> None:
    for name, directory in migration_dirs().items():
        assert (directory / "env.py").is_file(), name


def test_worker_groups_are_unique_and_named() -> None:
    groups = worker_groups()
    assert {"payments", "orders", "order-status", "inventory", "carts"} <= set(groups)
    assert {"reviews", "notifications", "search", "analytics"} <= set(groups)
    assert all(worker_group(name) is group for name, group in groups.items())


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="choose one of: users"):
        service("warehouse-robots")
    with pytest.raises(KeyError, match=r"available: .*payments"):
        worker_group("no-such-group")
