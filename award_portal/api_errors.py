"""A refused service call as a JSON answer: the same shape and statuses from every app's API.

Service errors carry `message` (translated) and `code`: "role" → 403, "input" → 400,
"not_found" → 404, anything else (a state or rule refusal) → 409.
"""

from rest_framework import status
from rest_framework.response import Response

STATUS_OF = {"role": status.HTTP_403_FORBIDDEN, "input": status.HTTP_400_BAD_REQUEST,
             "not_found": status.HTTP_404_NOT_FOUND}


def service_error(exc) -> Response:
    return Response({"detail": exc.message, "code": exc.code},
                    status=STATUS_OF.get(exc.code, status.HTTP_409_CONFLICT))
