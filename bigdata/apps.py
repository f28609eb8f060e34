from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigdataConfig(AppConfig):
    name = "bigdata"
    verbose_name = _("Bigdata")
