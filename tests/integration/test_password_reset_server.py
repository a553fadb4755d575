"""A forgotten password, through the servers people run (`make demo`'s runserver, and gunicorn
with production settings), over real HTTP as a browser does: the sign-in page's link, the form
posted with the page's CSRF token, the mail written to the outbox and, with no EMAIL_HOST as in
the demo, printed on the server's console, its link built from SITE_URL (not from the address
the browser used), the new password set from it, signing out ("You are signed out.") and in
again with it. No request fails with a 5xx, nor does the server log a traceback."""

import html
import re
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from django.urls import reverse

from tests.integration.test_real_servers import (
    PASSWORD,
    Client,
    Server,
    database_url,
    drop,
    forms_of,
    runserver,
    seeded_database,  # noqa: F401 -- the fixture: a database migrated and seeded once
)
from tests.reliability.servers import gunicorn, python_env, stop, wait_until
from tests.services import require_postgres

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

# Not the address the test reaches the server at: the mail must link here all the same.
SITE_URL = "http://tracker.example.org:8000"
EMAIL = "cochair-twg@demo.example.org"  # seed_demo's address for cochair-twg
NEW_PASSWORD = "a new passphrase for the TWG co-chair"


@pytest.fixture(params=["runserver", "gunicorn"])
def server(request, seeded_database, tmp_path) -> Iterator[Server]:  # noqa: F811
    name = f"{seeded_database}_reset_{request.param}_{uuid.uuid4().hex[:4]}"
    with psycopg.connect(require_postgres(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seeded_database}"')
    log = tmp_path / f"{request.param}.log"
    # No broker: the mail is delivered in the web process after the commit; no EMAIL_HOST: to
    # the console, as in the demo.
    services = {
        "DATABASE_URL": database_url(name),
        "REDIS_URL": None,
        "CACHE_URL": None,
        "EMAIL_HOST": None,
        "SITE_URL": SITE_URL,
    }
    process = None
    try:
        if request.param == "runserver":
            process, base = runserver(python_env(DEBUG="1", SECRET_KEY=None, **services), log)
        else:
            process, base = gunicorn(python_env(**services), log, workers=2)
        yield Server(request.param, base, name, log)
    finally:
        if process is not None:
            stop(process)
        drop(name)


def outbox_states(database: str) -> list[tuple[list, str]]:
    with psycopg.connect(database_url(database)) as conn:
        rows = conn.execute("SELECT recipients, state FROM core_outboxmail ORDER BY id")
        return [tuple(row) for row in rows.fetchall()]


def test_a_forgotten_password_is_reset_through_the_mailed_link(server: Server):
    exchanges: list = []
    browser = Client(server.base, exchanges)
    login, ask = reverse("login"), reverse("password_reset")
    assert f'<a href="{ask}">Forgot your password?</a>' in browser.page(login)

    response = browser.submit(ask, ask, {"email": EMAIL})
    assert response.status_code == 302, response.text[:500]
    assert urlsplit(response.headers["Location"]).path == reverse("password_reset_done")
    assert "Check your mail" in browser.page(reverse("password_reset_done"))

    # The mail as the console backend printed it, once the outbox's sender ran.
    subject = "Subject: [ISECG] Set a new password for cochair-twg"
    wait_until(lambda: subject in server.log.read_text(), seconds=30, what="the reset mail")
    printed = server.log.read_text()
    assert f"To: {EMAIL}" in printed
    [link] = re.findall(rf"^{re.escape(SITE_URL)}(/accounts/reset/\S+/)$", printed, re.MULTILINE)
    assert outbox_states(server.database) == [([EMAIL], "sent")]

    response = browser.request("GET", link)  # the token moves out of the address
    assert response.status_code == 302, response.status_code
    form_page = urlsplit(response.headers["Location"]).path
    page = html.unescape(browser.page(form_page))
    assert "Choose a new password for <strong>cochair-twg</strong>" in page
    assert '<nav aria-label="Main">' not in page and 'class="brand"' in page
    typed = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = browser.submit(form_page, form_page, typed)
    assert response.status_code == 302, response.text[:500]
    home = html.unescape(browser.page(urlsplit(response.headers["Location"]).path))
    assert "Your new password is set and you are signed in." in home
    assert "Signed in as <strong>Ana Cochair</strong>" in home

    response = browser.submit("/", reverse("logout"))
    assert urlsplit(response.headers["Location"]).path == login
    assert "You are signed out." in browser.page(login)

    again = Client(server.base, exchanges)
    old = again.submit(login, login, {"username": "cochair-twg", "password": PASSWORD})
    assert old.status_code == 200 and "did not match" in old.text
    new = again.submit(login, login, {"username": "cochair-twg", "password": NEW_PASSWORD})
    assert new.status_code == 302 and "sessionid" in again.http.cookies
    assert [f for f in forms_of(again.page("/")) if f.action == reverse("logout")]

    icon = again.request("GET", "/favicon.ico")
    assert icon.status_code == 302 and icon.headers["Location"] == "/static/web/favicon.svg"
    if server.kind == "gunicorn":  # DEBUG off: the site's own 404 page
        missing = again.request("GET", "/no-such-page/")
        assert missing.status_code == 404 and "Page not found" in missing.text

    assert [e for e in exchanges if e.status >= 500] == []
    assert "Traceback" not in server.log.read_text()
