"""The two outside channels, standard library only: a mail over SMTP (plain, STARTTLS or SSL) and a JSON POST
to a webhook. Each raises OSError (or its subclasses) when the other side refuses or fails."""
from __future__ import annotations

import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage

from core.settings import Settings

CHANNEL_ERRORS = (OSError, smtplib.SMTPException, urllib.error.URLError, ValueError)


def send_mail(settings: Settings, recipient: str, subject: str, body: str) -> None:
    """Send one UTF-8 text mail to ``recipient`` through the configured SMTP server."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = settings.smtp_sender, recipient, subject
    message.set_content(body)
    timeout = settings.notify_timeout_s
    if settings.smtp_tls == "ssl":
        client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client:
        if settings.smtp_tls == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            client.login(settings.smtp_user, settings.smtp_password)
        client.send_message(message)


def post_webhook(settings: Settings, url: str, document: str) -> None:
    """POST ``document`` (JSON text) to ``url``; any answer but 2xx is a failure (urllib raises HTTPError)."""
    request = urllib.request.Request(url, data=document.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=settings.notify_timeout_s) as answer:
        answer.read()
