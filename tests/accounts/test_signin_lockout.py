"""Sign-in that cannot be guessed through, nor used to lock others out (apps/accounts/lockout.py).

Wrong passwords count per (account, address): the 10th pauses that pair for 15 minutes, and only
a success of that account from that address clears them. Wider pauses (an account from 50
failures over every address, an address from 30 over every account) spare the addresses where
the account has signed in before. The e-mailed reset link lifts any pause. The login page, the
admin's and the API token endpoint share the same counts.
"""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "sam's real passphrase 2040"
ATTACKER_PASSWORD = "mallory's own passphrase"
ATTACKER = "10.9.0.1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sam(django_user_model):
    return django_user_model.objects.create_user(
        "sam", email="sam@example.org", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def mallory(django_user_model):
    return django_user_model.objects.create_user("mallory", password=ATTACKER_PASSWORD)


def sign_in(address: str, username: str, password: str) -> int:
    """The login page's answer: 302 signed in, 200 wrong password, 429 paused."""
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("login"), {"username": username, "password": password}).status_code


def guesses_tried(username: str, address: str) -> int:
    """Wrong passwords axes counted (refused attempts are not tried, so not counted)."""
    attempts = AccessAttempt.objects.filter(username=username, ip_address=address)
    return sum(attempts.values_list("failures_since_start", flat=True))


# --- guessing through ----------------------------------------------------------------------------


def test_the_guess_through_recipe_gets_no_guess_beyond_the_limit(sam, mallory):
    # The reported recipe: 9 wrong passwords for sam, one success on the attacker's own
    # account, repeated five times (45 guesses), then sam's real password.
    statuses = []
    for _ in range(5):
        statuses += [sign_in(ATTACKER, "sam", f"guess {len(statuses)}") for _ in range(9)]
        assert sign_in(ATTACKER, "mallory", ATTACKER_PASSWORD) == 302
    assert statuses == [200] * 9 + [429] * 36  # the 10th wrong guess pauses, nothing resets it
    assert guesses_tried("sam", ATTACKER) == 10
    assert sign_in(ATTACKER, "sam", PASSWORD) == 429  # even the right one is not tried
    assert guesses_tried("sam", ATTACKER) == 10


def test_after_the_limit_the_right_password_is_refused_untried(sam):
    for n in range(10):
        sign_in(ATTACKER, "sam", f"guess {n}")
    assert sign_in(ATTACKER, "sam", PASSWORD) == 429


def test_a_success_on_another_account_clears_nothing_of_sams(sam, mallory):
    for n in range(9):
        sign_in(ATTACKER, "sam", f"guess {n}")
    assert sign_in(ATTACKER, "mallory", ATTACKER_PASSWORD) == 302
    assert guesses_tried("sam", ATTACKER) == 9
    assert sign_in(ATTACKER, "sam", "guess 9") == 429


def test_a_success_clears_only_that_account_from_that_address(sam):
    for n in range(9):
        sign_in("10.1.1.1", "sam", f"typo {n}")
    for n in range(5):
        sign_in("10.1.1.2", "sam", f"typo {n}")
    assert sign_in("10.1.1.1", "sam", PASSWORD) == 302
    assert guesses_tried("sam", "10.1.1.1") == 0
    assert guesses_tried("sam", "10.1.1.2") == 5


def test_guesses_spread_over_many_addresses_pause_the_account_from_new_addresses(sam):
    for machine in range(5):
        for n in range(10):
            sign_in(f"10.5.0.{machine}", "sam", f"guess {n}")
    assert sign_in("10.5.1.1", "sam", PASSWORD) == 429  # a 6th machine gets no guess
    assert sum(guesses_tried("sam", f"10.5.0.{m}") for m in range(5)) == 50


# --- locking someone out -------------------------------------------------------------------------


def test_the_victim_from_another_address_still_gets_in(sam):
    # The lock-someone-out recipe: the attacker fails sam's password until paused.
    for n in range(20):
        sign_in(ATTACKER, "sam", f"guess {n}")
    assert sign_in(ATTACKER, "sam", PASSWORD) == 429
    assert sign_in("10.2.0.7", "sam", PASSWORD) == 302  # sam, at home, never signed in from there


def test_many_machines_cannot_lock_the_victim_out_of_their_usual_address(sam):
    usual = "10.7.0.1"
    assert sign_in(usual, "sam", PASSWORD) == 302  # sam's office
    for machine in range(6):  # 60 wrong passwords, past the account-wide 50
        for n in range(10):
            sign_in(f"10.6.0.{machine}", "sam", f"guess {n}")
    assert sign_in(usual, "sam", PASSWORD) == 302
    page = Client(REMOTE_ADDR="10.8.0.1").post(
        reverse("login"), {"username": "sam", "password": PASSWORD}
    )
    assert page.status_code == 429  # a new address waits, or uses the reset link
    text = page.content.decode()
    assert "from many addresses" in text and "except from addresses where it has signed in" in text


