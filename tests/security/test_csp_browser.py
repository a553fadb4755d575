"""The strict content security policy breaks no page: Chromium reports no violation on any main
page, the admin or the API docs."""

import pytest
from django.urls import reverse

from tests import factories
from tests.web.test_browser import browser as browser  # the shared Chromium fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_violates_the_content_security_policy(browser, live_server, cast, settings):
    world_draft = factories.ReportDraftFactory(requested_by=cast.secretariat)
    deliverable = cast.deliverable("drafting", title="Roadmap")
    operator = factories.UserFactory(username="operator", is_staff=True, is_superuser=True)
    operator.set_password("operator password 2025")
    operator.save()
    page = browser.new_page()
    violations, messages = [], []
    page.on("console", lambda m: messages.append(m.text))
    page.expose_function("reportViolation", lambda v: violations.append(v))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "window.reportViolation(e.violatedDirective + ' ' + e.blockedURI + ' ' + "
        "document.location.pathname))"
    )
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "operator")
    page.fill("#id_password", "operator password 2025")
    page.click("button[type=submit]")
    urls = [
        reverse("web:home"), reverse("web:deliverables"),
        reverse("web:deliverable", args=[deliverable.pk]), reverse("web:groups"),
        reverse("web:group", args=[cast.twg.pk]), reverse("web:agencies"),
        reverse("web:overview"), reverse("web:reports"),
        reverse("web:report", args=[world_draft.pk]), reverse("api:token-page"),
        reverse("api:docs"), "/api/v1/", reverse("admin:index"),
        reverse("admin:deliverables_deliverable_changelist"),
        reverse("admin:deliverables_deliverable_change", args=[deliverable.pk]),
    ]  # fmt: skip
    for url in urls:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    page.close()
    csp = [m for m in messages if "Content Security Policy" in m]
    print(f"\n{len(urls)} pages opened in Chromium, {len(violations)} violations")
    assert violations == [] and csp == []
