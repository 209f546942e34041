"""Secrets in links never reach the application's log (issue 28). Django logs every 4xx and
5xx with its path ("Bad Request: /consultation/manage/<token>/"), and a patient's manage
link, a waitlist offer or leave link, a provider's calendar feed and a password-reset link
carry their secret in the path. This filter, on the console handler (allure/settings/base.py
LOGGING), writes "[secret]" in its place, as nginx's access log does
(deploy/nginx/allure.conf)."""

import logging
import re

# The segment after each prefix is the secret; a calendar feed's ends before ".ics".
SECRET_SEGMENT = re.compile(
    r"(?i)(/consultation/manage/|/consultation/waitlist/(?:offer|leave)/"
    r"|/admin/password_reset/confirm/[^/\s]+/)[^/\s?#\"']+"
)
CALENDAR_SECRET = re.compile(r"(?i)(/calendar/)[^/\s?#\"']+?(\.ics)")


def hide_link_secrets(text: str) -> str:
    return CALENDAR_SECRET.sub(r"\1[secret]\2", SECRET_SEGMENT.sub(r"\1[secret]", text))


class HideLinkSecrets(logging.Filter):
    """Rewrites a record's message without the secrets; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_link_secrets(message)
        if hidden != message:
            record.msg, record.args = hidden, ()
        return True
