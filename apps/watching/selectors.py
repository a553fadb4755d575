"""Reads of watching: a person's inbox, their watches, and the small summary every page's header
shows (the unread count) and the watch forms read (what they watch).

The summary is one query (the unread count as a subquery, the live watches joined), read once
per request: it is kept on the user object the request carries. Not in the cache: a hung Redis
would cost every page its socket timeout, and the count must be right the moment a change
commits.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, FilteredRelation, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Notification, Watch

PAGE_SIZE = 25
_MEMO = "_watching_summary"


@dataclass(frozen=True)
class WatchState:
    level: str
    digest: bool


@dataclass(frozen=True)
class Summary:
    unread: int
    # (scope, target id or None) -> how it is watched; live watches only.
    watches: dict = field(default_factory=dict)

    def watch_of(self, scope: str, target_id: int | None) -> WatchState | None:
        return self.watches.get((scope, target_id))


def summary_of(user) -> Summary:
    """The person's unread count and live watches, in one query, once per request."""
    if not (user.is_authenticated and user.is_active):
        return Summary(unread=0)
    memo = user.__dict__.get(_MEMO)
    if memo is None:
        memo = user.__dict__[_MEMO] = _summary_read(user)
    return memo


def _summary_read(user) -> Summary:
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            unread=Coalesce(Subquery(unread, output_field=IntegerField()), 0),
            live=FilteredRelation("watches", condition=Q(watches__stopped_at__isnull=True)),
        )
        .values_list(
            "unread", "live__scope", "live__deliverable_id", "live__group_id", "live__level",
            "live__digest",
        )
    )  # fmt: skip
    rows = list(rows)  # one row per live watch, or one with no watch: each carries the count
    watches = {
        (scope, deliverable_id or group_id): WatchState(level=level, digest=digest)
        for _, scope, deliverable_id, group_id, level, digest in rows
        if scope
    }
    return Summary(unread=rows[0][0] if rows else 0, watches=watches)


def summary_forget(user) -> None:
    """The person changed their inbox or watches: their next read in this request reads again."""
    user.__dict__.pop(_MEMO, None)


def notifications_of(user):
    """The person's inbox, newest first."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def watches_of(user) -> list[Watch]:
    """The person's live watches, with their targets."""
    return list(
        Watch.objects.filter(user=user, stopped_at__isnull=True)
        .select_related("deliverable", "group")
        .order_by("scope", "pk")
    )
