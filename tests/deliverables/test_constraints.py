"""What must never be stored about a deliverable is refused, with a message a person can act on."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from tests.core.constraints import assert_refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("percent", [-1, 101, 250])
def test_progress_outside_0_to_100_is_refused(percent):
    group = factories.WorkingGroupFactory()
    deliverable = factories.DeliverableFactory.build(lead_group=group, percent_complete=percent)
    if percent < 0:
        # A negative number cannot even reach the database: the column is unsigned.
        with pytest.raises(ValidationError, match="greater than or equal to 0"):
            deliverable.full_clean()
        return
    assert_refused(deliverable, "give a whole number from 0 to 100")


def test_published_deliverable_needs_its_publication_date():
    group = factories.WorkingGroupFactory()
    deliverable = factories.DeliverableFactory.build(lead_group=group, state="published")
    assert_refused(deliverable, "needs its publication date")
