from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BigdataConfig(AppConfig):
    name = "bigdata"
    verbose_name = _("Big data")

    def ready(self):
        from applications.rules_register import register_provider
        from applications.selectors import DETAIL_PANELS
        from award_portal.navigation import register_nav

        from . import eligibility, panels, permissions, rules_register

        eligibility.register()
        register_provider(rules_register.screening_measures)
        if panels.bigdata_panel not in DETAIL_PANELS:
            DETAIL_PANELS.append(panels.bigdata_panel)
        register_nav(_("Big data"), "bigdata-home", visible=permissions.can_read_screening, order=30)
