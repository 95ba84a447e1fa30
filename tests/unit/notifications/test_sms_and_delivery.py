"""SMS adapters by settings, masked logs, and what production refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from shopgraph.settings import SettingsError, load_settings
from workers.notifications import notification_handlers
from workers.notifications.delivery import check_delivery_settings
from workers.notifications.mail import LogMailer, OutgoingEmail
from workers.notifications.masking import mask_email, mask_phone
from workers.notifications.sms import RECENT_LIMIT, HttpSmsSender, LogSmsSender, sms_sender_for


def test_masks_keep_enough_to_tell_messages_apart() -> None:
    assert mask_email("ada.lovelace@example.com") == "a***@example.com"
    assert mask_email("not-an-address") == "***"
    assert mask_phone("+44 20 7946 0958") == "***958"
    assert mask_phone("12") == "***"


async def test_logged_sms_and_mail_never_show_the_number_or_address() -> None:
    sms, mailer = LogSmsSender(), LogMailer()
    with capture_logs() as logs:
        await sms.send("+15550100123", "Your order is paid")
        await mailer.send(OutgoingEmail("ada@example.com", "Hi", "text", "<p>text</p>"))
    logged = repr(logs)
    assert "+15550100123" not in logged and "ada@example.com" not in logged
    assert "***123" in logged and "a***@example.com" in logged


async def test_the_log_sms_sender_keeps_only_the_last_messages() -> None:
    sms = LogSmsSender()
    for n in range(RECENT_LIMIT + 1):
        await sms.send(f"+1555{n:07d}", "hi")
    assert len(sms.sent) == RECENT_LIMIT


def test_the_sms_adapter_follows_the_sms_url(tmp_path: Path) -> None:
    assert isinstance(sms_sender_for(load_settings(data_dir=tmp_path)), LogSmsSender)
    http = sms_sender_for(
        load_settings(
            data_dir=tmp_path,
            sms_url="https://sms.example/Messages.json",
            sms_username="AC1",
            sms_password="secret",
            sms_from="+15550000000",
        )
    )
    assert isinstance(http, HttpSmsSender) and http.url == "https://sms.example/Messages.json"


def test_an_http_sms_url_needs_credentials_and_a_sender(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, sms_url="https://sms.example/Messages.json")
    with pytest.raises(SettingsError, match="SHOPGRAPH_SMS_USERNAME, SHOPGRAPH_SMS_PASSWORD"):
        sms_sender_for(settings)


def test_production_refuses_log_only_delivery(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environment="production")
    with pytest.raises(SettingsError, match="SHOPGRAPH_SMTP_URL and SHOPGRAPH_SMS_URL"):
        check_delivery_settings(settings)
    half = load_settings(data_dir=tmp_path, environment="production", smtp_url="smtp://mail:25")
    with pytest.raises(SettingsError, match="SHOPGRAPH_SMS_URL deliver"):
        check_delivery_settings(half)


def test_log_delivery_in_production_when_set_explicitly(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environment="production", allow_log_delivery=True)
    check_delivery_settings(settings)  # no error
    check_delivery_settings(load_settings(data_dir=tmp_path))  # dev: log delivery is the default


async def test_the_notifications_worker_refuses_to_start(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, environment="production")
    with pytest.raises(SettingsError, match="production refuses"):
        async with notification_handlers(settings):
            pass
