"""Applies the migrations of the databases the registry lists."""

from __future__ import annotations

from bootstrap.registry import migration_dirs
from shopgraph import migrations
from shopgraph.settings import Settings


def databases() -> list[str]:
    """Every database with migrations, services first, in migration order."""
    return list(migration_dirs())


async def migrate(name: str, url: str, revision: str = "head") -> None:
    """Upgrade database ``name`` (a service or a worker package) at ``url``."""
    dirs = migration_dirs()
    if name not in dirs:
        raise KeyError(f"{name!r} has no migrations; databases: {', '.join(dirs)}")
    await migrations.migrate(dirs[name], url, revision)


async def migrate_all(settings: Settings, names: list[str] | None = None) -> list[str]:
    """Migrate ``names`` (default: every database); returns those migrated."""
    chosen = names if names is not None else databases()
    for name in chosen:
        await migrate(name, settings.database_url_for(name))
    return chosen
