from django.core import checks

from .render import docx_template_path


@checks.register()
def report_template_exists(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Without its Word template no draft can be written: say so at start-up, not in January."""
    path = docx_template_path()
    if path.is_file():
        return []
    return [
        checks.Error(
            f"The annual report template {path} is missing.",
            hint="Restore it: git checkout -- apps/reports/templates/reports/annual_report.docx "
            "(or rebuild it: python -m apps.reports.template_build).",
            id="reports.E001",
        )
    ]
