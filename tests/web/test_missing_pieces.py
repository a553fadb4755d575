"""The pieces every page leans on: the site's frame on every page (the API tokens page and the
account pages included), the 404, 403 and 500 pages, the favicon, the password reset through
the outbox, "You are signed out.", and the header's name and roles."""

import datetime
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.auth import authenticate
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.template import loader
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import permission_denied

from apps.accounts.selectors import person_of
from apps.core.models import OutboxMail
from apps.web.errors import server_error
from tests import factories

pytestmark = pytest.mark.django_db

APPS = Path(__file__).resolve().parents[2] / "apps"
NAV = '<nav aria-label="Main">'
ICON = '<link rel="icon" href="/static/web/favicon.svg" type="image/svg+xml">'
SITE_URL = "https://tracker.example.org"


def signed_in(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    """The page as a reader sees its words: runs of white space as one space."""
    return " ".join(response.content.decode().split())


def in_the_site_frame(html: str, *, signed_in: bool = True) -> bool:
    html = " ".join(html.split())
    framed = 'class="brand"' in html and ICON in html and '<main id="content">' in html
    return framed and (NAV in html) == signed_in


# --- every page in the site's frame ------------------------------------------------------------

# Templates that are no page of their own: a part included in pages, and the annual report's
# document (rendered into the DOCX, the PDF and the sandboxed preview).
NOT_PAGES = {"web/meeting_rows.html", "reports/annual_report.html"}
FRAMES = {"web/frame.html", "web/base.html"}


def page_templates() -> dict[str, str]:
    found = {}
    for path in APPS.glob("*/templates/**/*.html"):
        name = path.as_posix().split("/templates/", 1)[1]  # as the loader names it
        if not path.name.startswith("_") and name not in NOT_PAGES | FRAMES:
            found[name] = path.read_text()
    return found


def test_every_page_template_extends_the_sites_frame():
    pages = page_templates()
    assert {"api/token.html", "404.html", "500.html", "registration/login.html"} <= set(pages)
    outside = {
        name
        for name, source in pages.items()
        if not re.match(r'\{% extends "web/(base|frame)\.html" %\}', source.lstrip())
    }
    # The API's two tool pages keep their own frames (Swagger UI's and REST framework's styles
    # would fight the site's): each still speaks English and leads back to the tracker.
    tools = {"api/browsable.html", "api/swagger_ui.html"}
    assert outside == tools
    for name in tools:
        assert '<html lang="en">' in pages[name] and "{% url 'web:home' %}" in pages[name]


def test_the_api_token_page_has_the_header_and_navigation(client, cast):
    response = signed_in(client, cast.reader).get(reverse("api:token-page"))
    html = text(response)
    assert response.status_code == 200
    assert in_the_site_frame(html)
    assert "<h1>Your API tokens</h1>" in html
    assert f'<a href="{reverse("api:token-page")}" aria-current="page">API tokens</a>' in html


@pytest.mark.parametrize(
    "name",
    ["password_reset", "password_reset_done", "password_reset_complete", "login"],
)
def test_the_account_pages_are_the_sites_not_the_admins(client, name):
    html = text(client.get(reverse(name)))
    assert in_the_site_frame(html, signed_in=False)
    assert "Django administration" not in html


def test_changing_ones_password_is_a_page_of_the_site(client, cast):
    html = text(signed_in(client, cast.reader).get(reverse("password_change")))
    assert in_the_site_frame(html) and "<h1>Change your password</h1>" in html
    assert "Django administration" not in html


# --- 404, 403, 500 -------------------------------------------------------------------------------


def test_an_unknown_address_is_a_404_in_the_site_with_where_to_go(client, cast):
    response = signed_in(client, cast.reader).get("/no-such-page/")
    html = text(response)
    assert response.status_code == 404
    assert in_the_site_frame(html)
    assert "<h1>Page not found</h1>" in html
    assert "There is no page at <code>/no-such-page/</code>" in html
    assert f'Go to <a href="{reverse("web:home")}">Home</a>' in html
    assert "Resolver404" not in html


def test_a_404_says_what_the_page_found_missing(client, cast):
    response = signed_in(client, cast.reader).get("/reports/summary/1990/")
    assert response.status_code == 404
    assert "There is no annual report for 1990: give a year from 2007." in text(response)


def test_someone_not_signed_in_is_sent_to_sign_in_from_a_404(client):
    response = client.get("/no-such-page/")
    html = text(response)
    assert response.status_code == 404
    assert in_the_site_frame(html, signed_in=False)
    assert f'<a href="{reverse("login")}">Sign in</a>' in html
    assert f'<a href="{reverse("password_reset")}">set a new one</a>' in html


def test_a_403_says_why_in_the_site(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.reader
    response = permission_denied(
        request, PermissionDenied("Past versions are shown, never restored.")
    )
    html = text(response)
    assert response.status_code == 403
    assert in_the_site_frame(html)
    assert "<h1>Not allowed</h1>" in html
    assert "Past versions are shown, never restored. Nothing was changed." in html
    assert f'<a href="{reverse("web:home")}">Home</a>' in html


def test_an_expired_form_is_a_403_in_the_site_that_says_to_reload(cast):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "reader", "password": "x"})
    html = text(response)
    assert response.status_code == 403
    assert in_the_site_frame(html, signed_in=False)
    assert "This form had expired" in html and "reload the page and send it again" in html


