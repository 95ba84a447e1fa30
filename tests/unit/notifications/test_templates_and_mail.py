"""Templates render every message; mail adapters are chosen by URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopgraph.settings import load_settings
from workers.notifications.mail import (
    LogMailer,
    OutgoingEmail,
    SmtpMailer,
    build_mime,
    mailer_for,
)
from workers.notifications.sms import RECENT_LIMIT
from workers.notifications.templates import TEMPLATE_DIR, render, render_sms

VALUES = {
    "greeting": "Hi <Sam>,",
    "order_id": "5f0c7a7e-0000-4000-8000-000000000001",
    "order_ref": "5F0C7A7E",
    "token": "tok-123",
    "expires_at": "2026-11-24T12:00:00+00:00",
    "items_text": "  1 x Mug",
    "items_html": "<li>1 x Mug</li>",
    "total": "12.50 USD",
    "amount": "12.50 USD",
    "reason_text": "your card was declined.",
    "reason": "out of stock",
    "refund_text": "You were not charged.",
}
MESSAGES = sorted(p.stem for p in TEMPLATE_DIR.glob("*.txt") if not p.name.endswith(".sms.txt"))


def test_every_message_has_both_parts() -> None:
    assert MESSAGES == [
        "order_cancelled",
        "order_confirmation",
        "order_shipped",
        "password_reset",
        "payment_failed",
        "payment_succeeded",
    ]
    for name in MESSAGES:
        assert (TEMPLATE_DIR / f"{name}.html").is_file(), name


@pytest.mark.parametrize("name", MESSAGES)
def test_each_template_renders_with_a_subject(name: str) -> None:
    rendered = render(name, VALUES)
    assert rendered.subject and "\n" not in rendered.subject
    assert "$" not in rendered.text and "$" not in rendered.html
    assert rendered.text.startswith("Hi <Sam>,")  # plain text is not escaped
    assert "Hi &lt;Sam&gt;," in rendered.html  # HTML is
    assert "<Sam>" not in rendered.html
    # Lines short enough that no mail encoder splits an order id or a token.
    assert max(len(line) for line in rendered.text.splitlines()) <= 78


def test_prebuilt_html_is_kept_and_missing_values_are_errors() -> None:
    rendered = render("order_confirmation", VALUES)
    assert "<li>1 x Mug</li>" in rendered.html
    without_total = {k: v for k, v in VALUES.items() if k != "total"}
    with pytest.raises(KeyError):
        render("order_confirmation", without_total)


def test_sms_is_one_line() -> None:
    text = render_sms("payment_succeeded", VALUES)
    assert "\n" not in text and "12.50 USD" in text and "5F0C7A7E" in text


def test_mime_message_has_text_html_and_a_stable_id() -> None:
    message = OutgoingEmail(
        "a@example.com", "Hello", "plain", "<p>html</p>", "<e1.x@shopgraph.dev>"
    )
    mime = build_mime(message, "Shop <no-reply@example.com>")
    assert mime["Message-ID"] == "<e1.x@shopgraph.dev>"
    assert [p.get_content_type() for p in mime.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]


def test_the_mailer_follows_the_smtp_url(tmp_path: Path) -> None:
    assert isinstance(mailer_for(load_settings(data_dir=tmp_path, smtp_url="log://")), LogMailer)
    smtp = mailer_for(load_settings(data_dir=tmp_path, smtp_url="smtp://mail:2525"))
    assert isinstance(smtp, SmtpMailer) and smtp.url == "smtp://mail:2525"


async def test_the_log_mailer_keeps_what_it_logged() -> None:
    mailer = LogMailer()
    message = OutgoingEmail("a@example.com", "Hi", "text", "<p>text</p>")
    await mailer.send(message)
    assert list(mailer.sent) == [message]


async def test_the_log_mailer_keeps_only_the_last_messages() -> None:
    mailer = LogMailer()
    for n in range(RECENT_LIMIT + 5):
        await mailer.send(OutgoingEmail(f"a{n}@example.com", "Hi", "text", "<p>text</p>"))
    assert len(mailer.sent) == RECENT_LIMIT
    assert mailer.sent[-1].to == f"a{RECENT_LIMIT + 4}@example.com"
