"""Demo data for the deliberation: the committee (the demo login `committee`, 孙委员, and four more
members), and `decide_for_demo`, which holds a complete, signed meeting through the services.

The closed rounds' deliberations (Beijing 2016, Hangzhou 2023) are held by applications/demo.py (its
`replay_closed_round` calls `decide_for_demo` in the deliberation step); the notices and
awards demos call it to bring their rounds past deliberation. `load()` only makes sure the
committee exists (it runs after applications, bigdata and review).
"""

import datetime

from django.utils import timezone

from applications.models import Application
from award_portal.demo import ensure_user
from award_portal.roles import Role

from . import meetings, voting
from .models import Candidate, Meeting, Vote

#: username, full name: the committee of the demo (Beijing 2020 art. 7: heads of departments,
#: quality experts and social organisations).
COMMITTEE = [
    ("committee", "孙委员"),
    ("committee-qian", "钱主任"),
    ("committee-zhou", "周委员"),
    ("committee-zheng", "郑委员"),
    ("committee-feng", "冯委员"),
]

OFFICE_REPORT = ("评审办汇报：本届申报组织经资格审查、材料评审和现场评审，入围组织名单及综合得分、评审报告、"
                 "大数据核查情况已提交各位委员审阅。")
SUPERVISION_REPORT = "监督组汇报：评审过程按规定程序进行，专家抽取、回避和评分过程未发现违规情况。"


def committee_members():
    """The demo committee: the chair (钱主任) first, then the members, the demo login among them."""
    users = [ensure_user(username, Role.COMMITTEE, name, f"{username}@example.cn") for username, name in COMMITTEE]
    return [users[1], users[0], *users[2:]]


def supervisor():
    return ensure_user("supervisor", Role.SUPERVISOR, "吴监督", "supervisor@example.cn")


def decide_for_demo(rnd, office, proposals: dict, *, held_at: datetime.datetime, place: str = "评审委员会会议室"):
    """Hold the committee's meeting on `rnd` (in phase deliberation) and carry out its result.

    `proposals` maps each finalist's application id to the tier it is to be proposed for, or None
    (not proposed). Every member present votes (a secret ballot casts real ballots with receipts; a
    show of hands or a deliberation records the counts); the chair and the supervisor sign; the
    conclusion runs `propose` / `not_propose` through the pipeline. Every step goes through the
    services and is audited; the meeting's own records are then dated at `held_at`. Finalists not
    in `proposals` are not proposed. Returns the meeting."""
    members = committee_members()
    chair = members[0]
    meeting = meetings.meeting_save(
        round_id=rnd.pk, actor=office, held_at=held_at, place=place, member_ids=[m.pk for m in members],
        chair_id=chair.pk, office_report=OFFICE_REPORT, supervision_report=SUPERVISION_REPORT)
    meetings.attendance_record(meeting_id=meeting.pk, actor=office, present_ids=[m.pk for m in members])
    finalists = set(Application.objects.filter(round=rnd, state="in_deliberation").values_list("pk", flat=True))
    wanted = {int(a): t for a, t in proposals.items() if int(a) in finalists}
    tiers = sorted({t for t in wanted.values() if t is not None}, key=lambda t: t.rank)
    others = [a for a, t in wanted.items() if t is None]
    for i, tier in enumerate(tiers):
        chosen = [a for a, t in wanted.items() if t == tier]
        on_list = chosen + (others if i == len(tiers) - 1 else [])
        vote = voting.vote_create(meeting_id=meeting.pk, actor=office, tier_id=tier.pk, application_ids=on_list)
        voting.vote_open(vote_id=vote.pk, actor=office)
        candidates = list(vote.candidates.all())
        if vote.secret:
            for member in members:
                lines = {c.application_id for c in voting.ballot_lines(vote, member)}
                voting.ballot_cast(vote_id=vote.pk, actor=member, choices={
                    str(c.pk): ("yes" if c.application_id in chosen else "no")
                    for c in candidates if c.application_id in lines})
            voting.vote_close(vote_id=vote.pk, actor=office)
        else:
            n = len(members)
            voting.vote_close(vote_id=vote.pk, actor=office, counts={
                c.pk: (n, 0, 0) if c.application_id in chosen else (0, n - 1, 1) for c in candidates})
    minutes = _minutes(meeting, members)
    meetings.meeting_save(
        round_id=rnd.pk, actor=office, held_at=held_at, place=place, member_ids=[m.pk for m in members],
        chair_id=chair.pk, office_report=OFFICE_REPORT, supervision_report=SUPERVISION_REPORT, minutes=minutes)
    meetings.meeting_sign(meeting_id=meeting.pk, actor=chair)
    meetings.meeting_sign(meeting_id=meeting.pk, actor=supervisor())
    meetings.meeting_conclude(meeting_id=meeting.pk, actor=office)
    _date(meeting, held_at)
    return Meeting.objects.get(pk=meeting.pk)


