"""The one error the cultivation services raise: a translated message and a code (the API maps
`role` to 403, `not_found` to 404, `input` to 400 and the rest to 409)."""


class CultivationError(Exception):
    def __init__(self, message, code="state"):
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
