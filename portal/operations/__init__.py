"""Running the portal: the outbox's health, the page where administrators see and retry the
messages that could not be sent, and the `send-mail` command."""
