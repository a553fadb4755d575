"""Password reset mails are throttled per client address and per e-mail address typed, the same
whether an account has that address or not; with the counters unreachable nothing is sent and
the person is asked to try again shortly."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.reliability.servers import free_port


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        "admin", email="admin@example.org", password="the admin's long passphrase"
    )


def ask(email: str, address: str = "10.4.4.4"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def test_the_reported_flood_sends_three_mails_not_five(superuser):
    statuses = [ask("admin@example.org").status_code for _ in range(5)]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_the_refusal_says_when_to_ask_again(superuser):
    for _ in range(3):
        ask("admin@example.org")
    page = ask("admin@example.org")
    text = page.content.decode()
    assert "Too many password reset requests" in text and "nothing was done" in text
    assert "Try again after" in text and "UTC" in text
    assert "A link already e-mailed stays valid for 3 days" in text
    assert 1 <= int(page["Retry-After"]) <= 3600


def test_one_e_mail_address_is_counted_across_addresses_however_it_is_typed(superuser):
    typed = ["admin@example.org", "ADMIN@example.org", " Admin@Example.org "]
    assert [ask(email, f"10.5.5.{i}").status_code for i, email in enumerate(typed)] == [302] * 3
    assert ask("admin@example.org", "10.5.5.9").status_code == 429
    assert len(mail.outbox) == 3


def test_one_address_is_counted_across_e_mail_addresses(superuser):
    statuses = [ask(f"someone{i}@example.org").status_code for i in range(3)]
    assert statuses == [302] * 3
    assert ask("admin@example.org").status_code == 429
    assert mail.outbox == []


def test_the_answers_do_not_reveal_whether_an_account_has_the_address(superuser):
    def answers(email: str, address: str) -> list[tuple[int, str]]:
        pages = [ask(email, address) for _ in range(4)]
        return [(page.status_code, page.get("Location", "")) for page in pages]

    known = answers("admin@example.org", "10.6.6.1")
    unknown = answers("nobody@example.org", "10.6.6.2")
    assert known == unknown == [(302, reverse("password_reset_done"))] * 3 + [(429, "")]


@pytest.fixture
def counters_unreachable(settings):
    """The throttle counters' Redis is down: a port nothing listens on."""
    settings.CACHES = {
        **settings.CACHES,
        "throttles": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        },
    }


def test_with_the_counters_unreachable_nothing_is_sent_and_it_says_try_again_shortly(
    superuser, counters_unreachable
):
    page = ask("admin@example.org")
    assert page.status_code == 503
    assert "Try again shortly" in page.content.decode()
    assert int(page["Retry-After"]) == 30
    assert mail.outbox == []
