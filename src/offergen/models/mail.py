"""Turn `mail:` of `offergen.yaml` into SMTP settings, and `sent:` of an offer into records.

`mail:` is read only where it is used (`offergen send`), so a broken one blocks no build:
`check` reports its problems as warnings, `send` refuses with them. The password never
stands in the file; `password_env` names the environment variable that holds it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from ..errors import Problem, ValidationFailed
from ..load import Document
from .fields import Code, Count, Model, Text, _whole

Security = Literal["starttls", "ssl", "none"]
PORTS: dict[str, int] = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_ENV = "OFFERGEN_SMTP_PASSWORD"
LOOPBACK = ("127.0.0.1", "::1", "localhost")
_PASSWORD_IN_FILE = (
    "the password never goes in offergen.yaml (it would be committed): remove it and set "
    "the environment variable password_env names ({name} by default)"
)


Port = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=65535)]
Seconds = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=600)]
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")]


class Sender(Model):
    """Who the message is from: an address, and the name a mail client shows."""

    address: Code
    name: Text | None = None  # the seller's name by default

    @model_validator(mode="before")
    @classmethod
    def _address_alone(cls, value: Any) -> Any:
        return {"address": value} if isinstance(value, str) else value


class MailSettings(Model):
    """`mail:` of `offergen.yaml`: the SMTP server `offergen send` hands messages to."""

    model_config = ConfigDict(populate_by_name=True)

    host: Code
    port: Port | None = None  # 587 for starttls, 465 for ssl, 25 for none
    security: Security = "starttls"
    username: Code | None = None
    sender: Sender = Field(alias="from")
    password_env: EnvName = PASSWORD_ENV
    timeout: Seconds = 30
    bcc: list[Code] = []
    reply_to: Code | None = None

    @property
    def server_port(self) -> int:
        return self.port if self.port is not None else PORTS[self.security]

    @model_validator(mode="after")
    def _no_clear_password(self) -> MailSettings:
        if self.username and self.security == "none" and self.host not in LOOPBACK:
            raise ValueError(
                "security: none would send the password unencrypted to "
                f"{self.host}: use starttls or ssl"
            )
        return self


class _MailFile(Model):
    """offergen.yaml as `send` reads it: only `mail:`."""

    model_config = ConfigDict(extra="ignore")

    mail: MailSettings


def mail_settings(document: Document) -> MailSettings:
    """`mail:` of the loaded `offergen.yaml`; `ValidationFailed` with its problems."""
    from .parse import parse

    data = document.data if isinstance(document.data, dict) else {}
    if "mail" not in data:
        raise ValidationFailed(
            [
                Problem(
                    document.path,
                    1,
                    1,
                    "mail",
                    "no mail: settings (host, port, security, username, from): "
                    "see README, “Sending an offer”",
                )
            ]
        )
    raw = data["mail"]
    problems = []
    if isinstance(raw, dict) and "password" in raw:
        message = _PASSWORD_IN_FILE.format(name=PASSWORD_ENV)
        problems.append(document.problem(("mail", "password"), message, key=True))
        raw = {key: value for key, value in raw.items() if key != "password"}
    try:
        settings = parse(_MailFile, Document(document.path, {"mail": raw}, document.values))
    except ValidationFailed as failed:
        raise ValidationFailed([*problems, *failed.problems]) from None
    if problems:
        raise ValidationFailed(problems)
    return settings.mail


def mail_problems(document: Document) -> list[Problem]:
    """The problems of `mail:`, as warnings (nothing but `send` depends on it); none when
    the file has no `mail:`."""
    if not isinstance(document.data, dict) or "mail" not in document.data:
        return []
    try:
        mail_settings(document)
    except ValidationFailed as failed:
        return [_warning(problem) for problem in failed.problems]
    return []


def _warning(problem: Problem) -> Problem:
    from dataclasses import replace

    return replace(problem, severity="warning", message=f"{problem.message} (offergen send)")


# --- what `offergen send` records in the offer -------------------------------------------


_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def _utc_moment(value: Any) -> Any:
    if isinstance(value, str):
        if not _MOMENT.fullmatch(value):
            example = "2026-12-01T09:30:00+00:00"
            raise ValueError(f"must be a date and time like {example}, got {value!r}")
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


Moment = Annotated[datetime, BeforeValidator(_utc_moment)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class SentAttachment(Model):
    name: Text = Field(description="The file name the client received.")
    sha256: Sha256 = Field(description="SHA-256 of the file's bytes, as out/ held them.")


class SentRecord(Model):
    """One send of the offer, as `offergen send` recorded it once the server took it."""

    date: Moment = Field(description="When the server accepted the message (UTC).")
    to: Annotated[list[Code], Field(min_length=1)] = Field(description="The recipients.")
    message_id: Text = Field(description="The message's Message-ID header.")
    version: Count = Field(description="The version of the documents sent (offergen history).")
    stamp: Code = Field(description="The commit of that version.")
    attachments: list[SentAttachment] = Field(
        default=[], description="The files attached, with their hashes."
    )
