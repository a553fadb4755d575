"""The Atom feed of published products and webnews items (RFC 4287).

Every entry carries what RFC 4287 4.1.2 asks: an id that never changes, a title, the time of
its last change, and (through the feed) an author. Ids are tag URIs (RFC 4151) built from
SITE_URL, never from the request: a reader that fetched the feed through another host name, or
after a title was corrected, must see the same entries, not new ones.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from apps.core.text import xml_safe
from apps.deliverables import selectors
from apps.deliverables.models import Deliverable

ENTRIES = 40
# The year in a tag URI names when its authority was first used for ids; it must never change.
TAG_YEAR = 2024


def tag_uri(specific: str) -> str:
    """tag:<SITE_URL's host>,2024:<specific>, e.g. tag:isecg.example,2024:deliverable/7."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{TAG_YEAR}:{specific}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)


class PublicationsFeed(Feed):
    """Published products and webnews, newest first."""

    feed_type = Atom1Feed
    title = "ISECG publications and webnews"
    link = "/deliverables/?state=published"
    subtitle = "Products published by the International Space Exploration Coordination Group."
    author_name = "ISECG"
    item_guid_is_permalink = False

    def feed_guid(self) -> str:
        return tag_uri("feed/publications")

    def items(self):
        products = list(
            Deliverable.objects.filter(state="published").select_related("lead_group")
            .order_by("-published_on")[:ENTRIES]
        )  # fmt: skip
        news = list(selectors.webnews_recent(limit=ENTRIES))
        return sorted(products + news, key=self._date, reverse=True)[:ENTRIES]

    @staticmethod
    def _date(item):
        return item.published_on if isinstance(item, Deliverable) else item.occurred_on

    # Atom is XML: a control character pasted into a record (Word's line break) would make
    # the whole feed unwritable for everyone.
    def item_title(self, item) -> str:
        prefix = "" if isinstance(item, Deliverable) else "Webnews: "
        return xml_safe(prefix + str(item))

    def item_description(self, item) -> str:
        return xml_safe(item.summary.strip() or self._facts(item))

    @staticmethod
    def _facts(item) -> str:
        """A summary from the record's facts, for an item whose summary is blank."""
        if isinstance(item, Deliverable):
            return (
                f"{item.get_kind_display().capitalize()} led by {item.lead_group}, "
                f"published {item.published_display}."
            )
        by = f" from {item.group}" if item.group else ""
        return f"ISECG webnews item{by}, {item.occurred_display}."

    def item_guid(self, item) -> str:
        kind = "deliverable" if isinstance(item, Deliverable) else "webnews"
        return tag_uri(f"{kind}/{item.pk}")

    def item_link(self, item) -> str:
        if isinstance(item, Deliverable):
            return item.get_absolute_url()
        # The overview lists the year's webnews items, each at its own anchor.
        return f"{reverse('web:overview')}?year={item.occurred_on.year}#webnews-{item.pk}"

    def item_pubdate(self, item):
        return _midnight(self._date(item))

    def item_updateddate(self, item):
        if isinstance(item, Deliverable):
            return item.updated_at
        return item.changed_at or _midnight(item.occurred_on)
