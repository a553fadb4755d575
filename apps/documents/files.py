"""A revision's file: what it is (found in its bytes, by filetype), how big, its SHA-256, and
where it is stored. The storage is Django's default one (settings.STORAGES): a folder under
MEDIA_ROOT, or an S3-compatible bucket, shared by every web server and worker."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404

from apps.core.errors import ApplicationError
from apps.core.text import xml_safe

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PDF = "application/pdf"
# Media type -> (extension, what to call it in a message).
ACCEPTED: dict[str, tuple[str, str]] = {
    DOCX: ("docx", "a Word document (.docx)"),
    ODT: ("odt", "an OpenDocument text (.odt)"),
    PDF: ("pdf", "a PDF (.pdf)"),
}
ACCEPTED_LIST = "a Word document (.docx), an OpenDocument text (.odt) or a PDF (.pdf)"
_SNIFF_BYTES = 8192  # filetype reads the file's start (a zip's first entries, %PDF-)


def max_bytes() -> int:
    return settings.REVISION_MAX_MB * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    file: UploadedFile
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def _kind_of_name(name: str) -> str:
    suffix = PurePath(name).suffix.lower().lstrip(".")
    return next((media for media, (ext, _) in ACCEPTED.items() if ext == suffix), "")


def _shown_name(name: str) -> str:
    """The name as sent, for display only: no path, no control characters, bounded."""
    base = PurePath(name.replace("\\", "/")).name
    return xml_safe(base).strip()[:255] or "unnamed"


def checked_upload(file: UploadedFile) -> CheckedFile:
    """The upload, refused unless it is a DOCX, ODT or PDF whose name agrees with its bytes
    and whose size is within REVISION_MAX_MB. Reads it once in chunks: never whole in memory."""
    name = _shown_name(file.name or "")
    limit = max_bytes()
    if file.size is not None and file.size > limit:
        raise ApplicationError(
            f"“{name}” is {file.size / 1024 / 1024:.1f} MB; a revision may be at most "
            f"{settings.REVISION_MAX_MB} MB (REVISION_MAX_MB). Send a smaller file, e.g. "
            "without embedded videos, or a PDF.",
            extra={"field": "file"},
        )
    if not file.size:
        raise ApplicationError(f"“{name}” is empty. Send {ACCEPTED_LIST}.", extra={"field": "file"})
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    guessed = filetype.guess(head)
    found = guessed.mime if guessed else ""
    if found not in ACCEPTED:
        what = f"a file of type {found}" if found else "a file of no type we recognise"
        raise ApplicationError(
            f"“{name}” is {what}. A revision is {ACCEPTED_LIST}.", extra={"field": "file"}
        )
    named = _kind_of_name(name)
    if named != found:
        said = ACCEPTED[named][1] if named else f"a “{PurePath(name).suffix or 'no'}” file"
        raise ApplicationError(
            f"“{name}” is named as {said} but its bytes are {ACCEPTED[found][1]}. Rename it "
            f"with the right extension (.{ACCEPTED[found][0]}), or send the file you meant.",
            extra={"field": "file"},
        )
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return CheckedFile(
        file=file,
        content_type=found,
        extension=ACCEPTED[found][0],
        size=size,
        sha256=digest.hexdigest(),
        original_name=name,
    )


def storage_name(*, deliverable_id: int, number: int, checked: CheckedFile) -> str:
    """Our name for the stored file: nothing of the uploader's name reaches the storage."""
    return f"revisions/{deliverable_id}/{number:02d}-{checked.sha256[:16]}.{checked.extension}"


def revision_download_name(revision) -> str:
    """What the browser saves it as: the deliverable's id and the revision, our extension."""
    extension = ACCEPTED[revision.content_type][0]
    return f"deliverable-{revision.deliverable_id}-rev-{revision.label}.{extension}"


def revision_file_response(revision) -> FileResponse:
    """The revision's bytes, streamed from the storage, as an attachment that no browser runs or
    sniffs (sandboxed, nosniff), with its SHA-256 as the ETag. Who may download is the caller's
    question, asked before. Raises Http404 when the file is missing from the storage."""
    try:
        handle = revision.file.open("rb")
    except FileNotFoundError:
        raise Http404(
            f"The file of revision {revision.label} is no longer in the storage: ask the "
            "secretariat to restore it from the backup."
        ) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=revision_download_name(revision),
        content_type=revision.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["X-Frame-Options"] = "DENY"
    response["ETag"] = f'"{revision.sha256}"'
    response["Cache-Control"] = "private, no-cache"
    return response
