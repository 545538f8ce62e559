"""Important case releases and published legal documents."""
