"""Column headers that sort a list: each is a link to the same list, filters kept, sorted by
that column (ascending first, descending on a second click), and says how it is sorted."""

from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class Header:
    label: str
    href: str = ""  # "" for a column that does not sort
    aria_sort: str = ""  # "ascending" or "descending" on the column the list is sorted by

    @property
    def arrow(self) -> str:
        return {"ascending": "▲", "descending": "▼"}.get(self.aria_sort, "")


def sort_headers(query: QueryDict, *, sort: str, columns: list[tuple[str, str]]) -> list[Header]:
    """`columns`: (label, sort key or "") in order; `sort`: the list's current sort (a key, or
    "-key" for descending); `query`: the list's URL query, whose other filters each link keeps."""
    headers = []
    for label, key in columns:
        if not key:
            headers.append(Header(label))
            continue
        state = {key: "ascending", f"-{key}": "descending"}.get(sort, "")
        link = query.copy()
        link.pop("page", None)
        link["sort"] = f"-{key}" if state == "ascending" else key
        headers.append(Header(label, href=f"?{link.urlencode()}", aria_sort=state))
    return headers