def test_the_500_page_needs_no_context_and_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render({})
    assert in_the_site_frame(html, signed_in=False)
    assert "The server could not complete your request" in html
    assert f'<a href="{reverse("login")}">Sign in</a>' in html


def test_a_failing_page_answers_the_500_page_without_touching_the_database(
    cast, monkeypatch, django_assert_num_queries
):
    from apps.web.views import home

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(home.activity, "recent_activity", broken)
    browser = signed_in(Client(raise_request_exception=False), cast.reader)
    response = browser.get("/")
    assert response.status_code == 500
    assert "The server could not complete your request" in text(response)
    request = RequestFactory().get("/deliverables/")
    with django_assert_num_queries(0):
        try:
            raise RuntimeError("a bug")
        except RuntimeError:
            answer = server_error(request)
    assert answer.status_code == 500 and in_the_site_frame(text(answer), signed_in=False)


# --- the favicon ---------------------------------------------------------------------------------


def test_the_favicon_is_an_svg_linked_from_every_page_and_at_favicon_ico(client, cast):
    found = finders.find("web/favicon.svg")
    assert found is not None
    svg = ElementTree.parse(found).getroot()  # noqa: S314 -- the project's own file
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    response = client.get("/favicon.ico")  # browsers ask before anyone signs in
    assert response.status_code == 302 and response["Location"] == "/static/web/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]
    assert client.post("/favicon.ico").status_code == 405
    assert ICON in text(client.get(reverse("login")))
    assert ICON in text(signed_in(client, cast.reader).get("/"))


# --- password reset, through the outbox ----------------------------------------------------------


def test_the_sign_in_page_links_to_the_password_reset(client):
    html = text(client.get(reverse("login")))
    assert f'<a href="{reverse("password_reset")}">Forgot your password?</a>' in html


def reset_link(body: str) -> str:
    [link] = re.findall(r"^https?://\S+$", body, flags=re.MULTILINE)[:1]
    return link


def test_a_password_reset_is_mailed_through_the_outbox_with_a_link_to_site_url(
    settings, cast, django_capture_on_commit_callbacks
):
    settings.SITE_URL = SITE_URL
    settings.EMAIL_BACKEND = "apps.core.mail.OutboxBackend"  # the project's, not the test's
    browser = Client(REMOTE_ADDR="10.7.7.7")
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(reverse("password_reset"), {"email": cast.reader.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")

    [row] = OutboxMail.objects.all()
    assert row.recipients == [cast.reader.email] and row.state == OutboxMail.State.SENT
    [sent] = mail.outbox  # delivered after the commit through MAIL_DELIVERY_BACKEND
    assert sent.subject == "[ISECG] Set a new password for reader"
    assert sent.to == [cast.reader.email]
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    link = reset_link(sent.body)
    assert link.startswith(f"{SITE_URL}/accounts/reset/")
    assert "testserver" not in sent.body
    assert "for 3 days" in sent.body
    done = text(browser.get(reverse("password_reset_done")))
    assert in_the_site_frame(done, signed_in=False) and "Check your mail" in done


def test_following_the_link_sets_the_password_and_signs_in(settings, cast):
    settings.SITE_URL = SITE_URL
    browser = Client(REMOTE_ADDR="10.7.7.8")
    browser.post(reverse("password_reset"), {"email": cast.reader.email})
    [sent] = mail.outbox
    form_page = browser.get(reset_link(sent.body).removeprefix(SITE_URL), follow=True)
    html = text(form_page)
    assert in_the_site_frame(html, signed_in=False)
    assert "Choose a new password for <strong>reader</strong>" in html

    new = "a long new passphrase for the reader"
    answer = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert answer.redirect_chain[-1][0] == "/"
    assert "Your new password is set and you are signed in." in text(answer)
    assert authenticate(username="reader", password=new) is not None


def test_a_used_or_forged_reset_link_says_to_ask_again(client):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "forged"]), follow=True)
    html = text(response)
    assert in_the_site_frame(html, signed_in=False)
    assert "This link no longer works" in html
    assert f'<a href="{reverse("password_reset")}">Ask for a new link</a>' in html


