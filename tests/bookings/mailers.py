"""Mail servers that fail: they stand in for the outside world in the retry tests."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class MailServerDownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RecipientRefusedBackend(BaseEmailBackend):
    """A server that refuses the address, quoting it, as real servers do."""

    def send_messages(self, email_messages):
        address = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}>: Recipient address rejected".encode())}
        )
