from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.core.limits import FIRST_YEAR, LAST_YEAR
from apps.deliverables import selectors as deliverable_selectors

from .. import charts


def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, FIRST_YEAR), LAST_YEAR)
    deliverables = deliverable_selectors.deliverables_of_year(year=year, today=today)
    page = Paginator(deliverables, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "web/overview.html",
        {
            "year": year,
            "status_chart": charts.status_by_group(deliverable_selectors.state_counts_by_group()),
            "timeline": charts.year_timeline(year, page, today=today),
            "page": page,
            "webnews": deliverable_selectors.webnews_of_year(year=year),
        },
    )