def test_one_machine_trying_many_accounts_spares_accounts_usual_there(django_user_model):
    office = "10.3.3.3"
    django_user_model.objects.create_user("colleague", password=PASSWORD)
    django_user_model.objects.create_user("newcomer", password=PASSWORD)
    assert sign_in(office, "colleague", PASSWORD) == 302
    statuses = [sign_in(office, f"user{i}", "x") for i in range(30)]
    assert statuses == [200] * 29 + [429]
    assert sign_in(office, "colleague", PASSWORD) == 302
    assert sign_in(office, "newcomer", PASSWORD) == 429
    assert sign_in("10.3.3.4", "newcomer", PASSWORD) == 302


# --- what the paused person sees and can do ------------------------------------------------------


def test_the_pause_says_until_when_and_what_to_do(sam):
    for n in range(9):
        sign_in(ATTACKER, "sam", f"guess {n}")
    page = Client(REMOTE_ADDR=ATTACKER).post(reverse("login"), {"username": "sam", "password": "x"})
    assert page.status_code == 429
    last = AccessAttempt.objects.get(username="sam").attempt_time
    until = last + datetime.timedelta(minutes=15)
    text = page.content.decode()
    assert f"paused until {until:%H:%M} UTC" in text
    assert "Forgot your password?" in text and reverse("password_reset") in text
    assert 895 <= int(page["Retry-After"]) <= 900


def test_the_pause_ends_after_its_cool_off(sam):
    for n in range(10):
        sign_in(ATTACKER, "sam", f"guess {n}")
    assert sign_in(ATTACKER, "sam", PASSWORD) == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(ATTACKER, "sam", PASSWORD) == 302


def test_the_reset_link_lifts_the_pause_and_signs_the_person_in(sam):
    for machine in range(6):  # paused from every new address, and from the attacker's
        for n in range(10):
            sign_in(f"10.6.0.{machine}", "sam", f"guess {n}")
    laptop = Client(REMOTE_ADDR="10.8.0.9")
    assert (
        laptop.post(reverse("login"), {"username": "sam", "password": PASSWORD}).status_code == 429
    )

    asked = laptop.post(reverse("password_reset"), {"email": "sam@example.org"})
    assert asked.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form = laptop.get(link, follow=True)
    new_password = "a brand new passphrase 2041"
    done = laptop.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302 and done["Location"] == "/"
    assert laptop.get("/").status_code == 200  # signed in
    assert AccessAttempt.objects.filter(username="sam").count() == 0
    assert sign_in("10.8.0.9", "sam", new_password) == 302
    assert sign_in("10.6.0.0", "sam", new_password) == 302  # the guesses were all cleared


# --- every door counts alike ---------------------------------------------------------------------


def _web(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _admin(client, username, password):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"}
    )


def _token(client, username, password):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        content_type="application/json",
    )


DOORS = {"web": (_web, 302), "admin": (_admin, 302), "token": (_token, 200)}


@pytest.fixture
def throttles_out_of_the_way(settings):
    """The token endpoint's own throttles would answer first; here the lockout is tested."""
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "auth": "1000/minute", "auth_username": "1000/hour"},
    }


@pytest.mark.parametrize("door", DOORS)
def test_the_admin_login_and_the_token_endpoint_obey_the_same_rule(
    door, sam, throttles_out_of_the_way
):
    attempt, success = DOORS[door]
    attacker = Client(REMOTE_ADDR=ATTACKER)
    statuses = [attempt(attacker, "sam", f"guess {n}").status_code for n in range(10)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    paused = attempt(attacker, "sam", PASSWORD)
    assert paused.status_code == 429
    assert "Too many wrong passwords" in paused.content.decode()
    assert attempt(Client(REMOTE_ADDR="10.2.0.7"), "sam", PASSWORD).status_code == success


def test_the_doors_share_one_count(sam, throttles_out_of_the_way):
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for n in range(4):
        _web(attacker, "sam", f"guess {n}")
        _token(attacker, "sam", f"guess {n}")
    _admin(attacker, "sam", "guess 8")
    assert _admin(attacker, "sam", "guess 9").status_code == 429
    assert _web(attacker, "sam", PASSWORD).status_code == 429
    answer = _token(attacker, "sam", PASSWORD)
    assert answer.status_code == 429 and answer.json()["code"] == "locked_out"