def open_vote_for_demo(rnd, office, *, held_at: datetime.datetime, place: str = "评审委员会会议室"):
    """A meeting in session on `rnd` (in phase deliberation) with its first tier's vote open: every
    member present, all but the demo login `committee` (孙委员) have voted, so that login finds the
    vote among its to-dos and casts the last ballot in the browser. Returns the vote."""
    members = committee_members()
    meeting = meetings.meeting_save(
        round_id=rnd.pk, actor=office, held_at=held_at, place=place, member_ids=[m.pk for m in members],
        chair_id=members[0].pk, office_report=OFFICE_REPORT, supervision_report=SUPERVISION_REPORT)
    meetings.attendance_record(meeting_id=meeting.pk, actor=office, present_ids=[m.pk for m in members])
    tier = rnd.program.tiers.order_by("rank").first()
    vote = voting.vote_create(meeting_id=meeting.pk, actor=office, tier_id=tier.pk)
    voting.vote_open(vote_id=vote.pk, actor=office)
    if vote.secret:
        candidates = list(vote.candidates.order_by("position"))
        for member in members:
            if member.username == "committee":
                continue
            lines = {c.application_id for c in voting.ballot_lines(vote, member)}
            voting.ballot_cast(vote_id=vote.pk, actor=member, choices={
                str(c.pk): ("yes" if i < vote.places else "abstain")
                for i, c in enumerate(candidates) if c.application_id in lines})
    Meeting.objects.filter(pk=meeting.pk).update(created_at=held_at - datetime.timedelta(days=3))
    Vote.objects.filter(pk=vote.pk).update(opened_at=held_at + datetime.timedelta(minutes=30))
    return Vote.objects.get(pk=vote.pk)


def _minutes(meeting, members) -> str:
    lines = [f"会议时间：{timezone.localtime(meeting.held_at):%Y年%m月%d日 %H:%M}；地点：{meeting.place}。",
             f"应到委员{len(members)}人，实到{len(members)}人，符合法定人数。主持人：{members[0].display_name}。",
             "会议听取了评审办和监督组的情况汇报，审阅了入围组织的综合评审材料，按各等次规定的方式进行表决。"]
    for vote in meeting.votes.select_related("tier").prefetch_related("candidates__application__organization"):
        carried = [c.application.organization.name for c in vote.candidates.all()
                   if c.outcome == Candidate.Outcome.ELECTED]
        lines.append(f"第{vote.number}项表决（{vote.tier.name_zh}，{vote.get_method_display()}）："
                     f"通过 {'、'.join(carried) or '无'}。")
    return "\n".join(lines)


def _date(meeting, held_at):
    """The meeting's own records in its time: votes open and close during the meeting, the
    signatures and the conclusion at its end (the audit trail keeps the real times)."""
    end = held_at + datetime.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=held_at - datetime.timedelta(days=3),
                                                 chair_signed_at=end, supervisor_signed_at=end, concluded_at=end)
    meeting.recusals.update(recorded_at=held_at)
    for i, vote in enumerate(meeting.votes.order_by("number")):
        opened = held_at + datetime.timedelta(minutes=30 + 20 * i)
        Vote.objects.filter(pk=vote.pk).update(opened_at=opened, closed_at=opened + datetime.timedelta(minutes=15))


def load():
    committee_members()
    supervisor()