def test_a_new_password_too_short_is_refused_at_the_field(client, cast):
    client.post(reverse("password_reset"), {"email": cast.reader.email})
    [sent] = mail.outbox
    page = client.get(reset_link(sent.body).split("testserver", 1)[-1], follow=True)
    answer = client.post(
        page.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"}
    )
    assert answer.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in text(answer)
    assert authenticate(username="reader", password="short") is None


# --- signing out ---------------------------------------------------------------------------------


def test_after_signing_out_the_sign_in_page_says_so_once(client, cast):
    signed_in(client, cast.reader)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("login"), 302)]
    html = text(response)
    assert '<li class="success">You are signed out.</li>' in html
    assert in_the_site_frame(html, signed_in=False)
    assert "You are signed out." not in text(client.get(reverse("login")))
    assert client.get("/").status_code == 302  # the session is gone


# --- the header: who is signed in, with which roles ----------------------------------------------


def header(client, user) -> str:
    html = text(signed_in(client, user).get("/"))
    [who] = re.findall(r'<p class="who">(.*?)</p>', html, flags=re.DOTALL)
    return who


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.mark.parametrize(
    ("role", "roles"),
    [
        ("secretariat", "secretariat"),
        ("sam", "senior agency manager"),
        ("cochair", "co-chair of TWG"),
        ("delegate", "delegate of NASA"),
    ],
)
def test_the_header_names_the_person_and_their_roles(client, cast, role, roles):
    user = named(cast.by_role(role), "Ana", "Example")
    assert header(client, user) == (
        f'Signed in as <strong>Ana Example</strong> <span class="roles">({roles})</span>'
    )


def test_a_reader_with_no_name_is_shown_by_username_with_no_role(client):
    reader = factories.UserFactory(username="plain-reader")
    assert header(client, reader) == "Signed in as <strong>plain-reader</strong>"


def test_every_role_held_today_is_shown_and_an_ended_one_is_not(client, cast):
    person = named(cast.cochair_swg, "Ben", "Many")
    factories.CoChairAppointmentFactory(
        person=person, group=cast.twg, agency=cast.agencies["ESA"],
        starts_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    factories.DelegateAppointmentFactory(
        person=person, agency=cast.agencies["ESA"], starts_on=datetime.date(2020, 1, 1)
    )
    factories.DelegateAppointmentFactory(
        person=person, agency=cast.agencies["JAXA"], starts_on=datetime.date(2019, 1, 1),
        ends_on=datetime.date(2020, 1, 1),
    )  # fmt: skip
    person.groups.add(cast.sam.groups.get())
    assert header(client, person) == (
        'Signed in as <strong>Ben Many</strong> <span class="roles">'
        "(senior agency manager, co-chair of SWG and TWG, delegate of ESA)</span>"
    )


def test_the_header_costs_at_most_two_queries_whatever_the_person_holds(
    cast, django_assert_max_num_queries
):
    from django.contrib.auth.models import User

    for extra in ("SWG", "TWG"):
        factories.CoChairAppointmentFactory(
            person=cast.secretariat, group=getattr(cast, extra.lower()),
            agency=cast.agencies["NASA"], starts_on=datetime.date(2020, 1, 1),
        )  # fmt: skip
    for agency in cast.agencies.values():
        factories.DelegateAppointmentFactory(
            person=cast.secretariat, agency=agency, starts_on=datetime.date(2020, 1, 1)
        )
    fresh = User.objects.get(pk=cast.secretariat.pk)  # nothing cached on it yet
    with django_assert_max_num_queries(2):
        person = person_of(user=fresh)
    assert person.roles == [
        "secretariat", "co-chair of SWG and TWG", "delegate of ESA, JAXA and NASA",
    ]  # fmt: skip


def test_a_page_asks_for_the_header_once_per_request(client, cast, monkeypatch):
    from apps.web.templatetags import people

    asked = []
    monkeypatch.setattr(people, "person_of", lambda **kw: asked.append(kw) or person_of(**kw))
    html = text(signed_in(client, cast.cochair_twg).get(reverse("web:deliverables")))
    assert asked == [{"user": cast.cochair_twg}]
    assert "(co-chair of TWG)" in html
