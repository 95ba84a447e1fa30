"""Masks for personal data in log lines: enough to tell messages apart, not to contact anyone.

``mask_email("ada.lovelace@example.com")`` → ``"a***@example.com"``;
``mask_phone("+44 20 7946 0958")`` → ``"***958"``.
"""

from __future__ import annotations

VISIBLE_PHONE_DIGITS = 3


def mask_email(address: str) -> str:
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_phone(phone: str) -> str:
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= VISIBLE_PHONE_DIGITS:
        return "***"
    return "***" + "".join(digits[-VISIBLE_PHONE_DIGITS:])
