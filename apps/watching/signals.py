"""Events come from one place: the history row every write of a watched record leaves
(simple-history's post_create_historical_record, sent inside the write's transaction).

Bulk-created history (the scale generator, the record loader's raw saves) sends no signal: it
tells of no change a person made.
"""

from simple_history.signals import post_create_historical_record

from . import services
from .events import CLASSIFIERS
from .models import Watch


def _receiver(classify):
    def received(sender, instance, history_instance, **kwargs) -> None:
        # One cheap question first: most writes happen while nobody watches anything.
        if not Watch.objects.filter(stopped_at__isnull=True).exists():
            return
        event = classify(history_instance, instance)
        if event is not None:
            services.event_tell(event)

    return received


for model, (classify, _) in CLASSIFIERS.items():
    post_create_historical_record.connect(
        _receiver(classify),
        sender=model.history.model,
        weak=False,
        dispatch_uid=f"watching-{model._meta.label_lower}",
    )
