from django.apps import AppConfig


class RecordConfig(AppConfig):
    """The ISECG record as a whole, above the domain apps it fills: loading it, the demo
    accounts, synthetic data at scale, and the worker probe that reads it."""

    name = "apps.record"
    label = "record"
    verbose_name = "The ISECG record"
