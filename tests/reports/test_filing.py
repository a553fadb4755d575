"""A finished report draft filed as the next revision of its year's annual report deliverable."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.core.errors import ApplicationError
from apps.deliverables.models import Deliverable
from apps.reports.filing import report_draft_file_as_revision
from apps.reports.models import ReportDraft
from tests.documents.samples import docx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def finished_draft(cast, year=2026, version=1, state="done") -> ReportDraft:
    content = docx_bytes(f"ISECG {year} Annual Report", "Executive summary")
    return ReportDraft.objects.create(
        year=year, version=version, requested_by=cast.secretariat, state=state,
        percent=100 if state == "done" else 40, checksum="0" * 64,
        docx=default_storage.save(
            f"reports/{year}/isecg-annual-report-{year}-v{version}.docx", ContentFile(content)
        ),
    )  # fmt: skip


def test_a_draft_becomes_the_next_revision_of_the_years_report(cast):
    scwg = cast.swg  # the group that led last year's report leads this one
    cast.deliverable("published", title="ISECG Annual Report 2025", kind="annual_report",
                     lead_group=scwg, published_on="2026-02-01")  # fmt: skip
    first = report_draft_file_as_revision(draft=finished_draft(cast), actor=cast.secretariat)
    report = Deliverable.objects.get(title="ISECG Annual Report 2026")
    assert (report.kind, report.lead_group, report.state) == ("annual_report", scwg, "planned")
    assert (first.deliverable, first.label, first.original_name) == (
        report,
        "00",
        "isecg-annual-report-2026-v1.docx",
    )
    assert first.note.startswith("Draft v1 of the 2026 annual report")
    second = report_draft_file_as_revision(
        draft=finished_draft(cast, version=2), actor=cast.secretariat
    )
    assert (second.deliverable, second.label) == (report, "01")
    assert Deliverable.objects.filter(title="ISECG Annual Report 2026").count() == 1


def test_only_the_secretariat_files_and_only_a_finished_draft(cast):
    with pytest.raises(ApplicationError) as refused:
        report_draft_file_as_revision(draft=finished_draft(cast), actor=cast.cochair_twg)
    assert refused.value.code == "forbidden"
    with pytest.raises(ApplicationError) as refused:
        report_draft_file_as_revision(
            draft=finished_draft(cast, version=2, state="running"), actor=cast.secretariat
        )
    assert "only a finished draft is filed" in refused.value.message
    assert not Deliverable.objects.filter(kind="annual_report").exists()


def test_with_no_group_to_lead_it_the_refusal_says_what_to_do(cast):
    with pytest.raises(ApplicationError) as refused:
        report_draft_file_as_revision(draft=finished_draft(cast), actor=cast.secretariat)
    assert "add the deliverable first" in refused.value.message
    assert not Deliverable.objects.filter(kind="annual_report").exists()


def test_the_report_page_files_the_draft_for_the_secretariat_only(cast, client):
    cast.deliverable("published", title="ISECG Annual Report 2025", kind="annual_report",
                     lead_group=cast.swg, published_on="2026-02-01")  # fmt: skip
    draft = finished_draft(cast)
    client.force_login(cast.cochair_twg)
    page = client.get(f"/reports/{draft.pk}/")
    assert "File as a revision" not in page.content.decode()
    assert client.post(f"/reports/{draft.pk}/file/").status_code == 403
    client.force_login(cast.secretariat)
    assert "File as a revision" in client.get(f"/reports/{draft.pk}/").content.decode()
    answer = client.post(f"/reports/{draft.pk}/file/", follow=True)
    report = Deliverable.objects.get(title="ISECG Annual Report 2026")
    assert answer.redirect_chain[-1][0] == f"/deliverables/{report.pk}/"
    assert "filed as revision 00" in answer.content.decode()
