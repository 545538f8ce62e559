"""Fixtures of the statistics tests: cheap hashing, an English reader, a small staff."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from portal.accounts import services as accounts_services
from portal.core.permissions import Role
from tests.factories import make_user

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    monkeypatch.setattr(accounts_services, "hasher", CHEAP_HASHER)


@pytest.fixture
def english(client_request):
    client_request.client.set_cookie("portal_locale", "en")
    return client_request


class Staff:
    def __init__(self):
        self.clerk = make_user(Role.CLERK)
        self.handlers = [make_user(Role.HANDLER), make_user(Role.HANDLER)]
        self.leaders = [make_user(Role.LEADER), make_user(Role.LEADER)]


@pytest.fixture
def staff():
    return Staff()
