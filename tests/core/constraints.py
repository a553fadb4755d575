"""The one check every constraint test makes: what must never be stored is refused twice over."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def assert_refused(instance, message_fragment: str) -> None:
    """Validation explains the problem, and a save that skips validation is stopped by the DB."""
    model = type(instance)
    before = model.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert message_fragment in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()
    assert model.objects.count() == before
