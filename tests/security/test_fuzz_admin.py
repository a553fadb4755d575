"""Generated hostile input to the admin's add and change forms of every business record, as the
secretariat: C0 control characters, strings far over every limit, dates at and past the
calendar's ends, any choice, in every field the page has (its inline rows included). Never a 5xx;
a refused save changes nothing; whatever is saved holds its dates in the range the tracker
holds and its paragraphs within their limits, and the record's pages still work."""

from xml.etree import ElementTree  # parsing what the app itself wrote

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.core.limits import FIRST_DATE, LAST_DATE, SUMMARY_MAX_LENGTH
from tests import factories
from tests.integration.test_real_servers import forms_of

from .hostile import FUZZ, QUIET, dates, texts
from .test_routes import ADMIN_MODELS, DELIVERABLE, NO_ADD, OUTLOOK, RECORD, history_rows

pytestmark = [pytest.mark.django_db, QUIET]
PER_FORM = settings(FUZZ, max_examples=6)
BUSINESS = sorted(
    label for label, (kind, _) in ADMIN_MODELS.items() if kind in (RECORD, DELIVERABLE, OUTLOOK)
)
# Changed in the admin, never added there.
CHANGED_ONLY = sorted(label for label, (kind, _) in ADMIN_MODELS.items() if kind == NO_ADD)
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def fields_of_kind(kind) -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if type(field) is kind
    }


DATE_FIELDS = fields_of_kind(models.DateField)
NUMBER_FIELDS = (
    fields_of_kind(models.PositiveSmallIntegerField)
    | fields_of_kind(models.PositiveIntegerField)
    | fields_of_kind(models.IntegerField)
)


@pytest.fixture
def secretariat(cast) -> Client:
    cast.secretariat.is_staff = True
    cast.secretariat.save()
    client = Client()
    client.force_login(cast.secretariat)
    return client


@pytest.fixture
def records(cast, world) -> dict:
    return world | {
        "twg": cast.twg,
        "agency": cast.agencies["NASA"],
        "appointment": cast.cochair_twg.cochair_appointments.get(),
        "delegate_appointment": cast.delegates["NASA"].delegate_appointments.get(),
        "narrative": factories.ReportNarrativeFactory(year=2024),
    }


def admin_page(label: str, obj=None) -> str:
    app, model = label.split(".")
    if obj is None:
        return reverse(f"admin:{app}_{model}_add")
    return reverse(f"admin:{app}_{model}_change", args=[obj.pk])


def the_form(client: Client, url: str):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    [form] = [f for f in forms_of(page.content.decode()) if f.method == "post" and not f.action]
    return form


def fixed(name: str) -> bool:
    """The page's own bookkeeping, sent as the page has it."""
    field = name.rsplit("-", 1)[-1]
    return field in MANAGEMENT or field in ("csrfmiddlewaretoken", "seen_version", "id")


def values_for(name: str, options: list[str] | None):
    """Hostile values for one field, by what it is (by the name the model gives it)."""
    field = name.rsplit("-", 1)[-1]
    if options is not None:
        big = st.integers(-(2**70), 2**70).map(str)
        return st.one_of(st.sampled_from(options), st.just(""), big, texts.map(lambda t: t[:30]))
    if field in DATE_FIELDS:
        return dates
    if field in NUMBER_FIELDS:
        return st.one_of(st.integers(-(2**40), 2**40).map(str), texts.map(lambda t: t[:12]))
    return texts


def page_values(client: Client, label: str, view: str, obj) -> tuple[str, dict, dict]:
    """The page's URL, what its form sends untouched (an add form filled with the values of an
    existing record, so that a change to one field can save) and its fields' choices."""
    change = the_form(client, admin_page(label, obj))
    if view == "change":
        return admin_page(label, obj), with_one_inline_row(change), change.options
    add = the_form(client, admin_page(label))
    fields = with_one_inline_row(add)
    fields |= {
        name: value
        for name, value in change.fields.items()
        if name in add.fields and "-" not in name
    }
    return admin_page(label), fields, add.options


def with_one_inline_row(form) -> dict[str, str]:
    """The form's fields, each inline with one new row after its rows (its empty row's fields,
    numbered as the page's script numbers it)."""
    fields = {name: value for name, value in form.fields.items() if "__prefix__" not in name}
    for name, value in form.fields.items():
        if "__prefix__" in name:
            prefix = name.split("-__prefix__-")[0]
            rows = int(form.fields[f"{prefix}-INITIAL_FORMS"])
            fields[name.replace("__prefix__", str(rows))] = value
            fields[f"{prefix}-TOTAL_FORMS"] = str(rows + 1)
    return fields


def assert_within_limits(obj) -> None:
    """A saved record holds its dates in the tracker's range and its paragraphs within the
    longest limit."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            assert value is None or FIRST_DATE <= value <= LAST_DATE, (field.name, value)
        if isinstance(field, models.TextField):
            assert len(value or "") <= SUMMARY_MAX_LENGTH, (field.name, len(value))


@pytest.mark.parametrize(
    ("label", "view"),
    [(label, view) for label in BUSINESS for view in ("add", "change")]
    + [(label, "change") for label in CHANGED_ONLY],
)
def test_admin_forms_take_anything_without_a_server_error(
    label, view, cast, records, secretariat, tally
):
    _, key = ADMIN_MODELS[label]
    obj = records[key]
    url, fields, options = page_values(secretariat, label, view, obj)
    changeable = sorted(name for name in fields if not fixed(name))
    model = apps.get_model(label)

    @PER_FORM
    @given(st.data())
    def save(data):
        chosen = data.draw(st.sets(st.sampled_from(changeable), min_size=1, max_size=3))
        sent = dict(fields)
        for name in chosen:
            sent[name] = data.draw(values_for(name, options.get(name)), label=name)
        before, known = history_rows(), set(model.objects.values_list("pk", flat=True))
        response = secretariat.post(url, {**sent, "_save": "Save"})
        tally.count(response.status_code)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
        if response.status_code != 302:  # the form again, saying what to fix: nothing saved
            assert history_rows() == before
        for saved in model.objects.exclude(pk__in=known - {obj.pk if view == "change" else None}):
            assert_within_limits(saved)

    save()
    assert secretariat.get(url).status_code == 200
    for page in (reverse("web:home"), reverse("web:agencies"), reverse("web:groups")):
        assert secretariat.get(page).status_code == 200, page
    feed = secretariat.get(reverse("web:feed"))
    assert feed.status_code == 200
    ElementTree.fromstring(feed.content)  # noqa: S314 (the app's own feed; raises on bad XML)
