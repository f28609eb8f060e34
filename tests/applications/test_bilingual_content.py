"""Complete Chinese, complete English (issue 11): the declarations, the commitment letter and the
eligibility reasons read in the reader's language; Django's own messages are Chinese on Chinese
pages; notifications go out in the recipient's language.

English pages may show Chinese only in proper names (the organisation's name, the language
switch's "简体中文") and in quoted binding text, which the page marks `lang="zh-Hans"`.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from applications import drafts
from applications import forms as step_forms
from applications.enums import ApplicationState
from applications.models import RuleResult
from applications.services import eligibility_evaluate
from award_portal.notifications import notify

from .support import (
    complete_application,
    draft,
    english,
    form_values,
    make_org,
    make_rep,
    open_round,
    put_in_state,
)

pytestmark = pytest.mark.django_db

ORG_NAME = "北京测试精工科技有限公司"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: Elements that quote binding Chinese text, marked for the reader (and for screen readers).
QUOTED_CHINESE = re.compile(r'<(\w+)[^>]*\blang="zh-Hans"[^>]*>.*?</\1>', re.S)


def chinese_outside_proper_names(html: str, *names: str) -> list[str]:
    text = QUOTED_CHINESE.sub("", html)
    for name in (ORG_NAME, "简体中文", *names):
        text = text.replace(name, "")
    return sorted({m.group(0) for m in re.finditer(r"[^<>\n]{0,30}" + CJK.pattern + r"[^<>\n]{0,30}", text)})


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


@pytest.fixture
def rnd():
    return open_round("beijing")


@pytest.fixture
def org():
    return make_org(name=ORG_NAME)


@pytest.fixture
def rep(make_user, org):
    return make_rep(make_user, org)


@pytest.fixture
def application(rnd, org, rep):
    return complete_application(rnd, org, rep)


def edit_url(application, step):
    return reverse("application-edit", args=[application.pk, step])


def declaration_rules(application):
    return step_forms.declaration_rules(application.round.program)


# ------------------------------------------------------------------ declarations

def test_english_declarations_page_shows_english_declarations_and_no_chinese(client, rep, application):
    client.force_login(rep)
    html = english(client).get(edit_url(application, "declarations")).content.decode()

    rules = declaration_rules(application)
    assert rules
    for rule in rules:
        assert rule.description_en in html.replace("&#x27;", "'")
        assert rule.params["text"] not in html
    assert "Measures (2020 draft), art. 14" in html  # the article cited by its English reference
    assert chinese_outside_proper_names(html) == []


def test_chinese_declarations_page_shows_the_chinese_text_of_the_measures(client, rep, application):
    client.force_login(rep)
    html = client.get(edit_url(application, "declarations")).content.decode()

    for rule in declaration_rules(application):
        assert rule.params["text"] in html
        assert rule.description_en not in html.replace("&#x27;", "'")
    assert "Yes, this is true" not in html and "是，情况属实" in html


def test_english_self_assessment_labels_have_no_chinese_points(client, rep, application):
    client.force_login(rep)
    html = english(client).get(edit_url(application, "report")).content.decode()

    assert "分）" not in html and " points)" in html


# ------------------------------------------------------------------ commitment letter

def test_english_commitment_page_shows_the_translation_and_quotes_the_binding_chinese(client, rep, application):
    client.force_login(rep)
    html = english(client).get(edit_url(application, "commitment")).content.decode()

    assert "applies for this award of its own free will" in html
    assert "the Chinese text below, which is binding" in html
    quoted = "".join(m.group(0) for m in QUOTED_CHINESE.finditer(html))
    assert drafts.COMMITMENT_TEXT.splitlines()[0] in quoted  # the binding text, marked as Chinese
    signer = application.commitment
    assert chinese_outside_proper_names(html, signer.signer_name, signer.signer_title) == []


def test_chinese_commitment_page_shows_only_the_chinese_text(client, rep, application):
    client.force_login(rep)
    html = client.get(edit_url(application, "commitment")).content.decode()

    assert drafts.COMMITMENT_TEXT.splitlines()[0] in html
    assert "of its own free will" not in html and "Binding Chinese text" not in html


def test_the_accepted_letter_keeps_the_chinese_text_whatever_the_signer_reads(client, rep, rnd, org):
    application = draft(rnd, org, rep)
    client.force_login(rep)
    english(client).post(reverse("commitment-sign", args=[application.pk]),
                         {"signer_name": "Wang Fang", "signer_title": "Chairwoman", "accept": "on"})

    letter = application.__class__.objects.get(pk=application.pk).commitment
    assert letter.text == drafts.COMMITMENT_TEXT and letter.text_version == drafts.COMMITMENT_VERSION


def test_english_read_page_shows_english_declarations_and_letter(client, rep, application):
    client.force_login(rep)
    html = english(client).get(reverse("application-read", args=[application.pk])).content.decode()

    declarations = section(html, "declarations")
    commitment = section(html, "commitment")
    assert declaration_rules(application)[0].description_en in declarations.replace("&#x27;", "'")
    assert "of its own free will" in commitment
    signer = application.commitment
    assert chinese_outside_proper_names(declarations + commitment, signer.signer_name, signer.signer_title) == []


def test_chinese_read_page_shows_chinese_declarations_and_letter(client, rep, application):
    client.force_login(rep)
    html = client.get(reverse("application-read", args=[application.pk])).content.decode()

    assert declaration_rules(application)[0].params["text"] in section(html, "declarations")
    assert drafts.COMMITMENT_TEXT.splitlines()[0] in section(html, "commitment")


# ------------------------------------------------------------------ eligibility reasons

def test_eligibility_reasons_are_written_in_both_languages(rep, application):
    put_in_state(application, ApplicationState.RECOMMENDED)
    with translation.override("en"):  # whoever starts it, both languages are written
        eligibility_evaluate(application_id=application.pk)

    rule = declaration_rules(application)[0]
    result = RuleResult.objects.get(application=application, rule=rule)
    assert rule.params["text"] in result.reason and rule.source_article in result.reason
    assert rule.description_en in result.reason_en and not CJK.search(result.reason_en)
    with translation.override("en"):
        assert result.reason_text == result.reason_en
    with translation.override("zh-hans"):
        assert result.reason_text == result.reason
    for other in RuleResult.objects.filter(application=application):
        assert other.reason and other.reason_en


# ------------------------------------------------------------------ Django's own messages

def test_a_required_field_error_is_chinese_on_a_chinese_page(client, rep, rnd, org):
    application = draft(rnd, org, rep)
    client.force_login(rep)
    values = form_values(client.get(edit_url(application, "basic")).content.decode())

    html = client.post(edit_url(application, "basic"), {**values, "address": ""}).content.decode()

    assert "该字段是必填项。" in html
    assert "This field is required" not in html


def test_a_too_short_password_is_refused_in_chinese(client, make_user):
    user = make_user(role="applicant")
    client.force_login(user)

    html = client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": "aB3",
                                                    "new_password2": "aB3"}).content.decode()

    assert "密码长度太短" in html
    assert "too short" not in html and "Your old password" not in html


def test_a_too_short_password_is_refused_in_english_on_an_english_page(client, make_user):
    user = make_user(role="applicant")
    client.force_login(user)

    html = english(client).post(reverse("password_change"), {"old_password": "wrong", "new_password1": "aB3",
                                                             "new_password2": "aB3"}).content.decode()

    assert "This password is too short" in html and not CJK.search(re.sub(r"简体中文", "", html))


# ------------------------------------------------------------------ notifications

def _compose():
    return translation.gettext("Reason: %(reason)s") % {"reason": "x"}, translation.gettext("Uploaded.")


@pytest.mark.parametrize("language, subject", [("zh-hans", "理由：x"), ("en", "Reason: x")])
def test_notifications_are_in_the_recipients_language(make_user, mailoutbox, language, subject):
    user = make_user(role="applicant", email="someone@example.cn", language=language)

    with translation.override("en" if language == "zh-hans" else "zh-hans"):  # the sender's language is not used
        note = notify(user, _compose)

    assert note.subject == subject
    assert mailoutbox[-1].subject == subject
