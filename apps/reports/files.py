"""A draft's files as an HTTP response: one function, one set of headers, for every door that
serves them (the admin's preview and download, the API's docx/ and html/ that the web app links
to and frames). Who may download is each door's question, asked before calling it."""

from typing import Literal

from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers

from .models import ReportDraft

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HTML_MEDIA_TYPE = "text/html; charset=utf-8"  # the preview is rendered as UTF-8

FileKind = Literal["docx", "html"]
MEDIA_TYPES: dict[str, str] = {"docx": DOCX_MEDIA_TYPE, "html": HTML_MEDIA_TYPE}

# The files are shown or downloaded from our own origin, so they get a policy of their own
# instead of the site's: sandboxed, a file runs no script, submits no form and is an origin of
# its own; it loads nothing but the preview's own <style>. Only our pages may frame the preview
# (the web app's report page shows it in an iframe); nothing frames the DOCX.
_HEADERS: dict[str, dict[str, str]] = {
    "docx": {
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
    """The draft's DOCX or HTML preview, streamed from the storage, with the headers above; never
    cached (drafts are the community's, seen by signed-in people only).

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
