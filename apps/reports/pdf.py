"""The draft's PDF: its HTML preview laid out on A4 by WeasyPrint, in a process of its own.

WeasyPrint holds the whole laid-out document in memory (over 1.5 MB a page), and a long-lived
worker would keep that high-water mark after the draft. In a child process the memory is given
back when it exits, a layout that runs out of memory or time fails the draft with the reason
instead of killing the worker, and the worker's own footprint stays that of the record.

    python -m apps.reports.pdf < preview.html > preview.pdf

No Django here: the child reads HTML on stdin and writes the PDF on stdout, nothing else.
"""

import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
NO_PANGO = 3  # the child's exit status when WeasyPrint cannot load its system libraries


class PdfRenderingError(Exception):
    """WeasyPrint could not lay out the preview (Pango missing, out of time or memory)."""


def _command() -> list[str]:
    return [sys.executable, "-m", "apps.reports.pdf"]  # our own interpreter and module


def html_to_pdf(html: str, *, timeout: float) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 - our interpreter and module, the HTML on stdin
            _command(),
            input=html.encode("utf-8"),
            capture_output=True,
            cwd=PROJECT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfRenderingError(
            f"WeasyPrint took longer than {timeout:g} s to lay the preview out "
            "(REPORT_PDF_TIMEOUT_SECONDS)."
        ) from None
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    last = said[-1] if said else ""
    if done.returncode == NO_PANGO:
        raise PdfRenderingError(
            f"WeasyPrint cannot load Pango ({last}). Install the system libraries the README "
            "names (apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation)."
        )
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        why = f"killed by signal {-done.returncode}" if done.returncode < 0 else last
        raise PdfRenderingError(
            f"WeasyPrint stopped with status {done.returncode} ({why or 'no message'})."
        )
    return done.stdout


def _no_fetch(url: str, *args, **kwargs):
    # The preview loads nothing (its one stylesheet is inline): a link in the record is never
    # fetched by the worker.
    raise ValueError(f"The PDF of a draft loads nothing from outside: {url!r} refused")


def main() -> int:
    try:
        from weasyprint import HTML
    except OSError as exc:  # the Python package is there, Pango is not
        sys.stderr.write(f"{exc}\n")
        return NO_PANGO
    html = sys.stdin.buffer.read().decode("utf-8")
    sys.stdout.buffer.write(HTML(string=html, url_fetcher=_no_fetch).write_pdf())
    return 0


if __name__ == "__main__":
    sys.exit(main())
