"""Revisions over HTTP: upload (multipart) as each role, what is refused and why, reading,
downloading, comparing two, marking one superseded, retrying a failed extraction, opening a
round on a named revision, and an upload through a real gunicorn."""

import datetime
import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.documents.files import DOCX, ODT, PDF
from apps.documents.models import Revision
from apps.plenary.models import ConsensusRound
from tests import factories
from tests.api.conftest import ROLES
from tests.documents.samples import PDF_BYTES, docx_bytes

pytestmark = pytest.mark.django_db

UPLOADERS = {"cochair", "secretariat"}


def docx_with_noise(paragraphs, *, noise: int) -> bytes:
    """A DOCX carrying `noise` random bytes as a picture would (stored, not compressed)."""
    import os
    import zipfile

    buffer = io.BytesIO(docx_bytes(*paragraphs))
    with zipfile.ZipFile(buffer, "a") as package:
        package.writestr("word/media/image1.bin", os.urandom(noise), zipfile.ZIP_STORED)
    return buffer.getvalue()


def revisions_url(deliverable) -> str:
    return f"/api/v1/deliverables/{deliverable.pk}/revisions/"


def upload(client, deliverable, name="Draft.docx", content=None, **fields):
    content = docx_bytes("Introduction", "The Moon first.") if content is None else content
    body = {"file": SimpleUploadedFile(name, content), "note": "First full draft", **fields}
    return client.post(revisions_url(deliverable), body, format="multipart")


@pytest.fixture
def drafting(cast):
    return cast.deliverable("drafting", title="Lunar surface white paper")


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


# --- upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_lead_groups_cochairs_and_the_secretariat_upload_and_nobody_else(
    as_role, drafting, role, media_root
):
    content = docx_bytes("Introduction", "The Moon first.")
    response = upload(as_role(role), drafting, content=content)
    if role in UPLOADERS:
        assert response.status_code == 201, response.json()
        body = response.json()
        assert type(response["Location"]) is str and response["Location"] == body["url"]
        assert body["url"].endswith(f"/api/v1/deliverables/{drafting.pk}/revisions/0/")
        assert (body["number"], body["label"], body["status"], body["kind"]) == (
            0, "00", "current", "draft",
        )  # fmt: skip
        assert body["sha256"] == hashlib.sha256(content).hexdigest()
        assert (body["size"], body["content_type"]) == (len(content), DOCX)
        assert body["original_name"] == "Draft.docx"
        revision = Revision.objects.get(deliverable=drafting)
        assert revision.history.get().history_change_reason.startswith("Revision 00 uploaded")
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert "co-chairs of TWG" in response.json()["detail"]
        assert not Revision.objects.exists()
        assert stored_files(media_root) == []


def test_a_file_of_another_type_is_refused_with_the_services_message(as_role, drafting, media_root):
    response = upload(as_role("cochair"), drafting, name="notes.txt", content=b"just some notes")
    assert response.status_code == 400
    body = response.json()
    message = (
        "“notes.txt” is a file of no type we recognise. A revision is a Word document (.docx), "
        "an OpenDocument text (.odt) or a PDF (.pdf)."
    )
    assert (body["code"], body["detail"], body["fields"]) == (
        "invalid",
        message,
        {"file": [message]},
    )
    assert not Revision.objects.exists() and stored_files(media_root) == []


def test_a_name_that_disagrees_with_the_bytes_is_refused(as_role, drafting):
    response = upload(as_role("cochair"), drafting, name="report.pdf", content=docx_bytes("x"))
    assert response.status_code == 400
    assert "named as a PDF (.pdf) but its bytes are a Word document" in response.json()["detail"]
    assert list(response.json()["fields"]) == ["file"]


def test_a_file_over_revision_max_mb_is_refused_naming_the_setting(
    as_role, drafting, settings, media_root
):
    settings.REVISION_MAX_MB = 1
    too_big = PDF_BYTES + b"0" * (1024 * 1024)
    response = upload(as_role("secretariat"), drafting, name="big.pdf", content=too_big)
    assert response.status_code == 400
    assert "at most 1 MB (REVISION_MAX_MB)" in response.json()["fields"]["file"][0]
    assert not Revision.objects.exists() and stored_files(media_root) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(as_role, drafting, settings):
    settings.REVISION_MAX_MB = 1
    huge = PDF_BYTES + b"0" * (3 * 1024 * 1024)
    response = upload(as_role("secretariat"), drafting, name="huge.pdf", content=huge)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert "(REVISION_MAX_MB)" in response.json()["detail"]
    assert not Revision.objects.exists()


