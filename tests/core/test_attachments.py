"""The held-attachments rule (core/attachments.py) as plain functions: a file held for one form in
one browser is kept once, listed, removable, checked again when used, out of reach of any other
browser or form, and an orphan for `check-files` only after HELD_UPLOAD_HOURS."""

from __future__ import annotations

import os
import secrets
import time

import pytest
from flask import session

from portal.core import filecheck, filestore
from portal.core.attachments import SESSION_ENTRY, HeldFiles, size_label
from portal.core.uploads import check_file

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 50


@pytest.fixture
def browser(app):
    """A request in one browser: its session, and the secret that session holds."""
    with app.test_request_context("/petitions/new", method="POST"):
        session[SESSION_ENTRY] = secrets.token_hex(16)
        yield


@pytest.fixture
def key():
    """A form's one-time submission key."""
    return secrets.token_urlsafe(32)


def test_a_held_file_is_listed_with_its_name_and_size_and_kept_once(browser, key):
    held = HeldFiles(key)
    held.hold("attachments", check_file("证据.pdf", PDF))
    held.hold("attachments", check_file("证据（副本）.pdf", PDF))  # the same bytes again
    held.hold("photos", check_file("照片.png", PNG))
    assert [(f.filename, f.size) for f in held.files("attachments")] == [("证据.pdf", len(PDF))]
    assert [f.filename for f in HeldFiles(key).files()] == ["证据.pdf", "照片.png"]
    assert [u.data for u in HeldFiles(key).uploads("attachments")] == [PDF]


def test_one_held_file_can_be_removed_and_all_are_released(browser, key):
    held = HeldFiles(key)
    held.hold("attachments", check_file("a.pdf", PDF))
    held.hold("attachments", check_file("b.png", PNG))
    first, second = held.files("attachments")
    held.remove(first.id)
    assert held.files() == [second]
    assert not filestore.current().exists(first.storage_key)
    held.remove()
    assert held.files() == [] and not filestore.current().exists(second.storage_key)


def test_a_held_file_is_out_of_reach_of_another_form_or_browser(app, browser, key):
    HeldFiles(key).hold("attachments", check_file("a.pdf", PDF))
    assert HeldFiles("another-form-key" + "x" * 30).files() == []
    with app.test_request_context("/petitions/new", method="POST"):
        session[SESSION_ENTRY] = "b" * 32  # another browser with the same page
        assert HeldFiles(key).files() == []
        HeldFiles(key).remove()  # removes nothing of the first browser's
    with app.test_request_context("/petitions/new", method="POST"):
        assert HeldFiles(key).files() == []  # a browser with no secret holds nothing
    assert [f.filename for f in HeldFiles(key).files()] == ["a.pdf"]


def test_a_held_file_is_checked_again_when_used(browser, key):
    held = HeldFiles(key)
    held.hold("attachments", check_file("a.pdf", PDF))
    [entry] = held.files()
    filestore.current().write_now(entry.storage_key, b"MZ\x90\x00 no longer a PDF")
    assert held.uploads("attachments") == []
    assert held.missing == [entry] and held.files() == []


def test_held_files_are_orphans_only_after_the_held_time(app, browser, key):
    HeldFiles(key).hold("attachments", check_file("a.pdf", PDF))
    mine = {f.storage_key for f in HeldFiles(key).files()}
    disk = filestore.current()
    two_hours_ago = time.time() - 2 * 3600
    for stored_key in mine:
        os.utime(disk.path(stored_key), (two_hours_ago, two_hours_ago))
    orphans = {entry.key for entry in filecheck.check_files().orphans}
    assert not mine & orphans  # held for 24 hours
    a_day_ago = time.time() - 25 * 3600
    for stored_key in mine:
        os.utime(disk.path(stored_key), (a_day_ago, a_day_ago))
    assert mine <= {entry.key for entry in filecheck.check_files().orphans}


def test_sizes_read_as_people_read_them():
    assert size_label(150) == "1 KB"
    assert size_label(820 * 1024) == "820 KB"
    assert size_label(int(2.4 * 1024 * 1024)) == "2.4 MB"
