"""Roles and what each may see and do (pure rules; the shell applies them).

Viewers (partners following a shared link) read; staff also change the data.
Staff sign in with a password whose argon2 hash is in the app's secrets, or,
for local use, a plain password in `DASHBOARD_STAFF_PASSWORD`.
"""

from __future__ import annotations

import hmac
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Role = Literal["viewer", "staff"]
ROLES: tuple[Role, ...] = ("viewer", "staff")

# Pages of the navigation and the roles that may open them. A page left out of
# a role's navigation cannot be reached by URL either.
PAGES: dict[str, tuple[Role, ...]] = {
    "overview": ("viewer", "staff"),
}


def pages_for(role: Role) -> list[str]:
    return [page for page, roles in PAGES.items() if role in roles]


def hash_password(password: str) -> str:
    return PasswordHasher().hash(password)


def password_configured(plain: str | None, hashed: str | None) -> bool:
    return bool(plain) or bool(hashed)


def verify_password(candidate: str, *, plain: str | None, hashed: str | None) -> bool:
    """True when the candidate matches the configured hash (preferred) or password."""
    if not candidate:
        return False
    if hashed:
        try:
            return PasswordHasher().verify(hashed, candidate)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    if plain:
        return hmac.compare_digest(candidate.encode(), plain.encode())
    return False


def failure_delay(failures: int) -> float:
    """Seconds to wait before answering after `failures` wrong passwords."""
    if failures <= 0:
        return 0.0
    return float(min(2 ** (failures - 1), 8))
