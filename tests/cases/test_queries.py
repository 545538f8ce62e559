"""What cases offers other domains (portal/cases/queries.py), and the stage as a state whose
CHECK constraint comes from its enum."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from portal.cases import queries
from portal.cases.models import Case, Stage
from portal.extensions import db
from tests.cases.factories import make_case


def test_other_domains_find_a_case_by_its_number():
    case = make_case(case_number="示检刑诉受〔2026〕41号")
    assert queries.find_case("示检刑诉受〔2026〕41号") is case
    assert queries.find_case("示检刑诉受〔2026〕42号") is None


def test_the_category_vocabulary_other_domains_name():
    with force_locale("en"):
        choices = [(code, str(label)) for code, label in queries.category_choices()]
    assert choices == [
        ("ordinary", "Ordinary case"),
        ("juvenile", "Juvenile case"),
        ("state_secrets", "Case involving state secrets"),
        ("other_restricted", "Other restricted case"),
    ]
    assert (queries.JUVENILE_CATEGORY, queries.STATE_SECRETS_CATEGORY) == (
        "juvenile",
        "state_secrets",
    )
    assert queries.is_category("other_restricted") and not queries.is_category("secret")


def test_the_database_holds_only_the_stages_of_the_enum():
    assert str(Stage.check_constraint("stage", name="stage").sqltext) == (
        "stage IN ('received', 'arrest_review', 'prosecution_review', "
        "'supplementary_investigation', 'indicted', 'not_prosecuted', 'protest', "
        "'appeal_review', 'closed')"
    )
    case = make_case()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(sa.update(Case).where(Case.id == case.id).values(stage="sentenced"))
    db.session.rollback()
