"""Public pages for case procedural information (案件程序性信息查询)."""

from flask import Blueprint

bp = Blueprint("cases", __name__)
