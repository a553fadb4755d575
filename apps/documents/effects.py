"""The publish move's check on the text (registered with the workflow's effects at start-up):
a product whose text is in the tracker is published as the revision the agencies approved."""

from apps.core.errors import ApplicationError
from apps.deliverables.effects import effect

from .models import Revision
from .selectors import approved_revision


@effect("publish_the_approved_text")
def publish_the_approved_text(*, deliverable, inputs: dict, **_) -> dict:
    if not Revision.objects.filter(deliverable=deliverable).exists():
        # No text in the tracker: a product of the record, published before the tracker
        # existed, or published elsewhere. Its link says where the text is.
        if not (inputs.get("link") or "").strip():
            raise ApplicationError(
                f"'{deliverable}' has no revision in the tracker, so its published text can "
                "only be named by its address: give the link where it is published, or upload "
                "its text and take a revision through consensus.",
                extra={"fields": {"link": ["Give the address of the published text."]}},
            )
        return {}
    if approved_revision(deliverable) is None:
        raise ApplicationError(
            f"'{deliverable}' has revisions, but the round that approved it was on no revision "
            "in the tracker: open a new round on the text to publish.",
            code="illegal_move",
        )
    return {}
