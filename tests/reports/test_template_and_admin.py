"""The Word template the secretariat restyles, the start-up check for it, and the admin pages."""

import hashlib
import zipfile

import docx
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from apps.core.checks import BUSINESS_APPS
from apps.reports.checks import report_template_exists
from apps.reports.models import ReportDraft, ReportNarrative
from apps.reports.render import DOCX_TEMPLATE


def test_the_template_uses_word_styles_a_person_can_restyle():
    document = docx.Document(str(DOCX_TEMPLATE))
    names = {style.name for style in document.styles}
    assert {
        "Title",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "List Bullet",
        "List Bullet 2",
        "Draft Note",
        "Table Grid",
        "Hyperlink",
    } <= names
    # Outline levels make Word's table of contents and navigation pane work; chapters start on
    # a new page as in the published reports.
    heading_1 = document.styles["Heading 1"]
    assert heading_1.element.pPr.find(docx.oxml.ns.qn("w:outlineLvl")) is not None
    assert heading_1.paragraph_format.page_break_before
    assert document.styles["List Bullet"].element.pPr.numPr is not None
    texts = [p.text for p in document.paragraphs]
    assert "{%p for b in blocks %}" in texts and "{{r b.rt }}" in texts
    with zipfile.ZipFile(DOCX_TEMPLATE) as package:
        assert 'TOC \\o "1-2"' in package.read("word/document.xml").decode()
        assert "w:updateFields" in package.read("word/settings.xml").decode()


@pytest.mark.django_db
def test_a_draft_keeps_the_table_of_contents_field_and_links(isecg_record, draft_year):
    from apps.deliverables.models import Deliverable

    Deliverable.objects.filter(title="ISECG Annual Report 2024").update(
        link="https://www.globalspaceexploration.org/annual-report-2024"
    )
    draft = draft_year(2025)
    with zipfile.ZipFile(default_storage.path(draft.docx.name)) as package:
        body = package.read("word/document.xml").decode()
        relations = package.read("word/_rels/document.xml.rels").decode()
    assert 'TOC \\o "1-2"' in body
    assert "{%" not in body and "{{" not in body  # every tag was filled
    assert "<w:hyperlink" in body
    assert "https://www.globalspaceexploration.org/annual-report-2024" in relations
    core = docx.Document(default_storage.path(draft.docx.name)).core_properties
    assert core.title == "ISECG 2025 Annual Report (draft v1)"


def test_the_start_up_check_names_a_missing_template(settings, tmp_path):
    assert report_template_exists(None) == []
    settings.REPORTS_DOCX_TEMPLATE = str(tmp_path / "nowhere.docx")
    [error] = report_template_exists(None)
    assert error.id == "reports.E001"
    assert "nowhere.docx is missing" in error.msg
    assert "git checkout" in error.hint


def test_report_models_keep_history():
    assert "reports" in BUSINESS_APPS
    assert hasattr(ReportDraft, "history") and hasattr(ReportNarrative, "history")


@pytest.mark.django_db
def test_the_admin_shows_drafts_read_only_and_never_adds_one(admin_client, draft_year):
    draft = draft_year(2025)
    changelist = admin_client.get(reverse("admin:reports_reportdraft_changelist"))
    assert changelist.status_code == 200
    assert "2025 Annual Report, draft v1 (done)" in changelist.content.decode()
    change = admin_client.get(reverse("admin:reports_reportdraft_change", args=[draft.pk]))
    assert change.status_code == 200
    assert draft.checksum in change.content.decode()
    assert 'name="state"' not in change.content.decode()  # shown, not editable
    assert admin_client.get(reverse("admin:reports_reportdraft_add")).status_code == 403
    history = admin_client.get(reverse("admin:reports_reportdraft_history", args=[draft.pk]))
    assert "Drafting started" in history.content.decode()


@pytest.mark.django_db
def test_the_admin_serves_the_preview_and_the_docx_of_a_done_draft(admin_client, draft_year):
    draft = draft_year(2025)
    preview = admin_client.get(reverse("admin:reports_reportdraft_preview", args=[draft.pk]))
    assert preview.status_code == 200 and preview["Content-Type"].startswith("text/html")
    assert b"2025 Annual Report" in b"".join(preview.streaming_content)
    download = admin_client.get(reverse("admin:reports_reportdraft_docx", args=[draft.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    assert "isecg-annual-report-2025-v1.docx" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert hashlib.sha256(body).hexdigest() == draft.checksum
    queued = ReportDraft.objects.create(year=2025, version=2)
    missing = admin_client.get(reverse("admin:reports_reportdraft_docx", args=[queued.pk]))
    assert missing.status_code == 404


@pytest.mark.django_db
def test_the_files_are_for_staff_only(client, draft_year):
    from tests.factories import UserFactory

    draft = draft_year(2025)
    client.force_login(UserFactory(username="outsider"))  # signed in, not staff
    url = reverse("admin:reports_reportdraft_docx", args=[draft.pk])
    assert client.get(url).status_code == 302  # to the admin login


@pytest.mark.django_db
def test_the_secretariat_writes_the_narrative_in_the_admin(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:reports_reportnarrative_add"),
        {"year": 2025, "executive_summary": "In 2025, ISECG grew."},
    )
    assert response.status_code == 302
    narrative = ReportNarrative.objects.get(year=2025)
    assert narrative.written_by == admin_user
    assert narrative.history.get().history_change_reason == "Added in the admin"