def test_an_upload_needs_a_note_and_a_file_in_multipart(as_role, drafting):
    client = as_role("cochair")
    response = client.post(
        revisions_url(drafting),
        {"file": SimpleUploadedFile("a.docx", docx_bytes("a")), "note": " "},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["note"]
    response = client.post(revisions_url(drafting), {"note": "No file"}, format="multipart")
    assert list(response.json()["fields"]) == ["file"]
    response = client.post(revisions_url(drafting), {"note": "JSON"}, format="json")
    assert response.status_code == 415
    assert not Revision.objects.exists()


def test_an_upload_during_a_round_says_substantive_or_editorial(cast, as_role):
    deliverable = cast.deliverable("submitted")
    client = as_role("secretariat")
    assert upload(client, deliverable).status_code == 201
    opened = client.post(
        f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/", {"channel": "plenary"}
    )
    assert opened.status_code == 201, opened.json()
    refused = upload(client, deliverable, note="Typos")
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["kind"]
    editorial = upload(client, deliverable, note="Typos", kind="editorial", reason="Typos only")
    assert editorial.status_code == 201, editorial.json()
    assert (editorial.json()["kind"], editorial.json()["kind_reason"]) == (
        "editorial",
        "Typos only",
    )
    round = client.get(opened.json()["url"]).json()
    assert (round["state"], round["revision"]["number"]) == ("open", 1)


def test_a_published_deliverable_takes_no_revision(cast, as_role):
    published = cast.deliverable("published", published_on=datetime.date(2024, 1, 1))
    response = upload(as_role("secretariat"), published)
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["state"]) == ("illegal_move", "published")


# --- reading ------------------------------------------------------------------------------------


def test_the_list_is_newest_first_and_each_revision_links_its_file_diff_and_history(
    as_role, drafting
):
    client = as_role("cochair")
    for note in ("First", "Second", "Third"):
        assert upload(client, drafting, note=note).status_code == 201
    page = as_role("reader").get(revisions_url(drafting), {"page_size": 2}).json()
    assert page["count"] == 3 and page["next"]
    assert [(r["label"], r["note"]) for r in page["results"]] == [("02", "Third"), ("01", "Second")]
    latest = page["results"][0]
    assert latest["uploaded_by"]["username"] == "cochair-twg"
    assert latest["diff_url"].endswith(f"/deliverables/{drafting.pk}/revisions/diff/?from=1&to=2")
    assert latest["file_url"].endswith(f"/deliverables/{drafting.pk}/revisions/2/file/")
    first = as_role("reader").get(f"{revisions_url(drafting)}0/").json()
    assert (first["label"], first["diff_url"], first["text_state"]) == ("00", None, "pending")
    history = as_role("reader").get(first["history_url"]).json()
    assert history["results"][0]["reason"] == "Revision 00 uploaded: First"


def test_unknown_revisions_and_deliverables_are_404s_that_say_where_to_look(as_role, drafting):
    client = as_role("reader")
    missing = client.get(f"{revisions_url(drafting)}7/")
    assert missing.status_code == 404
    assert "has no revision 07" in missing.json()["detail"]
    assert revisions_url(drafting) in missing.json()["detail"]
    assert client.get("/api/v1/deliverables/999999/revisions/").status_code == 404
    assert client.get(f"{revisions_url(drafting)}abc/").status_code == 404
    huge = "9" * 30  # past any database integer: no such object, never a 500
    assert client.get(f"{revisions_url(drafting)}{huge}/").status_code == 404
    assert client.get(f"/api/v1/deliverables/{huge}/revisions/").status_code == 404
    assert client.get(f"{revisions_url(drafting)}diff/?from={huge}&to=0").status_code == 400


