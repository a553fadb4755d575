"""Report drafts in an S3-compatible bucket (production's storage), against a real S3 API: moto's
server on 127.0.0.1, spoken to over HTTP by boto3 exactly as MinIO or AWS would be. The storage
comes from the environment, the worker's draft lands in the bucket, the web download streams
the same bytes back; a dead server fails the draft with where and what to do."""

import hashlib
import io
import uuid
import zipfile
from collections.abc import Iterator

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from moto.server import ThreadedMotoServer

from apps.reports.files import DOCX_MEDIA_TYPE
from isecg_tracker.env import env_media_storage, env_path

pytestmark = pytest.mark.django_db

STORAGE_VARIABLES = ("MEDIA_ROOT", "AWS_STORAGE_BUCKET_NAME", "AWS_S3_ENDPOINT_URL",
                     "AWS_S3_ADDRESSING_STYLE", "AWS_S3_REGION_NAME", "AWS_LOCATION")  # fmt: skip
KEYS = {"AWS_ACCESS_KEY_ID": "isecg-test", "AWS_SECRET_ACCESS_KEY": "isecg-test-secret"}


class S3Server:
    def __init__(self) -> None:
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.bucket = f"isecg-test-{uuid.uuid4().hex[:8]}"
        self.client = boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", **_keys()
        )
        self.client.create_bucket(Bucket=self.bucket)

    def objects(self) -> dict[str, bytes]:
        listing = self.client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {
            item["Key"]: self.client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
            for item in listing
        }

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": KEYS["AWS_ACCESS_KEY_ID"],
            "aws_secret_access_key": KEYS["AWS_SECRET_ACCESS_KEY"]}  # fmt: skip


@pytest.fixture
def s3(monkeypatch, settings) -> Iterator[S3Server]:
    """The bucket storage, configured from the environment as in production."""
    server = S3Server()
    for name, value in {
        **KEYS,
        "AWS_STORAGE_BUCKET_NAME": server.bucket,
        "AWS_S3_ENDPOINT_URL": server.endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_LOCATION": "isecg/media",
        # No retries and no machine-wide AWS configuration: a dead server answers at once.
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": env_media_storage()}
    yield server
    server.stop()


def _download(client, user, draft, kind: str):
    client.force_login(user)
    return client.get(f"/api/v1/report-drafts/{draft.pk}/{kind}/")


def test_a_draft_lands_in_the_bucket_and_the_web_download_returns_its_bytes(
    s3, isecg_record, draft_year, secretariat, client, media_root
):
    draft = draft_year(2025)
    assert draft.state == "done", draft.error
    stored = s3.objects()
    docx_key = "isecg/media/reports/2025/isecg-annual-report-2025-v1.docx"
    html_key = "isecg/media/reports/2025/isecg-annual-report-2025-v1.html"
    pdf_key = "isecg/media/reports/2025/isecg-annual-report-2025-v1.pdf"
    assert sorted(stored) == [docx_key, html_key, pdf_key]  # no temporary object left behind
    assert hashlib.sha256(stored[docx_key]).hexdigest() == draft.checksum
    with zipfile.ZipFile(io.BytesIO(stored[docx_key])) as package:
        assert package.testzip() is None and "word/document.xml" in package.namelist()
    assert not media_root.exists()  # nothing was written on the local disk

    answer = _download(client, secretariat, draft, "docx")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == stored[docx_key]
    assert answer["Content-Type"] == DOCX_MEDIA_TYPE
    assert answer["Content-Length"] == str(len(stored[docx_key]))
    assert answer["Content-Disposition"] == (
        'attachment; filename="isecg-annual-report-2025-v1.docx"'
    )
    preview = _download(client, secretariat, draft, "html")
    assert preview.status_code == 200
    assert b"".join(preview.streaming_content) == stored[html_key]
    assert preview["Content-Security-Policy"].startswith("sandbox;")


def test_a_second_draft_of_the_year_is_its_own_object(s3, isecg_record, draft_year):
    first, second = draft_year(2025), draft_year(2025)
    assert (first.version, second.version) == (1, 2)
    keys = sorted(key for key in s3.objects() if key.endswith(".docx"))
    assert keys == [
        "isecg/media/reports/2025/isecg-annual-report-2025-v1.docx",
        "isecg/media/reports/2025/isecg-annual-report-2025-v2.docx",
    ]


def test_an_object_gone_from_the_bucket_is_a_404_that_says_what_to_do(
    s3, isecg_record, draft_year, secretariat, client
):
    draft = draft_year(2025)
    s3.client.delete_object(Bucket=s3.bucket, Key=f"isecg/media/{draft.docx.name}")
    answer = _download(client, secretariat, draft, "docx")
    assert answer.status_code == 404
    assert answer.json()["detail"] == (
        "The docx of draft v1 of 2025 is no longer on the server: request a new draft of the year."
    )


def test_a_dead_s3_server_fails_the_draft_saying_where_and_what_to_do(s3, isecg_record, draft_year):
    s3.stop()
    draft = draft_year(2025)
    assert draft.state == "failed"
    assert draft.docx.name == "" and draft.checksum == ""
    assert draft.error.startswith(
        f"The draft files could not be written to s3://{s3.bucket}/isecg/media/reports at "
        f"{s3.endpoint} ("
    )
    assert "AWS_STORAGE_BUCKET_NAME" in draft.error and "draft 2025 again" in draft.error
    assert draft.history.filter(history_change_reason__startswith="Failed: ").exists()


def test_a_bucket_that_does_not_exist_fails_the_draft_naming_it(
    s3, isecg_record, draft_year, settings, monkeypatch
):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "no-such-bucket")
    settings.STORAGES = {**settings.STORAGES, "default": env_media_storage()}
    draft = draft_year(2025)
    assert draft.state == "failed"
    assert "s3://no-such-bucket/isecg/media/reports" in draft.error
    assert "NoSuchBucket" in draft.error
    assert s3.objects() == {}


# --- the storage settings from the environment ------------------------------------------------


def test_without_a_bucket_the_files_stay_under_media_root(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)
    assert env_media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "shared"))
    assert env_path("MEDIA_ROOT", default=tmp_path) == tmp_path / "shared"


def test_a_bucket_with_an_endpoint_speaks_path_style_to_it(monkeypatch):
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "isecg-media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio:9000")
    storage = env_media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["endpoint_url"] == "http://minio:9000"
    assert storage["OPTIONS"]["addressing_style"] == "path"
    assert "access_key" not in storage["OPTIONS"]  # keys stay with boto3, out of settings


@pytest.mark.parametrize(
    ("env", "named", "example"),
    [
        ({"MEDIA_ROOT": "media"}, "MEDIA_ROOT='media' is not an absolute path", "/var/lib"),
        ({"AWS_STORAGE_BUCKET_NAME": "My_Bucket"}, "is not a bucket name", "=isecg-media"),
        ({"AWS_STORAGE_BUCKET_NAME": "ok-bucket", "AWS_S3_ENDPOINT_URL": "minio:9000"},
         "AWS_S3_ENDPOINT_URL='minio:9000' is not an http(s) URL", "http://minio:9000"),
        ({"AWS_STORAGE_BUCKET_NAME": "ok-bucket", "AWS_S3_ADDRESSING_STYLE": "sideways"},
         "is not one of auto, path, virtual", "=path"),
    ],
)  # fmt: skip
def test_a_bad_storage_setting_is_refused_naming_it_and_an_example(
    monkeypatch, tmp_path, env, named, example
):
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_path("MEDIA_ROOT", default=tmp_path)
        env_media_storage()
    assert named in str(refused.value) and example in str(refused.value)
