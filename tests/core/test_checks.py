"""The start-up checks of core: the history rule reaches every model of the project."""

from apps.core import checks


def test_every_model_of_the_project_lives_in_a_business_app():
    assert checks.business_models_keep_history(None) == []
    assert checks.models_live_in_business_apps(None) == []


def test_an_app_with_models_outside_the_business_apps_is_named(monkeypatch):
    without_reports = tuple(label for label in checks.BUSINESS_APPS if label != "reports")
    monkeypatch.setattr(checks, "BUSINESS_APPS", without_reports)
    [error] = checks.models_live_in_business_apps(None)
    assert error.id == "core.E002"
    assert "'reports'" in error.msg
    assert "reports.ReportDraft" in error.msg
    assert "HistoricalReportDraft" not in error.msg
    assert "BUSINESS_APPS" in error.hint
