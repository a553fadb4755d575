"""A deliverable's text: every revision uploaded, kept with its bytes' identity (size, SHA-256,
content type found in the bytes). Never overwritten or deleted: superseded or withdrawn instead."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Revision(models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", "current"
        SUPERSEDED = "superseded", "superseded"
        WITHDRAWN = "withdrawn", "withdrawn"

    class Kind(models.TextChoices):
        """What the revision does to a round open when it arrives."""

        DRAFT = "draft", "draft (no round open)"
        SUBSTANTIVE = "substantive", "substantive (the open round was cancelled)"
        EDITORIAL = "editorial", "editorial (the open round went on)"

    class TextState(models.TextChoices):
        PENDING = "pending", "waiting"
        RUNNING = "running", "extracting"
        DONE = "done", "extracted"
        FAILED = "failed", "failed"

    deliverable = models.ForeignKey(
        "deliverables.Deliverable", on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveSmallIntegerField(help_text="00, 01, … per deliverable.")
    file = models.FileField(max_length=300)  # the name is the service's, never the uploader's
    original_name = models.CharField(max_length=255, help_text="As sent; shown, never used.")
    content_type = models.CharField(max_length=100, help_text="Found in the bytes.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.TextField(help_text="What changed.")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.DRAFT)
    kind_reason = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CURRENT)
    status_reason = models.TextField(blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="A demo file made by seed_demo, not an ISECG text."
    )
    text = models.TextField(blank=True, help_text="Extracted for search and diffs.")
    text_state = models.CharField(
        max_length=10, choices=TextState.choices, default=TextState.PENDING
    )
    text_error = models.TextField(blank=True)
    text_attempts = models.PositiveSmallIntegerField(default=0)

    # The extracted text is derived from the file: kept out of the history's copies.
    history = HistoricalRecords(excluded_fields=["text"])

    class Meta:
        ordering = ["deliverable", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "number"],
                name="revision_number_unique_per_deliverable",
                violation_error_message="This deliverable already has a revision of that number.",
            ),
            models.CheckConstraint(
                condition=Q(status="current") | ~Q(status_reason=""),
                name="revision_status_change_has_reason",
                violation_error_message="Say why the revision is superseded or withdrawn.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} — revision {self.label}"

    @property
    def label(self) -> str:
        return f"{self.number:02d}"


def text_paragraphs(text: str) -> list[str]:
    """A revision's extracted text back into its paragraphs (kept apart by blank lines)."""
    return text.split("\n\n") if text else []


class Comment(models.Model):
    """A comment on a revision during WG review or a round, optionally quoting a passage;
    replies thread under their parent. Never deleted."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    quote = models.TextField(blank=True, help_text="The passage commented on, if any.")
    body = models.TextField()
    deliverable_state = models.CharField(
        max_length=20, help_text="WG review or in consensus: when it was written."
    )
    created_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["revision", "created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.revision}"
