"""Cache-Control: no-store on confidential responses (GB/T 22239-2019 level 3, residual data).

Everything a logged-in user sees is confidential (applications, scores, records, the audit
trail), and so is every PDF and every download: neither the browser nor a proxy may keep a
copy. Public pages seen anonymously stay cacheable.
"""

from django.utils.cache import add_never_cache_headers, patch_vary_headers


def is_confidential(request, response) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    disposition = response.get("Content-Disposition", "")
    return (disposition.lower().startswith("attachment")
            or response.get("Content-Type", "").startswith("application/pdf"))


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_confidential(request, response):
            # no-store, no-cache, must-revalidate, private, max-age=0 and an Expires in the past.
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response
