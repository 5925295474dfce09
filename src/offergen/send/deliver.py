"""Turn a composed message into a delivery by the SMTP server of `mail:`, all or nothing.

Every recipient is named to the server before the message is: one it refuses ends the
session before DATA, so no one gets a message the record would not show. Any failure
raises `DeliveryFailed` saying what the server said; the caller then records nothing,
and sending again is safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import TYPE_CHECKING

from ..errors import OffergenError
from ..models.mail import MailSettings
from .letter import Outgoing

if TYPE_CHECKING:
    import smtplib

RETRY = "nothing was recorded; sending again is safe"


class DeliveryFailed(OffergenError):
    """The SMTP server could not be reached or did not accept the message."""


def password_of(settings: MailSettings, environ: Mapping[str, str]) -> str | None:
    """The password from the environment variable `password_env` names, when a username
    asks for one; `DeliveryFailed` before anything is sent when it is not set."""
    if not settings.username:
        return None
    password = environ.get(settings.password_env)
    if not password:
        raise DeliveryFailed(
            f"{settings.password_env} is not set: the SMTP password of {settings.username} "
            "comes from that environment variable (never from offergen.yaml)"
        )
    return password


def deliver(settings: MailSettings, password: str | None, outgoing: Outgoing) -> None:
    """Hand `outgoing` to the server; return once it has accepted the message."""
    import smtplib
    import ssl

    where = f"{settings.host}:{settings.server_port}"
    try:
        _session(settings, password, outgoing)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryFailed(
            f"{where} refused the login of {settings.username}: {_said(error)}; {RETRY}"
        ) from None
    except smtplib.SMTPNotSupportedError as error:
        raise DeliveryFailed(f"{where}: {error}; {RETRY}") from None
    except smtplib.SMTPServerDisconnected as error:
        raise DeliveryFailed(
            f"{where} closed the connection before it accepted the message ({error}); {RETRY}"
        ) from None
    except smtplib.SMTPResponseException as error:
        raise DeliveryFailed(f"{where} refused the message: {_said(error)}; {RETRY}") from None
    except _Refused as refused:
        raise DeliveryFailed(f"{where} {refused}; {RETRY}") from None
    except ssl.SSLError as error:
        raise DeliveryFailed(
            f"{where}: the TLS handshake failed ({error.reason or error}); {RETRY}"
        ) from None
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryFailed(
            f"cannot reach the SMTP server {where}: {error.strerror or error}; {RETRY}"
            if isinstance(error, OSError)
            else f"{where}: {error}; {RETRY}"
        ) from None


class _Refused(Exception):
    """A recipient the server refused: the session ends before the message is sent."""


def _session(settings: MailSettings, password: str | None, outgoing: Outgoing) -> None:
    import smtplib
    import ssl

    context = ssl.create_default_context()  # verifies the server's certificate and name
    host, port, timeout = settings.host, settings.server_port, settings.timeout
    smtp = (
        smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        if settings.security == "ssl"
        else smtplib.SMTP(host, port, timeout=timeout)
    )
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.username and password is not None:
            smtp.login(settings.username, password)
        _transaction(smtp, outgoing)
        # Accepted: however the server answers QUIT, the message is on its way.
        with suppress(smtplib.SMTPException, OSError):
            smtp.quit()
    finally:
        smtp.close()


def _transaction(smtp: smtplib.SMTP, outgoing: Outgoing) -> None:
    """MAIL, every RCPT, then DATA: a refusal before DATA resets, and nothing is sent."""
    code, said = smtp.mail(outgoing.sender)
    if code != 250:
        smtp.rset()
        raise _Refused(f"refused the sender {outgoing.sender}: {code} {_text(said)}")
    for address in outgoing.envelope:
        code, said = smtp.rcpt(address)
        if code not in (250, 251):
            smtp.rset()
            raise _Refused(f"refused the recipient {address}: {code} {_text(said)}")
    code, said = smtp.data(outgoing.data)
    if code != 250:
        raise _Refused(f"refused the message: {code} {_text(said)}")


def _said(error: Exception) -> str:
    code = getattr(error, "smtp_code", "")
    message = getattr(error, "smtp_error", b"")
    return f"{code} {_text(message)}".strip()


def _text(said: bytes | str) -> str:
    return said.decode("utf-8", "replace") if isinstance(said, bytes) else said
