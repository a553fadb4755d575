"""Anonymous users see nothing but the login page (and the operators' health check)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRIVATE = ["/", "/admin/", "/admin/deliverables/deliverable/", "/admin/agencies/agency/1/change/"]


@pytest.mark.parametrize("url", PRIVATE)
def test_anonymous_requests_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith((reverse("login"), reverse("admin:login")))


def test_the_login_page_and_health_check_are_public(client):
    login = client.get(reverse("login"))
    assert login.status_code == 200
    assert b'<label for="id_username">' in login.content
    assert client.get(reverse("healthz")).status_code == 200
    live = client.get(reverse("livez"))
    assert (live.status_code, live.content) == (200, b"ok")


def test_signing_in_with_the_login_page(client, django_user_model):
    django_user_model.objects.create_user("reader", password="a long enough password")
    response = client.post(
        reverse("login"), {"username": "reader", "password": "a long enough password"}
    )
    assert response.status_code == 302
    wrong = client.post(reverse("login"), {"username": "reader", "password": "nope"})
    assert b"did not match" in wrong.content
