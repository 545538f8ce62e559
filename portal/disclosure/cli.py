"""Commands an operator runs: rebuilding the search index."""

import click
from flask.cli import AppGroup

from portal.core import segmenter
from portal.disclosure import search
from portal.extensions import db

search_cli = AppGroup("search", help="The search of published documents and releases.")


@search_cli.command("reindex")
@click.option("--batch", default=500, show_default=True, help="Entries per transaction.")
def reindex(batch):
    """Build the segmenter's dictionary (with the legal terms) and segment every published
    document and release again. Run it after `flask db upgrade` to 0028 and after editing
    portal/core/data/legal_terms.tsv; the search keeps working meanwhile, each batch committed."""
    segmenter.load()
    done = 0
    for count in search.reindex(batch):
        db.session.commit()
        done += count
    click.echo(f"Re-indexed {done} published document(s) and release(s).")