def test_the_list_costs_the_same_queries_for_one_revision_or_many(
    as_role, drafting, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_role("reader")
    factories.RevisionFactory(deliverable=drafting, number=0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(revisions_url(drafting)).status_code == 200
    for number in range(1, 6):
        factories.RevisionFactory(deliverable=drafting, number=number)
    with django_assert_max_num_queries(len(one)):
        assert len(client.get(revisions_url(drafting)).json()["results"]) == 6


# --- the file -----------------------------------------------------------------------------------


def test_the_file_is_an_attachment_no_browser_runs_with_its_sha256_as_etag(as_role, drafting):
    content = docx_bytes("Introduction")
    assert upload(as_role("cochair"), drafting, content=content).status_code == 201
    url = f"{revisions_url(drafting)}0/file/"
    response = as_role("delegate").get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    digest = hashlib.sha256(content).hexdigest()
    assert data == content and response["ETag"] == f'"{digest}"'
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        f'attachment; filename="deliverable-{drafting.pk}-rev-00.docx"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    again = as_role("delegate").get(url, HTTP_IF_NONE_MATCH=f'"{digest}"')
    assert again.status_code == 304 and again["ETag"] == f'"{digest}"'


def test_the_file_needs_a_signed_in_reader(client_for, drafting):
    factories.RevisionFactory(deliverable=drafting, number=0)
    response = client_for(None).get(f"{revisions_url(drafting)}0/file/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- the diff -----------------------------------------------------------------------------------


@pytest.fixture
def two_extracted(as_role, drafting, django_capture_on_commit_callbacks):
    """00 and 01 uploaded, their text extracted (the task runs in-process after the commit)."""
    client = as_role("cochair")
    for paragraphs in (("Introduction", "The Moon first."), ("Introduction", "The Moon and Mars.")):
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, drafting, content=docx_bytes(*paragraphs))
        assert response.status_code == 201
    assert set(Revision.objects.values_list("text_state", flat=True)) == {"done"}
    return drafting


def test_the_diff_gives_paragraph_operations_and_the_same_as_html(as_role, two_extracted):
    response = as_role("reader").get(f"{revisions_url(two_extracted)}diff/?from=0&to=1")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["from"], body["to"]) == (0, 1)
    assert [op["op"] for op in body["operations"]] == ["equal", "replace"]
    replaced = body["operations"][1]
    assert (replaced["old"], replaced["new"]) == ("The Moon first.", "The Moon and Mars.")
    assert {"op": "insert", "text": "and Mars"} in replaced["words"]
    assert "<del>first</del>" in body["html"] and "<ins>and Mars</ins>" in body["html"]


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("to=1", "from", "Give the number of the revision to compare from"),
        ("from=0", "to", "Give the number of the revision to compare to"),
        ("from=abc&to=1", "from", "Give the number"),
        ("from=0&to=-1", "to", "Give the number"),
        ("from=0&to=9", "to", "has no revision 09: its revisions are 00 to 01."),
    ],
)
def test_a_diff_without_two_known_numbers_is_a_400_naming_the_parameter(
    as_role, two_extracted, query, field, says
):
    response = as_role("reader").get(f"{revisions_url(two_extracted)}diff/?{query}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]
    assert says in response.json()["fields"][field][0]


def test_a_diff_of_a_text_not_extracted_yet_is_a_409_not_ready(as_role, drafting):
    factories.RevisionFactory(deliverable=drafting, number=0, text_state="done", text="A")
    factories.RevisionFactory(deliverable=drafting, number=1)  # pending
    response = as_role("reader").get(f"{revisions_url(drafting)}diff/?from=0&to=1")
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["state"], body["allowed"]) == ("not_ready", "pending", [])
    assert "Revision 01's text is not extracted yet" in body["detail"]
    failed = factories.RevisionFactory(
        deliverable=drafting, number=2, text_state="failed", text_error="password-protected"
    )
    response = as_role("reader").get(f"{revisions_url(drafting)}diff/?from=0&to={failed.number}")
    assert response.json()["state"] == "failed"
    assert "password-protected" in response.json()["detail"]
    assert f"{revisions_url(drafting)}2/text/retry/" in response.json()["detail"]


# --- status and retry ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_marking_a_revision_superseded_is_the_editors(as_role, drafting, role):
    factories.RevisionFactory(deliverable=drafting, number=0)
    url = f"{revisions_url(drafting)}0/status/"
    response = as_role(role).post(url, {"status": "superseded", "reason": "Replaced by 01"})
    revision = Revision.objects.get()
    if role in UPLOADERS:
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["status_reason"]) == (
            "superseded", "Replaced by 01",
        )  # fmt: skip
        assert revision.status == "superseded"
        again = as_role(role).post(url, {"status": "withdrawn", "reason": "Twice"})
        assert again.status_code == 409
        assert (again.json()["code"], again.json()["state"]) == ("illegal_move", "superseded")
    else:
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert revision.status == "current"


def test_a_status_must_be_superseded_or_withdrawn_with_a_reason(as_role, drafting):
    factories.RevisionFactory(deliverable=drafting, number=0)
    url = f"{revisions_url(drafting)}0/status/"
    response = as_role("cochair").post(url, {"status": "current", "reason": "Back"})
    assert response.json()["fields"] == {"status": ["Give superseded or withdrawn."]}
    response = as_role("cochair").post(url, {"status": "withdrawn"})
    assert response.json()["fields"] == {"reason": ["Say why: this step records a reason."]}


