"""Generated hostile input to the watching forms and the feed addresses: never a 5xx, and a
refused form changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.watching.models import FeedAddress, Watch
from tests.security.hostile import FUZZ, QUIET, texts

pytestmark = [pytest.mark.django_db, QUIET]
FORM = settings(FUZZ, max_examples=25)
choices = st.one_of(st.sampled_from(["deliverable", "group", "everything", "all",
                                     "significant", "watch", "stop", "1", ""]), texts)  # fmt: skip


@FORM
@given(scope=choices, target=st.one_of(st.integers(-5, 10**20).map(str), texts), level=choices,
       digest=texts, action=choices, next_url=texts)  # fmt: skip
def test_the_watch_form_takes_any_input_calmly(
    cast, scope, target, level, digest, action, next_url
):
    client = Client()
    client.force_login(cast.reader)
    before = Watch.objects.count()
    body = {"scope": scope, "target": target, "level": level, "digest": digest,
            "action": action, "next": next_url}  # fmt: skip
    response = client.post(reverse("web:watch"), body)
    assert response.status_code in {302, 403, 404}, response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/")  # never off this site
    assert Watch.objects.count() in (before, before + 1)


@FORM
@given(kind=choices, action=choices)
def test_the_feeds_form_takes_any_input_calmly(cast, kind, action):
    client = Client()
    client.force_login(cast.reader)
    response = client.post(reverse("web:feed-addresses"), {"kind": kind, "action": action})
    assert response.status_code in {200, 302}
    live = FeedAddress.objects.filter(user=cast.reader, revoked_at__isnull=True)
    assert live.count() <= 2 and live.values("kind").distinct().count() == live.count()


@FORM
@given(token=st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="/"),
                     min_size=1, max_size=300))  # fmt: skip
def test_any_token_in_the_path_is_not_found(cast, token):
    for name in ("web:feed-watched", "web:feed-calendar"):
        url = reverse(name, args=[token])
        assert Client().get(url).status_code == 404
