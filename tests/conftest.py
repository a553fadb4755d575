import pytest
from django.core.management import call_command


@pytest.fixture
def isecg_record(db):
    """The real ISECG record from the seeds, loaded as an operator would."""
    call_command("load_record", verbosity=0)
