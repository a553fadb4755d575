"""History rows of workflow moves name the move in a field of their own.

Rows written before this field existed carry the move only as the reason's prefix
("{label}: {reason}"); they are named once here from the labels as they were, longest label
first, so "Return to drafting with comments" is not taken for "Return to drafting".
"""

from django.db import migrations, models

LABELS = {
    "Start drafting": "start_drafting",
    "Send to WG review": "send_to_wg_review",
    "Return to drafting": "return_from_wg_review",
    "Submit to the plenary": "submit",
    "Return to drafting with comments": "return_submitted",
    "Open a consensus round": "open_round",
    "Cancel the consensus round": "cancel_round",
    "Approve": "approve",
    "Await SAM endorsement": "await_sam",
    "Return with objections": "return_objected",
    "Endorse": "endorse",
    "Decline endorsement": "decline_endorsement",
    "Mark published": "publish",
    "Withdraw": "withdraw",
    "Defer to next year": "defer",
    "Resume planning": "resume",
}


def name_the_moves(apps, schema_editor):
    history = apps.get_model("deliverables", "HistoricalDeliverable")
    for label in sorted(LABELS, key=len, reverse=True):
        history.objects.filter(
            history_move="", history_change_reason__startswith=f"{label}:"
        ).update(history_move=LABELS[label])


class Migration(migrations.Migration):
    dependencies = [
        ("deliverables", "0010_search_indexes_without_pending_list"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaldeliverable",
            name="history_move",
            field=models.CharField(
                blank=True,
                db_index=True,
                default="",
                help_text="The workflow move.",
                max_length=40,
            ),
        ),
        migrations.RunPython(name_the_moves, migrations.RunPython.noop),
    ]
