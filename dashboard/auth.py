"""Roles and what each may see and do (pure rules; the shell applies them).

Viewers (partners following a shared link) read; staff also change the data.
Staff sign in with a password whose argon2 hash is in the app's secrets, or,
for local use, a plain password in `DASHBOARD_STAFF_PASSWORD`.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Role = Literal["viewer", "staff"]
ROLES: tuple[Role, ...] = ("viewer", "staff")


@dataclass(frozen=True)
class PageSpec:
    file: str  # relative to the app's root
    icon: str  # an emoji: icon fonts would be fetched from outside
    roles: tuple[Role, ...]


# The navigation, in order. A page left out of a role's navigation cannot be
# reached by URL either: Streamlit only serves the pages it was given.
PAGES: dict[str, PageSpec] = {
    "overview": PageSpec("app_pages/overview.py", "🏠", ("viewer", "staff")),
    "timeline": PageSpec("app_pages/timeline.py", "🗓️", ("viewer", "staff")),
    "sites": PageSpec("app_pages/sites.py", "📍", ("viewer", "staff")),
    "scoring": PageSpec("app_pages/scoring.py", "⚖️", ("viewer", "staff")),
    "stakeholders": PageSpec("app_pages/stakeholders.py", "🤝", ("viewer", "staff")),
    "actions": PageSpec("app_pages/actions.py", "📝", ("viewer", "staff")),
    "data": PageSpec("app_pages/data.py", "📤", ("staff",)),
}


# Columns a viewer's session never receives, whatever query returns them:
# personal data, prices, jurors' identities and their comments.
VIEWER_HIDDEN_COLUMNS: frozenset[str] = frozenset(
    {"contact_name", "email", "phone", "price_eur", "juror", "comment", "by"}
)

# Evaluations only staff see, unless DASHBOARD_CONFIDENTIAL_EVALUATIONS says otherwise
# (a comma-separated list; empty for none).
DEFAULT_CONFIDENTIAL_EVALUATIONS: tuple[str, ...] = ("choix-agence",)


def confidential_evaluations(setting: str | None) -> tuple[str, ...]:
    if setting is None:
        return DEFAULT_CONFIDENTIAL_EVALUATIONS
    return tuple(e.strip() for e in setting.split(",") if e.strip())


def may_run(audience: str, role: Role) -> bool:
    """A named query declares its audience (`-- audience: staff`); default: all."""
    return audience != "staff" or role == "staff"


def visible_columns(columns: list[str], role: Role) -> list[str]:
    if role == "staff":
        return list(columns)
    return [c for c in columns if c not in VIEWER_HIDDEN_COLUMNS]


def pages_for(role: Role) -> list[str]:
    return [name for name, spec in PAGES.items() if role in spec.roles]


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


def token_ok(given: str | None, expected: str | None) -> bool:
    """A viewer link's token: anything goes when none is set, else an exact match."""
    if not expected:
        return True
    if not given:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def split_setting(value: object) -> tuple[str, ...]:
    """A list from settings: a TOML list, or a comma-separated string."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    return tuple(str(v).strip().lower() for v in items if str(v).strip())


def is_staff_identity(email: str | None, emails: tuple[str, ...], domains: tuple[str, ...]) -> bool:
    """An identity from the OIDC provider is staff when its e-mail, or its domain, is listed."""
    if not email or "@" not in email:
        return False
    address = email.strip().lower()
    domain = address.rsplit("@", 1)[1]
    return address in emails or domain in {d.lstrip("@") for d in domains}


class Throttle:
    """Wrong passwords per client, forgotten after `window` seconds: each one more
    makes the next answer slower, in every session of that client."""

    def __init__(self, window: float = 900.0) -> None:
        self.window = window
        self._failures: dict[str, list[float]] = {}

    def failed(self, client: str, now: float) -> None:
        self._failures.setdefault(client, []).append(now)

    def succeeded(self, client: str) -> None:
        self._failures.pop(client, None)

    def delay(self, client: str, now: float) -> float:
        recent = [t for t in self._failures.get(client, []) if now - t < self.window]
        self._failures[client] = recent
        return failure_delay(len(recent))
