"""How many pages a list of rows makes: the one rule every paged table follows."""

from __future__ import annotations


def pages(total: int, per_page: int) -> int:
    """Pages of `per_page` rows that `total` rows fill; an empty list is one page."""
    return max(-(-total // per_page), 1)
