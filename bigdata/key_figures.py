"""Screening rules of kind "key_figures": declared key figures contradicted by third-party records.

Beijing's big-data pre-screening disqualifies "提供信息虚假" (2nd-edition notice, big-data
pre-screening) and verifies "企业内部信息" against outside data; the 2020 draft art. 24 forbids
"弄虚作假". An application declares, per year, its revenue, profit, tax and employees
(applications.KeyFigure); records of the rule's record type (self-reported filings, a tax
authority's figures) report the same figures under an indicator name (the record's title) for
a year (the record's date). A declared figure that differs from a record of the same
organisation and year by more than the rule's tolerance, as a share of the recorded value, is a
mismatch (only the latest application of the organisation to the program that is neither a
draft nor withdrawn counts); an organisation with mismatches gets one flag of the rule, its evidence the records,
and one `FigureMismatch` per record and figure with both values.

Part of a screening chunk (screening.screen_chunk), inside its transaction. The volume is that of
the applications (a few thousand application-years), not of the records: the records are read
by organisation through the (organisation, date) index, a few hundred organisations at a time.
"""

from decimal import Decimal

from applications.enums import ApplicationState
from applications.models import KeyFigure

from .models import FigureMismatch, Flag, FlagEvidence, PublicRecord, RecordSource, RunRule

#: Applications whose figures are not (or no longer) declared.
NOT_DECLARED = (ApplicationState.DRAFT, ApplicationState.WITHDRAWN)
ORGS_PER_QUERY = 500


def _batches(values, size):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def declared_figures(run, lo: int, hi: int) -> dict[int, tuple[int, dict]]:
    """Organisation id → (application id, {year: figures}) of its latest application to the run's
    program that is neither a draft nor withdrawn (the latest round, then the latest application); for
    a run of a round, its application in that round (the run's subjects are those organisations)."""
    applications = ({"application__round_id": run.round_id} if not run.all_organizations
                    else {"application__round__program_id": run.program_id})
    rows = (KeyFigure.objects
            .filter(**applications, application__organization__gte=lo, application__organization__lte=hi)
            .exclude(application__state__in=NOT_DECLARED)
            .order_by("application__organization_id", "-application__round__application_deadline",
                      "-application_id")
            .values("application_id", "application__organization_id", "year", "revenue_10k", "profit_10k",
                    "tax_10k", "employees"))
    latest = {}
    for row in rows:
        application_id, years = latest.setdefault(row["application__organization_id"], (row["application_id"], {}))
        if row["application_id"] == application_id:
            years[row["year"]] = row
    return latest


def differs(declared, recorded, tolerance_pct) -> bool:
    """Beyond the tolerance, as a share of the recorded value (any difference from a recorded 0)."""
    declared, recorded = Decimal(declared), Decimal(recorded)
    if not recorded:
        return declared != 0
    return abs(declared - recorded) > abs(recorded) * Decimal(tolerance_pct) / 100


def mismatches(run, run_rule: RunRule, declared: dict) -> dict[int, list[dict]]:
    """Organisation id → its mismatches under one rule."""
    rule = run_rule.rule
    figures_of = {}
    for figure, names in rule.figures.items():
        for name in names:
            figures_of.setdefault(name, []).append(figure)
    first_year = run_rule.since.year if run_rule.since else min(y for _, ys in declared.values() for y in ys)
    sources = list(RecordSource.objects.filter(record_type=run_rule.record_type).values_list("id", flat=True))
    found = {}
    for orgs in _batches(sorted(declared), ORGS_PER_QUERY):
        records = (PublicRecord.objects
                   .filter(source_id__in=sources, organization_id__in=orgs, title__in=list(figures_of),
                           occurred_on__year__gte=first_year, occurred_on__lte=run.reference_date,
                           amount_10k__isnull=False)
                   .values("id", "organization_id", "occurred_on", "title", "amount_10k"))
        for record in records:
            application_id, years = declared[record["organization_id"]]
            year_figures = years.get(record["occurred_on"].year)
            for figure in figures_of[record["title"]] if year_figures else []:
                value = year_figures[figure]
                if value is not None and differs(value, record["amount_10k"], rule.tolerance_pct):
                    found.setdefault(record["organization_id"], []).append({
                        "record_id": record["id"], "occurred_on": record["occurred_on"], "figure": figure,
                        "year": record["occurred_on"].year, "declared": value, "recorded": record["amount_10k"],
                        "application_id": application_id})
    return found


def screen(run, run_rules, lo: int, hi: int) -> int:
    """Flags, evidence and mismatches of the chunk's key-figures rules; returns the flags written."""
    declared = declared_figures(run, lo, hi)
    written = 0
    for run_rule in run_rules if declared else []:
        found = mismatches(run, run_rule, declared)
        flags = []
        for org_id, items in sorted(found.items()):
            dates = [item["occurred_on"] for item in items]
            flags.append(Flag(run=run, organization_id=org_id, rule_id=run_rule.rule_id, outcome=run_rule.outcome,
                              record_count=len({item["record_id"] for item in items}), first_on=min(dates),
                              last_on=max(dates)))
        Flag.objects.bulk_create(flags)
        ids = dict(Flag.objects.filter(run=run, rule_id=run_rule.rule_id, organization_id__in=list(found))
                   .values_list("organization_id", "id"))
        FlagEvidence.objects.bulk_create([
            FlagEvidence(flag_id=ids[org_id], record_id=record_id) for org_id, items in found.items()
            for record_id in sorted({item["record_id"] for item in items})])
        FigureMismatch.objects.bulk_create([
            FigureMismatch(flag_id=ids[org_id], record_id=item["record_id"], application_id=item["application_id"],
                           year=item["year"], figure=item["figure"], declared=item["declared"],
                           recorded=item["recorded"])
            for org_id, items in found.items() for item in items])
        written += len(flags)
    return written


def _mismatch_keys(flag_ids) -> dict[int, set]:
    keys = {}
    for flag_id, *key in FigureMismatch.objects.filter(flag_id__in=flag_ids).values_list(
            "flag_id", "record_id", "figure", "year", "declared"):
        keys.setdefault(flag_id, set()).add(tuple(key))
    return keys


def reopen_changed(run, rule_ids, lo: int, hi: int) -> int:
    """After the carry-over: a key-figures flag whose mismatches are not all among those of the
    flag it took its decision from (a figure declared anew, say) waits for a decision again."""
    carried = dict(Flag.objects.filter(run=run, rule_id__in=rule_ids, organization__gte=lo, organization__lte=hi,
                                       carried_from__isnull=False).values_list("id", "carried_from_id"))
    if not carried:
        return 0
    keys = _mismatch_keys([*carried, *carried.values()])
    changed = [flag_id for flag_id, old_id in carried.items() if not keys.get(flag_id, set()) <= keys.get(old_id, set())]
    return Flag.objects.filter(pk__in=changed).update(decision=Flag.Decision.PENDING, decision_reason="",
                                                      decided_by=None, decided_at=None, carried_from=None)


def clear(run, rule_ids, lo: int, hi: int):
    """What an earlier attempt of the chunk left (the flags themselves go with the others)."""
    FigureMismatch.objects.filter(flag__run=run, flag__rule_id__in=rule_ids,
                                  flag__organization__gte=lo, flag__organization__lte=hi).delete()
