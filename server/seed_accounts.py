"""The demo logins: a small module of its own so that ``pmo serve`` can print them without
importing the seeder and every model."""

from __future__ import annotations

from server.domain.enums import Role

DEMO_PASSWORD = "demo-password"
DEMO_ACCOUNTS: list[tuple[str, str, Role]] = [
    ("pmo.admin@example.com", "Patricia Morgan", Role.PMO),
    ("pm.alice@example.com", "Alice Martin", Role.PM),
    ("pm.bob@example.com", "Bob Nguyen", Role.PM),
    ("exec.carol@example.com", "Carol Jensen", Role.EXECUTIVE),
    ("bi.reader@example.com", "BI Reader", Role.ANALYST),
]