def test_the_text_of_a_round_in_progress_stays_current(cast, as_role):
    deliverable = cast.deliverable("submitted")
    client = as_role("secretariat")
    assert upload(client, deliverable).status_code == 201
    url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    assert client.post(url, {"channel": "plenary", "revision": 0}).status_code == 201
    response = client.post(
        f"{revisions_url(deliverable)}0/status/", {"status": "withdrawn", "reason": "Oops"}
    )
    assert response.status_code == 409
    assert "a round is deciding on" in response.json()["detail"]


def test_only_a_failed_extraction_is_retried(as_role, drafting):
    failed = factories.RevisionFactory(
        deliverable=drafting, number=0, text_state="failed", text_error="corrupt"
    )
    factories.RevisionFactory(deliverable=drafting, number=1, text_state="done", text="A")
    assert as_role("reader").post(f"{revisions_url(drafting)}0/text/retry/").status_code == 403
    response = as_role("cochair").post(f"{revisions_url(drafting)}0/text/retry/")
    assert response.status_code == 200, response.json()
    assert response.json()["text_state"] == "pending"
    failed.refresh_from_db()
    assert failed.text_state == "pending"
    done = as_role("cochair").post(f"{revisions_url(drafting)}1/text/retry/")
    assert done.status_code == 409
    assert (done.json()["state"], done.json()["code"]) == ("done", "illegal_move")


# --- rounds on a revision -----------------------------------------------------------------------


