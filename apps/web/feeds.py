from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from apps.core.text import xml_safe
from apps.deliverables.models import Activity, Deliverable


class PublicationsFeed(Feed):
    """Published products and webnews, newest first."""

    feed_type = Atom1Feed
    title = "ISECG publications and webnews"
    link = "/deliverables/?state=published"
    subtitle = "Products published by the International Space Exploration Coordination Group."

    def items(self):
        products = list(
            Deliverable.objects.filter(state="published").select_related("lead_group")
            .order_by("-published_on")[:30]
        )  # fmt: skip
        news = list(Activity.objects.filter(kind="webnews").order_by("-occurred_on")[:30])
        return sorted(products + news, key=self._date, reverse=True)[:40]

    @staticmethod
    def _date(item):
        return item.published_on if isinstance(item, Deliverable) else item.occurred_on

    # Atom is XML: a control character pasted into a record (Word's line break) would make
    # the whole feed unwritable for everyone.
    def item_title(self, item) -> str:
        prefix = "" if isinstance(item, Deliverable) else "Webnews: "
        return xml_safe(prefix + str(item))

    def item_description(self, item) -> str:
        return xml_safe(item.summary)

    def item_link(self, item) -> str:
        if isinstance(item, Deliverable):
            return item.get_absolute_url()
        return item.link or f"/deliverables/?q={item.title[:60]}"

    def item_pubdate(self, item):
        import datetime

        day = self._date(item)
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
