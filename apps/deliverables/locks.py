"""Row locks for the workflow, in one order, each taking only the rows it names.

The order, for every write that touches a deliverable and its consensus rounds:

    1. the deliverable,
    2. then its rounds (by primary key when several).

A round service therefore locks the round's deliverable first, even to record one position: two
writers on one product then queue on one row instead of each holding what the other wants (the
withdraw-versus-last-position deadlock). `of=("self",)` keeps a lock to the named table: a
`select_related` join would otherwise lock the lead group's row too, and every write on one
group's products would queue behind it.
"""

from django.db.models import QuerySet

from apps.core.errors import ApplicationError

from .models import Deliverable


def deliverable_for_update(pk: int, *, expected_version: int | None = None) -> Deliverable:
    """The deliverable's row, locked until the transaction ends; refused if edited meanwhile.

    The version check is made here, under the lock, for every door (admin, web, API)."""
    locked = (
        Deliverable.objects.select_for_update(of=("self",)).select_related("lead_group").get(pk=pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ApplicationError(
            f"Someone else changed this deliverable since you opened it ('{locked}' was "
            f"changed by someone else: you have version {expected_version}, it is now at "
            f"version {locked.version}). Reload it, check their change, and make yours again.",
            code="stale",
            extra={"version": locked.version},
        )
    return locked


def rows_for_update(queryset: QuerySet) -> list:
    """Rows of one table locked in primary-key order (step 2 of the order above); joined rows
    are read, never locked."""
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))
