"""The deliberation's part of the rules register: the meeting, the votes, the secret ballot, the floor
and the sign-off, with the articles they apply (registered in apps.py)."""

from django.utils.translation import gettext as _

from applications.rules_register import Measure

MEETING_ARTICLES = ["bj2020:art8", "bj2020:art21", "hz2025:2.2", "hz2025:3.3.6", "ah2010:art6", "ah2010:art19"]
VOTE_ARTICLES = ["bj2020:art21", "hz2025:3.3.6", "ah2010:art19"]
SECRET_ARTICLES = ["hz2025:3.3.6"]
FLOOR_ARTICLES = ["ah2010:art11"]


def deliberation_measures(program) -> list[Measure]:
    keys = set(program.articles.values_list("key", flat=True))
    methods = ", ".join(f"{t.name}: {t.get_voting_method_display()}" for t in program.tiers.order_by("rank"))
    measures = [
        Measure(_("Committee meeting"),
                _("The office prepares the meeting (members called, chair, quorum, the office's and the "
                  "supervision group's reports, minutes); the committee reads the finalists' dossier online; "
                  "members recuse themselves per application."),
                _("quorum by default two thirds of the members called (assumption: the measures name none)"),
                MEETING_ARTICLES),
        Measure(_("Vote per tier"),
                _("Each tier by its voting method; carried with more than half of the members present and not "
                  "recused in favour (assumption); places filled in order of votes, may stay empty; a tie for the "
                  "last place is resolved by a further vote or a recorded decision, never silently."),
                methods, VOTE_ARTICLES),
        Measure(_("Secret ballot"),
                _("Who has voted is recorded apart from the anonymous ballots (no voter, time or sequence); "
                  "double voting refused under a lock; each member gets a receipt to check that the ballot was "
                  "counted without revealing it."), "", SECRET_ARTICLES),
        Measure(_("Minimum score for a winner"),
                _("Finalists below the floor cannot be put to a vote, and the pipeline refuses to propose them."),
                str(program.score_floor) if program.score_floor is not None else _("none"), FLOOR_ARTICLES),
        Measure(_("Signed result carried out"),
                _("The chair and a supervisor sign the minutes and tally; only then are the finalists proposed or "
                  "not proposed, and the pipeline refuses a proposal no signed vote carried."), "",
                MEETING_ARTICLES),
    ]
    for measure in measures:
        measure.articles = [k for k in measure.articles if k in keys]
    return [m for m in measures if m.articles]
