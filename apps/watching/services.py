"""Writes of watching: start and stop watching, tell the watchers of an event, read one's inbox.

Telling runs inside the transaction of the change it tells of (signals.py calls event_tell from
the history row's signal): the notifications and their mails are rows of that transaction, so a
rolled-back change tells nobody, and a mail leaves only after the commit (mail_after_commit).
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts import permissions
from apps.core.errors import ApplicationError
from apps.core.mail import mail_after_commit
from apps.core.transactions import atomic_retrying
from apps.deliverables.models import Deliverable
from apps.groups.models import WorkingGroup

from .events import Event
from .models import Level, Notification, Watch
from .routes import EVENTS, Route, To
from .selectors import summary_forget
from .text import one_line

logger = logging.getLogger(__name__)

BODY_MAX_LENGTH = 2000
# The most specific watch decides how a person told through several is told.
SPECIFICITY = {Watch.Scope.DELIVERABLE: 0, Watch.Scope.GROUP: 1, Watch.Scope.EVERYTHING: 2}

Target = Deliverable | WorkingGroup | None  # None: everything


# --- watching ------------------------------------------------------------------------------------


def _scope_of(target: Target) -> tuple[str, dict]:
    if isinstance(target, Deliverable):
        return Watch.Scope.DELIVERABLE, {"deliverable": target, "group": None}
    if isinstance(target, WorkingGroup):
        return Watch.Scope.GROUP, {"deliverable": None, "group": target}
    if target is None:
        return Watch.Scope.EVERYTHING, {"deliverable": None, "group": None}
    raise ApplicationError("A watch is on a deliverable, a working group or everything.")


def _level_checked(level: str) -> str:
    if level not in Level.values:
        choices = ", ".join(f"“{value}” ({label})" for value, label in Level.choices)
        message = f"The level must be one of {choices}; {level!r} is not."
        raise ApplicationError(message, code="invalid", extra={"fields": {"level": [message]}})
    return level


def _require_reader(actor) -> None:
    if not permissions.is_reader(actor):
        raise ApplicationError("Sign in with an active account to watch.", code="forbidden")


@atomic_retrying
def watch_start(*, actor, target: Target, level: str, digest: bool) -> Watch:
    """Watch `target` (a deliverable, a working group, or None for everything) at `level`, by
    mail per event or in the daily digest; watching it already changes how. Who: any member,
    for themselves only."""
    _require_reader(actor)
    level = _level_checked(level)
    scope, fields = _scope_of(target)
    watch = _watch_locked(actor, scope, fields)
    if watch is None:
        try:
            with transaction.atomic():
                watch = Watch(user=actor, scope=scope, level=level, digest=bool(digest), **fields)
                watch._history_user = actor
                watch._change_reason = "Started watching"
                watch.save()
        except IntegrityError:
            # The same person's second tab got there first: change that row instead.
            watch = _watch_locked(actor, scope, fields)
        else:
            _forget(actor)
            return watch
    reason = "Watching again" if watch.stopped_at else "Changed how they watch"
    watch.level, watch.digest = level, bool(digest)
    if watch.stopped_at is not None:
        watch.stopped_at, watch.started_at = None, timezone.now()
    watch._history_user = actor
    watch._change_reason = reason
    watch.save()
    _forget(actor)
    return watch


@atomic_retrying
def watch_stop(*, actor, target: Target) -> Watch | None:
    """Stop watching `target`; the row stays, marked stopped. Not watching it: nothing
    changes. Who: any member, for themselves only."""
    _require_reader(actor)
    scope, fields = _scope_of(target)
    watch = _watch_locked(actor, scope, fields)
    if watch is None or watch.stopped_at is not None:
        return watch
    watch.stopped_at = timezone.now()
    watch._history_user = actor
    watch._change_reason = "Stopped watching"
    watch.save()
    _forget(actor)
    return watch


def _watch_locked(actor, scope: str, fields: dict) -> Watch | None:
    return Watch.objects.select_for_update().filter(user=actor, scope=scope, **fields).first()


def _forget(user) -> None:
    summary_forget(user)


# --- telling -------------------------------------------------------------------------------------


def _recipients_q(route: Route, event: Event) -> Q:
    """The watches each recipient of a route names (the MailTrigger's Recipient.gather). An
    event with no deliverable (a round on a structural change) reaches the watchers of the
    groups it names, and of everything."""
    deliverable = event.deliverable
    if deliverable is None:
        terms = {
            To.DELIVERABLE: Q(pk__in=[]),
            To.GROUP: Q(scope=Watch.Scope.GROUP, group_id__in=event.group_ids),
            To.EVERYTHING: Q(scope=Watch.Scope.EVERYTHING),
        }
    else:
        terms = {
            To.DELIVERABLE: Q(scope=Watch.Scope.DELIVERABLE, deliverable_id=deliverable.pk),
            To.GROUP: Q(scope=Watch.Scope.GROUP, group_id=deliverable.lead_group_id),
            To.EVERYTHING: Q(scope=Watch.Scope.EVERYTHING),
        }
    q = Q(pk__in=[])
    for recipient in route.to:
        q |= terms[recipient]
    return q


def watches_told(event: Event) -> list[Watch]:
    """The one watch per person under which they hear of `event`: live, at a level that hears
    it, never the person who caused it, the most specific when several apply."""
    route = EVENTS[event.name]
    watches = Watch.objects.filter(
        _recipients_q(route, event),
        stopped_at__isnull=True,
        user__is_active=True,
    ).select_related("user")
    if not route.significant:
        watches = watches.filter(level=Level.ALL)
    if event.actor is not None:
        watches = watches.exclude(user_id=event.actor.pk)
    chosen: dict[int, Watch] = {}
    for watch in watches:
        best = chosen.get(watch.user_id)
        if best is None or SPECIFICITY[watch.scope] < SPECIFICITY[best.scope]:
            chosen[watch.user_id] = watch
    return sorted(chosen.values(), key=lambda w: w.user_id)


def event_tell(event: Event) -> list[Notification]:
    """One notification per person told, and their mail unless they take the digest. Who: the
    history signal (signals.py), inside the transaction of the change."""
    watches = watches_told(event)
    if not watches:
        return []
    try:
        # A savepoint: should telling fail, the change itself still stands (logged, not lost).
        with transaction.atomic():
            notifications = _notifications_written(event, watches)
    except Exception:
        logger.exception("Watchers of %s (%s) could not be told", event.source, event.name)
        return []
    return notifications


def _who(user) -> str:
    if user is None:
        return "the tracker (a deadline passed, or every agency answered)"
    return user.get_full_name() or user.username


def _body(event: Event) -> str:
    lines = [f"By {_who(event.actor)}."]
    if event.reason:
        lines.append(f"Why: {event.reason}")
    return "\n".join(lines)[:BODY_MAX_LENGTH]


def _notifications_written(event: Event, watches: list[Watch]) -> list[Notification]:
    now = timezone.now()
    body = _body(event)
    notifications = []
    for watch in watches:
        user = watch.user
        if not user.email:
            delivery = Notification.Delivery.NONE
        elif watch.digest:
            delivery = Notification.Delivery.DIGEST
        else:
            delivery = Notification.Delivery.MAIL
        notification = Notification(
            user=user,
            event=event.name,
            deliverable=event.deliverable,
            title=event.title,
            body=body,
            url=event.url,
            actor=event.actor,
            source=event.source,
            created_at=now,
            delivery=delivery,
        )
        if delivery == Notification.Delivery.MAIL:
            notification.mail = mail_after_commit(
                to=[user.email],
                subject=one_line(event.title),
                body=_mail_body(event, body, watch),
                key=f"watching:{event.source}:{user.pk}",
            )
            notification.mailed_at = now
        notifications.append(notification)
    return Notification.objects.bulk_create(notifications)


def watch_page(watch: Watch) -> str:
    """Where a watch is changed or stopped."""
    if watch.scope == Watch.Scope.DELIVERABLE:
        return reverse("web:deliverable", args=[watch.deliverable_id])
    if watch.scope == Watch.Scope.GROUP:
        return reverse("web:group", args=[watch.group_id])
    return reverse("web:notifications")


def _mail_body(event: Event, body: str, watch: Watch) -> str:
    level = Level(watch.level).label
    return (
        f"{event.title}\n{body}\n\n{settings.SITE_URL}{event.url}\n\n"
        f"You get this because you watch {watch.target_display} ({level}). Change or stop it: "
        f"{settings.SITE_URL}{watch_page(watch)}"
    )


# --- the inbox -----------------------------------------------------------------------------------


def notification_open(*, actor, notification_id: int) -> Notification:
    """Mark one of the person's notifications read and return it (its page is opened next).
    Who: its person only."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        raise ApplicationError(
            "No such notification: yours are listed at /notifications/.", code="not_found"
        )
    if notification.user_id != actor.pk:
        raise ApplicationError(
            "This notification is someone else's: yours are listed at /notifications/.",
            code="forbidden",
        )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        _forget(actor)
    return notification


def notifications_read_all(*, actor) -> int:
    """Mark every unread notification of the person read; how many. Who: the person."""
    marked = Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        _forget(actor)
    return marked
