"""Telling people: the in-app inbox, e-mail over SMTP and a JSON webhook, queued with a change and delivered after it commits."""
