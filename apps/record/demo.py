"""Sample texts for the demo: two record products get generated revisions (marked as samples)
with a visible change between them and, when asked (`seed_demo --sample-round`, as `make demo`
does), one of them is walked to a consensus round on its latest, so a newcomer's first
`make demo` shows revisions, a diff and a round on a revision. The walk changes that product's
state, so it is left out unless asked for. Idempotent."""

import io

import docx
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.deliverables.models import Deliverable
from apps.deliverables.services import deliverable_transition
from apps.documents.models import Revision
from apps.documents.services import revision_upload
from apps.plenary.services import consensus_round_open

# (title, co-chair's demo account, walk the product to a round on its latest revision?)
SAMPLES = [
    ("Lunar Surface Systems (LSS) Gap Report", "cochair-twg", True),
    ("Science Coordination and Collaboration Plan (SCCP)", "cochair-swg", False),
]
WALK_REASON = "Demo walk-through on sample texts (not the state of the ISECG record)"


def _sample_docx(title: str, *, edited: bool) -> bytes:
    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(
        "Sample text generated for the demo of the tracker. It is not an ISECG text."
    )
    document.add_heading("1. Purpose", level=2)
    document.add_paragraph(
        "This report identifies the gaps between the capabilities agencies plan and those "
        "that sustained exploration needs."
    )
    document.add_heading("2. Findings", level=2)
    document.add_paragraph(
        "Surface power and dust mitigation remain the largest gaps"
        + (", followed by communications beyond line of sight." if edited else ".")
    )
    if edited:
        document.add_paragraph("A table of agency plans per gap is added in annex A.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def demo_revisions_ensure(*, sample_round: bool = False) -> list[Revision]:
    """The sample revisions (made once; later runs find them and add nothing)."""
    users = get_user_model().objects
    made: list[Revision] = []
    for title, cochair_name, walk in SAMPLES:
        deliverable = Deliverable.objects.filter(title=title).first()
        cochair = users.filter(username=cochair_name).first()
        if deliverable is None or cochair is None:
            continue
        if Revision.objects.filter(deliverable=deliverable, is_sample=True).exists():
            continue
        for number, edited in enumerate((False, True)):
            made.append(
                revision_upload(
                    deliverable=deliverable,
                    actor=cochair,
                    file=SimpleUploadedFile(
                        f"{title[:40]} sample {number:02d}.docx",
                        _sample_docx(title, edited=edited),
                    ),
                    note="Sample first draft"
                    if not edited
                    else "Sample: findings extended, annex A added",
                    is_sample=True,
                )
            )
        if walk and sample_round and deliverable.state == "drafting":
            for target in ("wg_review", "submitted"):
                deliverable = deliverable_transition(
                    deliverable=deliverable, actor=cochair, to=target, reason=WALK_REASON
                )
            consensus_round_open(
                deliverable=deliverable,
                actor=users.get(username="secretariat"),
                channel="written_procedure",
                reason=WALK_REASON,
            )
    return made
