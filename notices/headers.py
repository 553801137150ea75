"""List-Unsubscribe as one header line.

Python's email package folds a header longer than 78 characters, and a word it cannot break (our
signed URL in angle brackets) it turns into RFC 2047 encoded-words (`=?utf-8?q?=3Chttp...`). Mail
clients read List-Unsubscribe as a structured field and do not decode those, so the link would be
lost. Registered for the header's name in the registry that every email.policy shares (default, SMTP,
SMTPUTF8: one HeaderRegistry object), the header is written on one line, which RFC 5322 allows up to
998 characters; whitespace in the value (between URLs) stays where it is.
"""
import email.policy
from email.headerregistry import UnstructuredHeader


class OneLineHeader(UnstructuredHeader):
    def fold(self, *, policy):
        return f"{self.name}: {' '.join(str(self).split())}{policy.linesep}"


def headers_register() -> None:
    email.policy.default.header_factory.map_to_type("list-unsubscribe", OneLineHeader)
