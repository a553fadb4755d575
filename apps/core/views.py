from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from .health import service_health, service_healthy


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker-compose health checks: is the database up (else 503), and
    which other parts (broker, cache, mail) are down or behind?"""
    report = service_health()
    return JsonResponse(report, status=200 if service_healthy(report) else 503)


@login_not_required
@require_GET
def livez(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else (also the floor of the benchmarks)."""
    return HttpResponse("ok", content_type="text/plain")
