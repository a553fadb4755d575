from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    verbose_name = "Plenary meetings: agendas, attendance, decisions"
    default_auto_field = "django.db.models.BigAutoField"
