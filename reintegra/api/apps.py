from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "reintegra.api"
    verbose_name = "API"
