"""Certificates: one per winner, issued at the conferral, each with a random verification code
and a QR code leading to the public check (`awards-certificate-verify`).

The code is 16 characters from a 32-letter alphabet without look-alikes (80 random bits from
`secrets`): it cannot be guessed from a certificate number, a date or another code. The public
check is limited per client (`AWARDS_VERIFY_LIMIT` lookups per `AWARDS_VERIFY_WINDOW` seconds), so
nobody can walk the code space.
"""

import base64
import re
import secrets

import segno
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from applications.enums import ApplicationState

from .models import Certificate

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


def normalize_code(text) -> str:
    """What the visitor typed, as stored: upper case, separators dropped."""
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())[:64]


def certificate_number(decision, tier, sequence: int) -> str:
    rnd = decision.round
    return f"{rnd.program.code.upper()}-{rnd.year}-{tier.rank}{sequence:03d}"


def certificate_issue(*, application, decision, tier, issued_on) -> Certificate:
    """Issue the certificate (called by `approval.award_confer`, inside its transaction)."""
    sequence = Certificate.objects.filter(decision=decision, tier=tier).count() + 1
    org = application.organization
    return Certificate.objects.create(
        application=application, decision=decision, tier=tier, number=certificate_number(decision, tier, sequence),
        code=new_code(), organization_name=org.name, organization_name_en=org.name_en, issued_on=issued_on)


def verify_url(certificate) -> str:
    """The absolute address the QR code carries."""
    base = settings.PORTAL_BASE_URL or "http://127.0.0.1:8000"
    return base + reverse("awards-certificate-verify", args=[certificate.code])


def qr_data_uri(certificate) -> str:
    """The QR code as an SVG data URI, embedded in the PDF (no network)."""
    svg = segno.make(verify_url(certificate), error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class Verdict:
    GENUINE = "genuine"
    REVOKED = "revoked"
    NOT_VALID = "not_valid"
    UNKNOWN = "unknown"


def certificate_status(certificate) -> str:
    """Genuine while the award stands; revoked when the application was revoked (monitoring's later
    revocation moves the application to `revoked`: this page reads it); otherwise not valid."""
    state = certificate.application.state
    if state == ApplicationState.AWARDED:
        return Verdict.GENUINE
    if state == ApplicationState.REVOKED:
        return Verdict.REVOKED
    return Verdict.NOT_VALID


def certificate_lookup(code):
    code = normalize_code(code)
    if len(code) != CODE_LENGTH:
        return None
    return (Certificate.objects.select_related("application", "tier", "decision__round__program")
            .filter(code=code).first())


def lookup_allowed(client_key: str) -> bool:
    """Count one lookup for this client; False once it has used up its allowance in the window."""
    limit = getattr(settings, "AWARDS_VERIFY_LIMIT", 30)
    window = getattr(settings, "AWARDS_VERIFY_WINDOW", 600)
    key = f"awards-verify:{client_key}"
    cache.add(key, 0, timeout=window)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        used = 1
    return used <= limit
