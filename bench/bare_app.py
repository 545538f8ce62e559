"""The yardstick of bench/pages.py: Flask's "hello, world", nothing else."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, World!"
