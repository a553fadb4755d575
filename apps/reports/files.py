"""A draft's files: written into the storage by the drafting task, and served as an HTTP
response by one function, one set of headers, for every door that serves them (the admin's
preview and download, the API's docx/, html/ and pdf/ that the web app links to and frames). Who may
download is each door's question, asked before calling it.

The storage is the FileFields' (settings.STORAGES["default"]): a folder under MEDIA_ROOT, or an
S3-compatible bucket. The worker writes and the web app reads, so both must be given the same
one (docker-compose.yml mounts one volume in both).
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers

from .models import ReportDraft

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_MEDIA_TYPE = "text/html; charset=utf-8"  # the preview is rendered as UTF-8

PDF_MEDIA_TYPE = "application/pdf"

FileKind = Literal["docx", "html", "pdf"]
MEDIA_TYPES: dict[str, str] = {
    "docx": DOCX_MEDIA_TYPE,
    "html": HTML_MEDIA_TYPE,
    "pdf": PDF_MEDIA_TYPE,
}

# The files are shown or downloaded from our own origin, so they get a policy of their own
# instead of the site's: sandboxed, a file runs no script, submits no form and is an origin of
# its own; it loads nothing but the preview's own <style>. Only our pages may frame the preview
# (the web app's report page shows it in an iframe); nothing frames the DOCX or the PDF.
_HEADERS: dict[str, dict[str, str]] = {
    "docx": {
        "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
    },
    "pdf": {
        "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
    },
    "html": {
        "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:; frame-ancestors 'self'",
        "X-Frame-Options": "SAMEORIGIN",
    },
}


class DraftNotDone(Http404):
    """The draft has no files: it is still queued or running, or it failed. `summary` says
    which, for a door that answers something richer than a 404 (the API's 409)."""

    def __init__(self, draft: ReportDraft, kind: FileKind) -> None:
        if draft.state == ReportDraft.State.FAILED:
            why = f"it failed: {draft.error.rstrip('.')}"
        else:
            progress = f"{draft.percent}%"
            if draft.current_section:
                progress += f", {draft.current_section}"
            why = f"it is {draft.state} ({progress})"
        self.summary = f"Draft v{draft.version} of {draft.year} has no {kind} yet: {why}"
        super().__init__(f"{self.summary}.")


def report_draft_file_response(
    *, draft: ReportDraft, kind: FileKind, as_attachment: bool
) -> FileResponse:
    """The draft's DOCX, HTML preview or PDF, streamed from the storage, with the headers
    above; never cached (drafts are the community's, seen by signed-in people only).

    Raises DraftNotDone (an Http404) when the draft is not done, and Http404 when its file is
    missing from the storage.
    """
    if draft.state != ReportDraft.State.DONE:
        raise DraftNotDone(draft, kind)
    file = getattr(draft, kind)
    gone = Http404(
        f"The {kind} of draft v{draft.version} of {draft.year} is no longer on the server: "
        "request a new draft of the year."
    )
    if not file.name:
        raise gone
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise gone from None
    response = FileResponse(
        handle,
        as_attachment=as_attachment,
        filename=file.name.rsplit("/", 1)[-1],
        content_type=MEDIA_TYPES[kind],
    )
    for header, value in _HEADERS[kind].items():
        response[header] = value
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    return response


# --- writing ------------------------------------------------------------------------------------


def draft_storage() -> Storage:
    return ReportDraft._meta.get_field("docx").storage


def _local_path(storage: Storage, name: str) -> Path | None:
    """The file's path when the storage is a folder on this machine; None for an object store."""
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


def draft_storage_location(name: str = "reports") -> str:
    """Where `name` is (or goes) in the storage, for people: a path, or s3://bucket/key."""
    storage = draft_storage()
    local = _local_path(storage, name)
    if local is not None:
        return str(local)
    bucket = getattr(storage, "bucket_name", None)
    if bucket is None:
        return f"{name} in {type(storage).__name__}"
    key = "/".join(part for part in (getattr(storage, "location", ""), name) if part)
    endpoint = getattr(storage, "endpoint_url", None)
    return f"s3://{bucket}/{key}" + (f" at {endpoint}" if endpoint else "")


@dataclass
class StagedFile:
    """A draft file written but not yet under its name. In a folder: a temporary file beside
    it, fsynced, renamed into place (atomic: a reader sees the old file or the new one). In an
    object store: the bytes, put in one request (all or nothing)."""

    name: str
    data: bytes
    temporary: Path | None = None

    @classmethod
    def beside(cls, name: str, data: bytes, *, tag: str) -> "StagedFile":
        final = _local_path(draft_storage(), name)
        if final is None:
            return cls(name, data)
        return cls(name, data, final.with_name(f".{final.name}.{tag}.part"))

    def write(self) -> None:
        if self.temporary is None:
            return
        self.temporary.parent.mkdir(parents=True, exist_ok=True)
        with open(self.temporary, "wb") as out:
            out.write(self.data)
            out.flush()
            os.fsync(out.fileno())

    def publish(self) -> str:
        """Put the file under its name; returns the name the storage keeps it under."""
        storage = draft_storage()
        if self.temporary is None:
            return storage.save(self.name, ContentFile(self.data))
        final = self.temporary.with_name(Path(self.name).name)
        os.replace(self.temporary, final)
        _remove_leftovers(final)
        return self.name

    def discard(self) -> None:
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)


def _remove_leftovers(final: Path) -> None:
    """Temporary files of earlier attempts killed mid-write (SIGKILL skips their clean-up)."""
    for leftover in final.parent.glob(f".{final.name}.*.part"):
        leftover.unlink(missing_ok=True)
