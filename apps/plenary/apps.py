from django.apps import AppConfig


class PlenaryConfig(AppConfig):
    name = "apps.plenary"
    label = "plenary"
    verbose_name = "Plenary"
