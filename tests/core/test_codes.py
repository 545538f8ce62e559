"""Query, cancel and case codes are stored as keyed HMACs (portal/core/codes.py): what the
database holds cannot confirm a code without CODE_HASH_KEY, the key can be rotated, and the
argon2 hashes of earlier versions keep working until their owner's next lookup replaces them."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pytest
from argon2 import PasswordHasher
from flask import current_app

from portal.appointments.models import Booking
from portal.cases import services as case_services
from portal.config import ConfigurationError
from portal.core import audit, codes
from portal.core.audit import AuditEvent
from portal.extensions import db
from portal.petitions import services
from portal.petitions.models import Petition
from tests.cases.factories import make_case, make_grant
from tests.core.test_production import production_app
from tests.factories import make_petition

# Cheap parameters: the upgrade path does not depend on argon2's cost.
OLD_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
OTHER_KEY = "another-code-hash-key-0123456789abcdef0123456789"


@pytest.fixture(autouse=True)
def _fresh_legacy_answer():
    """Whether legacy hashes remain is remembered for a minute; each test asks afresh."""
    codes._legacy_checked.clear()
    yield
    codes._legacy_checked.clear()


def stored_hash(petition: Petition) -> str:
    db.session.expire(petition, ["query_code_hash"])
    return petition.query_code_hash


def progress_views(petition: Petition) -> list[AuditEvent]:
    return [e for e in audit.history(petition) if e.code == "petition.progress_viewed"]


def test_new_codes_are_stored_as_an_hmac_under_the_current_key():
    petition, code = make_petition()
    grant, case_code = make_grant(make_case())
    for stored in (petition.query_code_hash, grant.code_hash):
        scheme, key_id, digest = stored.split("$")
        assert scheme == "hmac-sha256" and key_id == codes.key_id(
            current_app.config["CODE_HASH_KEY"].encode()
        )
        assert len(digest) == 64 and len(stored) == codes.HASH_LENGTH <= 255
    assert code not in petition.query_code_hash
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    db.session.commit()
    assert stored_hash(petition) == codes.hash_code(code)  # a current hash is left as it is


def test_the_database_alone_cannot_confirm_a_code():
    """A copy of the database and a guess: without the key, no hash made by the copier
    matches, whatever key id it names."""
    petition, code = make_petition()
    key_id = petition.query_code_hash.split("$")[1]
    unkeyed = hashlib.sha256(code.encode()).hexdigest()
    other = hmac.new(OTHER_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()
    for forged in (
        f"hmac-sha256${key_id}${unkeyed}",
        f"hmac-sha256${key_id}${other}",
        f"hmac-sha256${codes.key_id(OTHER_KEY.encode())}${other}",
    ):
        petition.query_code_hash = forged
        db.session.commit()
        assert services.find_for_petitioner(petition.tracking_number, code) is None
        db.session.commit()
        assert stored_hash(petition) == forged


def test_a_legacy_argon2_hash_works_once_and_is_replaced():
    petition, code = make_petition()
    petition.query_code_hash = OLD_HASHER.hash(code)
    db.session.commit()
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    db.session.commit()
    assert stored_hash(petition) == codes.hash_code(code)
    [viewed] = progress_views(petition)
    assert audit.detail_values(viewed.code, viewed.detail) == {"code_rehashed": "argon2"}
    # The next lookup finds a current hash, and says nothing of a replacement.
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    db.session.commit()
    assert [e.detail for e in progress_views(petition)] == [viewed.detail, None]


def test_a_wrong_code_never_replaces_a_legacy_hash():
    petition, code = make_petition()
    legacy = OLD_HASHER.hash(code)
    petition.query_code_hash = legacy
    db.session.commit()
    assert services.find_for_petitioner(petition.tracking_number, "WRONGCODE234") is None
    db.session.commit()
    assert stored_hash(petition) == legacy and progress_views(petition) == []


def test_a_rotated_key_keeps_old_hashes_working_and_replaces_them(app, monkeypatch):
    """The operator sets a new CODE_HASH_KEY and lists the old one in CODE_HASH_OLD_KEYS."""
    petition, code = make_petition()
    old_key = app.config["CODE_HASH_KEY"]
    old_hash = petition.query_code_hash
    monkeypatch.setitem(app.config, "CODE_HASH_KEY", OTHER_KEY)
    monkeypatch.setitem(app.config, "CODE_HASH_OLD_KEYS", (old_key,))
    assert services.find_for_petitioner(petition.tracking_number, "WRONGCODE234") is None
    db.session.commit()
    assert stored_hash(petition) == old_hash  # a wrong code changes nothing
    assert services.find_for_petitioner(petition.tracking_number, code) == petition
    db.session.commit()
    assert stored_hash(petition).split("$")[1] == codes.key_id(OTHER_KEY.encode())
    [viewed] = progress_views(petition)
    assert audit.detail_values(viewed.code, viewed.detail) == {"code_rehashed": "old_key"}


def test_a_key_dropped_from_the_settings_opens_nothing(app, monkeypatch):
    petition, code = make_petition()
    monkeypatch.setitem(app.config, "CODE_HASH_KEY", OTHER_KEY)
    assert services.find_for_petitioner(petition.tracking_number, code) is None
    db.session.rollback()


def test_cancel_and_case_codes_are_upgraded_the_same_way():
    case = make_case()
    grant, code = make_grant(case)
    grant.code_hash = OLD_HASHER.hash(code)
    db.session.commit()
    access = case_services.find_for_query(case.case_number, code)
    assert access is not None and access.grant == grant
    db.session.commit()
    db.session.expire(grant)
    assert grant.code_hash == codes.hash_code(code)
    [queried] = [e for e in audit.history(case) if e.code == "case.queried"]
    assert audit.detail_values(queried.code, queried.detail)["code_rehashed"] == "argon2"


def test_while_legacy_hashes_remain_every_failure_costs_an_argon2_verification(monkeypatch):
    """An unknown number, a wrong code on a current hash and a wrong code on a legacy one
    cost the same, so that timing tells neither which numbers exist nor how they are stored."""
    legacy, legacy_code = make_petition()
    current, _ = make_petition()
    legacy.query_code_hash = OLD_HASHER.hash(legacy_code)
    db.session.commit()
    verified = []
    real = codes._argon2_matches
    monkeypatch.setattr(codes, "_argon2_matches", lambda *a: verified.append(1) or real(*a))
    for number in (legacy.tracking_number, current.tracking_number, "XF2020-999999"):
        verified.clear()
        assert services.find_for_petitioner(number, "WRONGCODE234") is None
        db.session.commit()
        assert len(verified) == 1, number
    # Once the last legacy hash is replaced (and the remembered answer expires), none is spent.
    assert services.find_for_petitioner(legacy.tracking_number, legacy_code) == legacy
    db.session.commit()
    codes._legacy_checked.clear()
    verified.clear()
    assert services.find_for_petitioner("XF2020-999999", "WRONGCODE234") is None
    db.session.commit()
    assert verified == []


def test_the_legacy_question_is_answered_from_its_partial_index():
    """One probe however many rows: the query repeats the index's condition word for word,
    which SQLite requires before it uses a partial index (PostgreSQL proves it either way)."""
    make_petition()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))  # a tiny table is scanned
    explain = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    for column in (Petition.query_code_hash, Booking.cancel_code_hash):
        probe = codes.legacy_probe(column).compile(
            db.engine, compile_kwargs={"literal_binds": True}
        )
        plan = " ".join(
            str(row) for row in db.session.connection().exec_driver_sql(explain + str(probe))
        )
        assert f"{column.table.name}_legacy_code_hash" in plan, plan
    db.session.rollback()


def test_production_refuses_to_start_without_a_code_hash_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CODE_HASH_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="CODE_HASH_KEY is not set"):
        production_app(tmp_path, CODE_HASH_KEY=None)
    with pytest.raises(ConfigurationError, match="CODE_HASH_KEY must be at least"):
        production_app(tmp_path, CODE_HASH_KEY="short")
    with pytest.raises(ConfigurationError, match="CODE_HASH_KEY must differ from SECRET_KEY"):
        production_app(tmp_path, CODE_HASH_KEY="x" * 40, SECRET_KEY="x" * 40)
    with pytest.raises(ConfigurationError, match="CODE_HASH_OLD_KEYS must be at least"):
        production_app(tmp_path, CODE_HASH_OLD_KEYS=("old",))
    assert production_app(tmp_path, CODE_HASH_KEY=secrets.token_hex(32))


def test_development_keeps_a_generated_key_under_instance(tmp_path, monkeypatch):
    from portal import config

    monkeypatch.delenv("CODE_HASH_KEY", raising=False)
    first = config.load(tmp_path, {"PORTAL_ENV": "development"})["CODE_HASH_KEY"]
    again = config.load(tmp_path, {"PORTAL_ENV": "development"})["CODE_HASH_KEY"]
    assert first == again == (tmp_path / "code_hash_key").read_text().strip()
    assert len(first) >= 32 and first != (tmp_path / "secret_key").read_text().strip()
