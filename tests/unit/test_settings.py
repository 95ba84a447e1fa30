import pytest

from shopgraph.settings import SettingsError, load_settings


def test_defaults_are_the_embedded_column(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("SHOPGRAPH_DATABASE_URL", "SHOPGRAPH_BUS_URL", "SHOPGRAPH_KV_URL"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings()
    assert settings.database_url_for("users").startswith("sqlite+aiosqlite:///")
    assert settings.database_url_for("users").endswith("/users.db")
    assert settings.bus_url == "memory://"
    assert settings.kv_url == "memory://"
    assert settings.url_for("users") == "http://127.0.0.1:4001/graphql"


def test_one_database_per_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "SHOPGRAPH_DATABASE_URL", "postgresql+asyncpg://u:p@127.0.0.1:5432/shop_{service}"
    )
    settings = load_settings()
    assert settings.database_url_for("orders").endswith("/shop_orders")
    assert settings.database_url_for("users").endswith("/shop_users")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SHOPGRAPH_DATABASE_URL", "mysql://localhost/x"),
        ("SHOPGRAPH_BUS_URL", "rabbitmq://localhost"),
        ("SHOPGRAPH_KV_URL", "memcached://localhost"),
        ("SHOPGRAPH_ACCESS_TOKEN_TTL_SECONDS", "-5"),
        ("SHOPGRAPH_LOG_LEVEL", "LOUD"),
        ("SHOPGRAPH_ENVIRONMENT", "staging"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert variable in str(caught.value)


def test_service_urls_override_for_compose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_SERVICE_URLS", '{"users": "http://users:4001/graphql"}')
    assert load_settings().url_for("users") == "http://users:4001/graphql"
