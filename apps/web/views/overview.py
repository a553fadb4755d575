from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.deliverables import selectors as deliverable_selectors

from .. import charts


def overview(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, FIRST_YEAR), LAST_YEAR)
    page = Paginator(deliverable_selectors.deliverables_of_year(year=year), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/overview.html",
        {
            "year": year,
            "status_chart": charts.status_by_group(deliverable_selectors.state_counts_by_group()),
            "timeline": charts.year_timeline(year, page),
            "page": page,
            "webnews": deliverable_selectors.webnews_of_year(year=year),
        },
    )
