"""Roles and what each may see and do (pure rules; the shell applies them).

Viewers (partners following a shared link) read; staff also change the data.
Staff sign in with a password whose argon2 hash is in the app's secrets, or,
for local use, a plain password in `DASHBOARD_STAFF_PASSWORD`.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email

Role = Literal["viewer", "staff"]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
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


def parse_email(email: object) -> str | None:
    """The address in its normal form (domain lower-cased), or None when it is not one
    plain address by the standard's syntax (RFC 5321/5322 as `email-validator` reads
    them: no second @, no quoted local part, no display name, no comments)."""
    if not isinstance(email, str) or not email or email != email.strip():
        return None
    try:
        parsed = validate_email(
            email,
            check_deliverability=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
            test_environment=False,
        )
    except EmailNotValidError:
        return None
    return f"{parsed.local_part.lower()}@{parsed.domain.lower()}"


def is_staff_identity(
    email: str | None,
    emails: tuple[str, ...],
    domains: tuple[str, ...],
    *,
    verified: object = True,
) -> bool:
    """An identity from the OIDC provider is staff when the provider vouches for its
    e-mail (`email_verified` is exactly true) and that address, or its domain, is
    listed. Anything else (unverified, two @, a quoted or odd address) is a viewer."""
    if verified is not True:
        return False
    address = parse_email(email)
    if address is None:
        return False
    domain = address.rsplit("@", 1)[1]
    return address in emails or domain in {d.lstrip("@") for d in domains}


# What `st.login` needs in `[auth]` (a single provider), or in each `[auth.<name>]`
# table together with the shared `redirect_uri` and `cookie_secret`.
OIDC_SHARED_KEYS: tuple[str, ...] = ("redirect_uri", "cookie_secret")
OIDC_PROVIDER_KEYS: tuple[str, ...] = ("client_id", "client_secret", "server_metadata_url")


def oidc_missing(section: object) -> list[str]:
    """The `[auth]` settings missing for an identity-provider sign-in (empty when it is
    complete and usable by `st.login()` without arguments)."""
    if not isinstance(section, dict):
        return [*OIDC_SHARED_KEYS, *OIDC_PROVIDER_KEYS]

    def blank(table: dict[str, object], key: str) -> bool:
        value = table.get(key)
        return not isinstance(value, str) or not value.strip()

    missing = [k for k in OIDC_SHARED_KEYS if blank(section, k)]
    missing += [k for k in OIDC_PROVIDER_KEYS if blank(section, k)]
    return missing


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def proxy_networks(value: object) -> tuple[IPNetwork, ...]:
    """`trusted_proxies` from settings (addresses or networks); raises ValueError on
    an entry that is neither, so a typo stops the app instead of trusting nobody
    or everybody by surprise."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in split_setting(value))


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[IPNetwork, ...]
) -> str:
    """The address a password attempt is counted against.

    `peer` is the connection's address as the web server reports it (None for
    loopback). X-Forwarded-For is honoured only when the peer is a trusted proxy:
    then, from the right, hops that are trusted proxies are passed over and the
    first other one is the client. The web server in front of the app (uvicorn)
    already replaces the peer by a header hop when its own peer is loopback; the
    peer then shows up among the hops, and is taken back to loopback: a header
    forged from this machine does not give a fresh count.
    """
    hops = [h.strip().strip("[]") for h in (forwarded_for or "").split(",") if h.strip()]
    seen = peer or "127.0.0.1"
    if hops and seen in hops:
        seen = "127.0.0.1"

    def is_trusted(hop: str) -> bool:
        ip = _ip(hop)
        return ip is not None and any(ip in net for net in trusted)

    if not is_trusted(seen):
        return seen
    for hop in reversed(hops):
        if not is_trusted(hop):
            ip = _ip(hop)
            return str(ip) if ip is not None else "unknown"
    return hops[0] if hops else seen
