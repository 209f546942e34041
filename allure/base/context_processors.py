from django.utils.functional import SimpleLazyObject

from allure.base.models import ClinicSettings


def clinic(request):
    """`{{ clinic }}` in every template rendered for a request: the one way templates reach
    the clinic settings. Lazy, so a page that shows none of them (the admin) reads nothing."""
    return {"clinic": SimpleLazyObject(lambda: ClinicSettings.load(request_or_site=request))}
