"""The move's name onto its history row: services set `_history_move` on the instance they save
(services.move_make), and simple-history's hook for extra historical fields copies it."""

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .models import Deliverable


@receiver(pre_create_historical_record, sender=Deliverable.history.model)
def record_the_move(sender, instance, history_instance, **kwargs) -> None:
    # Popped, so a later save of the same object is not taken for the same move again.
    history_instance.history_move = instance.__dict__.pop("_history_move", "")
