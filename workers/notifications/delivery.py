"""Production refuses log-only delivery: a shop whose receipts and reset codes only reach a
log file looks healthy while no customer hears from it. ``log://`` mail or SMS in production
stops the notifications worker at start, unless ``SHOPGRAPH_ALLOW_LOG_DELIVERY=true`` says
it is meant (a staging stack, a shop without SMS)."""

from __future__ import annotations

from shopgraph.settings import Settings, SettingsError


def check_delivery_settings(settings: Settings) -> None:
    if not settings.is_production or settings.allow_log_delivery:
        return
    logged = [
        name
        for name, url in (
            ("SHOPGRAPH_SMTP_URL", settings.smtp_url),
            ("SHOPGRAPH_SMS_URL", settings.sms_url),
        )
        if url.startswith("log://")
    ]
    if logged:
        raise SettingsError(
            f"{' and '.join(logged)} deliver to the log only: production refuses that. Set "
            "SHOPGRAPH_SMTP_URL=smtp://… and SHOPGRAPH_SMS_URL=https://… (with "
            "SHOPGRAPH_SMS_USERNAME, SHOPGRAPH_SMS_PASSWORD, SHOPGRAPH_SMS_FROM), or "
            "SHOPGRAPH_ALLOW_LOG_DELIVERY=true to keep log delivery on purpose"
        )
