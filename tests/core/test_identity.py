"""One canonical identity (portal/core/identity.py): the canonical forms, the look-alike rules
written out by hand, and staff account creation refusing look-alikes in both languages. Lawyer
registration is seen through its page in tests/lawyers/test_accounts.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from portal.accounts import services
from portal.accounts.models import User
from portal.core import identity
from portal.core.credentials import AccountError
from portal.core.permissions import Role
from portal.extensions import db
from tests.factories import PASSWORD, login, make_user


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("lawyer1@lawfirm.example", "lawyer1@lawfirm.example"),
        ("  Lawyer1@LawFirm.Example\t", "lawyer1@lawfirm.example"),
        ("ｌａｗｙｅｒ１@lawfirm.example", "lawyer1@lawfirm.example"),  # full width
        ("ｌａｗｙｅｒ１＠ｌａｗｆｉｒｍ．ｅｘａｍｐｌｅ", "lawyer1@lawfirm.example"),
        ("STRASSE@x.example", "strasse@x.example"),
        ("Straße@x.example", "strasse@x.example"),  # case folding, not just lower()
        ("ﬁle@x.example", "file@x.example"),  # a compatibility ligature
        ("张三@例子.中国", "张三@例子.中国"),
    ],
)
def test_the_canonical_form_of_an_address(typed, canonical):
    assert identity.canonical_email(typed) == canonical


def test_the_canonical_form_of_a_name():
    assert identity.canonical_name("  Zhang\u3000 Wei \n") == "Zhang Wei"
    assert identity.canonical_name("ＺＨＡＮＧ　伟") == "ZHANG 伟"


# Rules 1-3: what may not name a new account, whatever exists (hand-written).
REFUSED_ADDRESSES = [
    "lawyеr1@lawfirm.example",  # Cyrillic е among Latin letters
    "lawyer1@lawfirм.example",  # Cyrillic м in the domain
    "lawyer1@lawfirm.ехample",  # Cyrillic е and х in the top-level domain
    "раураl@x.example",  # Cyrillic and a Latin l
    "аре@x.example",  # all Cyrillic, every letter a Latin look-alike
    "ορ@x.example",  # all Greek, both Latin look-alikes
    "x@xn--80ak6aa92e.com",  # IDNA for Cyrillic "аррӏе"
    "a\u200bb@x.example",  # a zero-width space
    "ab\u202e@x.example",  # a right-to-left override
    "a b@x.example",
    "a" * 250 + "@x.example",  # too long
]
ACCEPTED_ADDRESSES = [
    "lawyer1@lawfirm.example",
    "zhang.wei+filings@law-firm.example",
    "张三@例子.中国",
    "zhang张@163.com",  # Latin with Han: how Chinese is written
    "иван@mail.ru",  # Cyrillic that does not pass for Latin
    "αβγ@x.gr",
    "taro.山田@example.jp",
]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_look_alike_or_invisible_addresses_are_refused(address):
    assert identity.email_problem(identity.canonical_email(address)) is not None


@pytest.mark.parametrize("address", ACCEPTED_ADDRESSES)
def test_ordinary_addresses_in_any_one_script_are_accepted(address):
    assert identity.email_problem(identity.canonical_email(address)) is None


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("张伟", False),
        ("Zhang Wei", False),
        ("张 Wei", False),
        ("阿依古丽·买买提", False),
        ("Иван Петров", False),
        ("Zhang Wеi", True),  # Cyrillic е
        ("张\u200d伟", True),  # a zero-width joiner
        ("x" * 101, True),
    ],
)
def test_names_mixing_look_alike_scripts_are_refused(name, refused):
    assert (identity.name_problem(identity.canonical_name(name)) is not None) is refused


# Rule 4: look-alikes of what exists (hand-written pairs).
@pytest.mark.parametrize(
    ("candidate", "existing", "alike"),
    [
        ("lawyerl@lawfirm.example", "lawyer1@lawfirm.example", True),  # l for 1
        ("lawyer1@lawfirm.example", "lawyerI@lawfirm.example", False),  # lower-cased: i, not I
        ("rnodern@x.example", "modern@x.example", True),  # rn for m
        ("lawyеr1@lawfirm.example", "lawyer1@lawfirm.example", True),
        ("x@xn--pple-43d.com", "x@apple.com", True),  # IDNA for Cyrillic а + "pple"
        ("LAWYER1@lawfirm.example", "lawyer1@lawfirm.example", True),
        ("lawyer2@lawfirm.example", "lawyer1@lawfirm.example", False),
        ("zhang@lawfirm.example", "zhao@lawfirm.example", False),
    ],
)
def test_skeletons_find_look_alike_addresses(candidate, existing, alike):
    found = identity.confusable_with(candidate, ["other@x.example", existing])
    assert (found == existing) is alike


def test_skeletons_find_look_alike_names():
    existing = ["王伟", "Li Na"]
    assert identity.confusable_with("王 伟", existing, key=identity.name_skeleton) is None
    assert identity.confusable_with(" 王伟 ", existing, key=identity.name_skeleton) == "王伟"
    assert identity.confusable_with("LI NA", existing, key=identity.name_skeleton) == "Li Na"
    assert identity.confusable_with("Li Nа", existing, key=identity.name_skeleton) == "Li Na"


# ---- staff accounts ---------------------------------------------------------------------------


def test_a_staff_address_is_stored_canonical_and_its_twins_are_refused():
    user = make_user(Role.CLERK, email="Clerk.One@Test.example")
    assert user.email == "clerk.one@test.example"
    assert services.find_by_email("ＣＬＥＲＫ.ＯＮＥ@test.example") is user
    for twin in ("clerk.one@TEST.example", "ｃｌｅｒｋ.ｏｎｅ@test.example"):
        with force_locale("en"), pytest.raises(AccountError, match="already exists") as refused:
            services.create_user(twin, "Someone Else", Role.CLERK, PASSWORD)
        assert refused.value.field == "email"
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


@pytest.mark.parametrize(
    ("language", "email_message", "name_message"),
    [
        (
            "en",
            "This e-mail address could be mistaken for that of an existing user, "
            "handler1@test.example. Use another address.",
            "This name could be mistaken for that of an existing user, 王伟.",
        ),
        (
            "zh_Hans_CN",
            "该电子邮箱容易与现有用户的电子邮箱handler1@test.example混淆，请换用其他地址。",
            "该姓名容易与现有用户“王伟”混淆",
        ),
    ],
)
def test_the_administrator_is_told_which_user_a_new_one_could_pass_for(
    client_request, language, email_message, name_message
):
    make_user(Role.HANDLER, email="handler1@test.example", name="王伟")
    login(client_request.client, make_user(Role.ADMIN))
    client_request.client.set_cookie("portal_locale", language)

    def create(**changes):
        data = {
            "email": "new@test.example",
            "name": "New Person",
            "role": "handler",
            "password": "Good-password-1",
            **changes,
        }
        return client_request.post("users_admin.create_user", _data=data, _expected_status=200)

    page = create(email="handlerl@test.example")
    assert email_message in page.select_one("#email-error").get_text()
    assert page.select_one("input[name=email]")["value"] == "handlerl@test.example"
    page = create(name="王伟")
    assert name_message in page.select_one("#name-error").get_text()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This e-mail address contains letters that can be mistaken for others"),
        ("zh_Hans_CN", "该电子邮箱含有容易与其他字符混淆的字母"),
    ],
)
def test_an_administrator_cannot_create_a_mixed_script_address(client_request, language, message):
    login(client_request.client, make_user(Role.ADMIN))
    client_request.client.set_cookie("portal_locale", language)
    page = client_request.post(
        "users_admin.create_user",
        _data={
            "email": "clеrk@test.example",
            "name": "Clerk",
            "role": "clerk",
            "password": "Good-password-1",
        },
        _expected_status=200,
    )
    assert message in page.select_one("#email-error").get_text()


def test_the_cli_refuses_a_look_alike_too(app):
    make_user(Role.CLERK, email="clerk.cli@test.example")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "c1erk.cli@test.example", "--role", "clerk"],
        env={"PORTAL_PASSWORD": "Long-enough-9"},
    )
    assert result.exit_code != 0
    assert "clerk.cli@test.example" in result.output  # the existing user it could pass for


def test_a_rename_cannot_make_one_staff_member_pass_for_another():
    admin = make_user(Role.ADMIN)
    make_user(Role.HANDLER, name="王伟")
    other = make_user(Role.HANDLER, name="李娜")
    with force_locale("en"), pytest.raises(AccountError, match="could be mistaken") as refused:
        services.update_user(other, name="王伟", role="handler", is_active=True, actor=admin)
    assert refused.value.field == "name"
    with force_locale("en"), pytest.raises(AccountError, match="letters of one alphabet"):
        services.update_user(other, name="Jоhn", role="handler", is_active=True, actor=admin)
    # Keeping one's own name, or taking one no one has, is fine.
    services.update_user(other, name="李娜", role="leader", is_active=True, actor=admin)
    services.update_user(other, name="李娜（信访科）", role="leader", is_active=True, actor=admin)
    assert other.name == "李娜(信访科)"  # stored in canonical form (NFKC)