def test_a_round_opens_on_the_named_revision_and_positions_show_theirs(cast, as_role):
    deliverable = cast.deliverable("submitted")
    client = as_role("secretariat")
    first = upload(client, deliverable, content=docx_bytes("Zero")).json()
    assert upload(client, deliverable, content=docx_bytes("One")).status_code == 201
    url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    unknown = client.post(url, {"channel": "plenary", "revision": 5})
    assert unknown.status_code == 400
    assert "has no revision 05" in unknown.json()["fields"]["revision"][0]
    opened = client.post(url, {"channel": "plenary", "revision": 0})
    assert opened.status_code == 201, opened.json()
    revision = opened.json()["revision"]
    assert (revision["number"], revision["label"], revision["sha256"]) == (
        0, "00", first["sha256"],
    )  # fmt: skip
    assert revision["file_url"] == first["file_url"]
    round = ConsensusRound.objects.get(pk=opened.json()["id"])
    assert round.revision.number == 0 and round.revision_sha256 == first["sha256"]

    recorded = as_role("delegate").post(
        f"/api/v1/consensus-rounds/{round.pk}/positions/", {"position": "concur"}
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["position"]["revision"] == 0
    read = client.get(f"/api/v1/consensus-rounds/{round.pk}/").json()
    nasa = next(row for row in read["agencies"] if row["agency"]["acronym"] == "NASA")
    assert nasa["latest"]["revision"] == 0
    listed = client.get(f"/api/v1/consensus-rounds/{round.pk}/positions/").json()
    assert [p["revision"] for p in listed["results"]] == [0]


def test_by_default_a_round_opens_on_the_latest_current_revision(cast, as_role):
    deliverable = cast.deliverable("submitted")
    client = as_role("secretariat")
    for text in ("Zero", "One"):
        assert upload(client, deliverable, content=docx_bytes(text)).status_code == 201
    url = f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/"
    assert client.post(url, {"channel": "plenary"}).json()["revision"]["number"] == 1


def test_the_records_rounds_have_no_revision(as_role, record):
    read = as_role("reader").get(f"/api/v1/consensus-rounds/{record['round'].pk}/").json()
    assert read["revision"] is None
    assert read["agencies"][0]["latest"]["revision"] is None
    listed = as_role("reader").get("/api/v1/consensus-rounds/").json()["results"]
    assert {r["revision"] for r in listed} == {None}


def test_a_superseded_revision_cannot_be_the_text_of_a_round(cast, as_role):
    deliverable = cast.deliverable("submitted")
    factories.RevisionFactory(
        deliverable=deliverable, number=0, status="superseded", status_reason="Old"
    )
    response = as_role("secretariat").post(
        f"/api/v1/deliverables/{deliverable.pk}/consensus-rounds/",
        {"channel": "plenary", "revision": 0},
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {"revision": ["Name a current revision."]}
    assert not ConsensusRound.objects.filter(deliverable=deliverable).exists()


def test_the_deliverable_links_its_revisions(as_role, drafting):
    body = as_role("reader").get(f"/api/v1/deliverables/{drafting.pk}/").json()
    assert body["revisions_url"].endswith(revisions_url(drafting))


# --- what the schema says -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    from tests.api.test_schemathesis import served_schema

    return served_schema()


def test_the_schema_says_the_upload_is_multipart_with_a_binary_file_of_three_types(schema):
    post = schema["paths"]["/api/v1/deliverables/{id}/revisions/"]["post"]
    assert list(post["requestBody"]["content"]) == ["multipart/form-data"]
    body = post["requestBody"]["content"]["multipart/form-data"]
    upload_schema = schema["components"]["schemas"][body["schema"]["$ref"].split("/")[-1]]
    assert upload_schema["properties"]["file"]["format"] == "binary"
    assert set(upload_schema["required"]) == {"file", "note"}
    assert body["encoding"]["file"]["contentType"].split(", ") == [DOCX, ODT, PDF]
    assert {"201", "400", "403", "409", "413", "415", "429"} <= set(post["responses"])
    assert post["responses"]["201"]["headers"]["Location"]["required"] is True


def test_the_schema_says_the_file_is_binary_in_its_own_type_with_its_sha256_etag(schema):
    get = schema["paths"]["/api/v1/deliverables/{id}/revisions/{number}/file/"]["get"]
    ok = get["responses"]["200"]
    assert list(ok["content"]) == [DOCX, ODT, PDF]
    binary = {"type": "string", "format": "binary"}
    assert all(content["schema"] == binary for content in ok["content"].values())
    assert "SHA-256" in ok["headers"]["ETag"]["description"]
    assert "304" in get["responses"]


def test_the_schema_documents_the_diff_errors_and_not_ready(schema):
    get = schema["paths"]["/api/v1/deliverables/{id}/revisions/diff/"]["get"]
    assert {p["name"]: p["required"] for p in get["parameters"] if p["in"] == "query"} == {
        "from": True,
        "to": True,
    }
    assert {"400", "404", "409"} <= set(get["responses"])
    assert "not_ready" in schema["components"]["schemas"]["CodeEnum"]["enum"]
    assert get["responses"]["200"]["content"]["application/json"]["examples"]


# --- through a real server ----------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_upload_through_gunicorn_is_stored_extracted_and_downloaded(cast, tmp_path):
    """Multipart through a real WSGI server (header types, streaming, temporary files past
    the in-memory size): the bytes come back identical, and the text is extracted."""
    import time

    import requests
    from django.db import connection

    from apps.api.services import api_token_create
    from tests.reliability.conftest import database_url
    from tests.reliability.servers import gunicorn, python_env, stop

    if connection.vendor != "postgresql":
        pytest.skip("the server shares this test's PostgreSQL database")
    deliverable = cast.deliverable("drafting")
    secret = api_token_create(actor=cast.cochair_twg, name="upload", scope="read_write").secret
    media = tmp_path / "media"
    env = python_env(
        DATABASE_URL=database_url(), REDIS_URL=None, CACHE_URL=None, MEDIA_ROOT=str(media)
    )
    # Past Django's 2.5 MB in-memory limit, so the upload is spooled to a temporary file: the
    # text plus an incompressible picture, as a real report's would be.
    content = docx_with_noise(("Surface operations", "Chapter two"), noise=3 * 1024 * 1024)
    log = tmp_path / "gunicorn.log"
    process, base = gunicorn(env, log, workers=1)
    headers = {"Authorization": f"Token {secret}"}
    try:
        created = requests.post(
            f"{base}{revisions_url(deliverable)}",
            headers=headers,
            files={"file": ("Surface ops.docx", content, "application/octet-stream")},
            data={"note": "Uploaded through gunicorn"},
            timeout=60,
        )
        assert created.status_code == 201, created.text[:2000]
        assert created.headers["Location"] == created.json()["url"]
        assert created.json()["sha256"] == hashlib.sha256(content).hexdigest()
        file = requests.get(created.json()["file_url"], headers=headers, timeout=60)
        assert file.status_code == 200 and file.content == content
        assert file.headers["ETag"] == f'"{created.json()["sha256"]}"'
        deadline = time.monotonic() + 60
        state = created.json()["text_state"]
        while state not in ("done", "failed"):
            assert time.monotonic() < deadline, state
            time.sleep(0.3)
            state = requests.get(created.headers["Location"], headers=headers, timeout=10).json()[
                "text_state"
            ]
        assert state == "done"
    finally:
        stop(process)
    assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    revision = Revision.objects.get(deliverable=deliverable)
    assert revision.size == len(content) > 2_621_440
    assert revision.text == "Surface operations\n\nChapter two"
    assert timezone.now() - revision.uploaded_at < datetime.timedelta(minutes=5)
