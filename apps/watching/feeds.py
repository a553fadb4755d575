"""The Atom feed of what a person watches (RFC 4287): their notifications, newest first, built
like the publications feed (apps/web/feeds.py): tag-URI ids from SITE_URL that never change, an
author, the time of each entry, and text made XML-safe."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from apps.core.text import xml_safe
from apps.web.feeds import tag_uri

from .selectors import notifications_of

ENTRIES = 50


class WatchedFeed(Feed):
    feed_type = Atom1Feed
    author_name = "ISECG deliverables tracker"
    item_guid_is_permalink = False

    def get_object(self, request, user):
        return user

    def title(self, user) -> str:
        return xml_safe(f"ISECG tracker: what {user.username} watches")

    def subtitle(self, user) -> str:
        return "Changes to the deliverables, groups and rounds you watch."

    def link(self, user) -> str:
        return reverse("web:notifications")

    def feed_guid(self, user) -> str:
        return tag_uri(f"feed/watched/{user.pk}")

    def items(self, user):
        return list(notifications_of(user)[:ENTRIES])

    def item_title(self, item) -> str:
        return xml_safe(item.title)

    def item_description(self, item) -> str:
        return xml_safe(item.body or item.title)

    def item_link(self, item) -> str:
        return item.url

    def item_guid(self, item) -> str:
        return tag_uri(f"notification/{item.pk}")

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
