"""The registry of eligibility rule kinds, apart from their evaluators.

Models validate a rule's kind and parameters against this registry, and the evaluators in
`eligibility.py` (and other apps') register here, so models never import the evaluators and
the evaluators may import models.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .enums import RuleOutcome


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str


@dataclass(frozen=True)
class RuleKind:
    code: str
    label: str
    evaluate: Callable  # (EligibilityContext, params) -> Verdict
    required_params: tuple = field(default_factory=tuple)


RULE_KINDS: dict[str, RuleKind] = {}


def register_rule_kind(kind: RuleKind):
    RULE_KINDS[kind.code] = kind


def rule_kind(code, label, required_params=()):
    def decorator(fn):
        register_rule_kind(RuleKind(code, label, fn, tuple(required_params)))
        return fn
    return decorator



def passed(reason):
    return Verdict(RuleOutcome.PASS, reason)


def failed(reason):
    return Verdict(RuleOutcome.FAIL, reason)


def doubtful(reason):
    return Verdict(RuleOutcome.NEEDS_REVIEW, reason)
