"""Password hashing settings for tests that run the users service.

The production default (argon2id at OWASP's minimum, 19 MiB and two passes) costs ~0.1 s of
CPU per sign-up or sign-in, and the suite signs up hundreds of shoppers. Tests of the platform
hash with the cheapest parameters instead; the hasher, its defaults and rehashing when the
parameters change are tested at the real ones in tests/unit/auth.
"""

from __future__ import annotations

from typing import Any

FAST_PASSWORD_HASHING: dict[str, Any] = {
    "password_hash_memory_kib": 1024,
    "password_hash_time_cost": 1,
}
