"""The one error the monitoring services raise: a translated message and a code the API maps
("role" → 403, "not_found" → 404, the rest → 400/409)."""


class MonitoringError(Exception):
    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code
