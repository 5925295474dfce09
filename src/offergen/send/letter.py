"""Turn an offer ready to send into an RFC 5322 message: the cover letter from
templates/mail/ (plain text and an HTML alternative, in the offer's language), signed by
the manager, with the built documents attached.

Every header value is checked first: an address must be valid (email-validator) and no
value may hold a line break, which would let a name or a subject add headers of its own.
The message is built with the standard `email` package; its bytes are what is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from ..documents import KINDS
from ..documents.parties import local
from ..documents.proposal import greeting
from ..documents.view import OfferView
from ..errors import RenderError
from ..formatting import format_date
from ..models import Client, Offer, Person
from ..models.mail import MailSettings
from ..workspace import SHIPPED_TEMPLATES, Workspace, client_source
from .ready import Built, NotSendable, Ready

MIME_TYPES = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
_LINE_BREAKS = re.compile("[\r\n\u0085\u2028\u2029]")
_UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class Attachment:
    name: str  # the file name the client sees
    sha256: str
    built: Built


@dataclass(frozen=True)
class Outgoing:
    """A message to send: its bytes, who gets it, and what the record keeps of it."""

    data: bytes
    sender: str  # the envelope's MAIL FROM
    to: list[str]  # the To: addresses, as recorded
    envelope: list[str]  # every RCPT TO: the To: addresses and the Bcc copies
    message_id: str
    attachments: list[Attachment]
    subject: str


def compose(
    workspace: Workspace,
    prepared: Ready,
    settings: MailSettings,
    given: Sequence[str] = (),
    now: datetime | None = None,
) -> Outgoing:
    """The message for `prepared`, to the addresses `given`, else the offer's contact."""
    offer = prepared.offer
    contact = _contact(offer, workspace.clients[offer.client])
    to = _recipients(given, contact, prepared.offer_id, offer.client)
    labels = workspace.templates.labels(workspace.settings(prepared.offer_id).locale)
    view = OfferView.of(workspace, prepared.offer_id, labels, prepared.revision)
    subject = _subject(view)
    attachments = [_attachment(view, built) for built in prepared.files]
    context = _letter_context(view, contact, subject, [a.name for a in attachments])
    plain, html = _render(workspace, view.locale, context)
    sender = _address(settings.sender.address, "mail.from.address")
    message = _headed(settings, view, sender, to, now or datetime.now(UTC))
    message["Subject"] = subject
    message.set_content(plain)
    message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, subtype = MIME_TYPES[attachment.built.fmt]
        message.add_attachment(
            attachment.built.data, maintype=maintype, subtype=subtype, filename=attachment.name
        )
    bcc = [_address(value, "mail.bcc") for value in settings.bcc]
    addresses = [address for _, address in to]
    envelope = list(dict.fromkeys([*addresses, *bcc]))
    message_id = str(message["Message-ID"])
    data = message.as_bytes()
    return Outgoing(data, sender, addresses, envelope, message_id, attachments, subject)


def _subject(view: OfferView) -> str:
    """«Коммерческое предложение № КП-2026-0005 от «28» ноября 2026 г.», as the proposal."""
    text, offer = view.text, view.offer
    day = format_date(offer.date, view.locale)
    return _header(
        f"{text('proposal_title')} {text('number_and_date', number=offer.number, date=day)}",
        "the subject (proposal_title, the offer's number and date)",
    )


def _headed(
    settings: MailSettings,
    view: OfferView,
    sender: str,
    to: list[tuple[str | None, str]],
    now: datetime,
) -> EmailMessage:
    """A message with From, To, Reply-To, Date and a new Message-ID."""
    seller = local(view.seller.name, view.seller.name_en, view.locale)
    message = EmailMessage(policy=SMTP)
    message["From"] = Address(
        _header(settings.sender.name or seller, "mail.from.name"), addr_spec=sender
    )
    message["To"] = [Address(name or "", addr_spec=address) for name, address in to]
    if settings.reply_to:
        message["Reply-To"] = Address(addr_spec=_address(settings.reply_to, "mail.reply_to"))
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    return message


# --- who gets it ----------------------------------------------------------------------------


def _contact(offer: Offer, client: Client) -> Person | None:
    """The offer's contact (`contact:` names one of the client's), else the first contact
    with an e-mail address."""
    if offer.contact is not None:
        return next((c for c in client.contacts if c.name == offer.contact), None)
    return next((c for c in client.contacts if c.email), None)


def _recipients(
    given: Sequence[str], contact: Person | None, offer_id: str, client_id: str
) -> list[tuple[str | None, str]]:
    """(display name, address) of each To: the addresses given, else the contact's."""
    if given:
        return [(None, _address(value, "--to")) for value in given]
    return [_contact_address(contact, offer_id, client_id)]


def _contact_address(
    contact: Person | None, offer_id: str, client_id: str
) -> tuple[str | None, str]:
    if contact is None or not contact.email:
        who = f"its contact {contact.name}" if contact else "no contact of the client"
        raise NotSendable(
            f"{offer_id}: {who} has no e-mail address: add one in {client_source(client_id)} "
            "or give --to ADDRESS"
        )
    name = _header(contact.name, f"{client_source(client_id)}: contacts: name")
    return name, _address(contact.email, f"{client_source(client_id)}: {contact.name}: email")


def _header(value: str, where: str) -> str:
    """`value`, unless a line break in it would end the header and start another."""
    found = _LINE_BREAKS.search(value)
    if found is not None:
        raise NotSendable(
            f"{where}: {value!r} has a line break (U+{ord(found.group()):04X}); a header "
            "value must be one line (a break would let it add headers of its own)"
        )
    return value


def _address(value: str, where: str) -> str:
    """`value` as a checked address for the envelope and the headers (a domain in IDNA)."""
    from email_validator import EmailNotValidError, validate_email

    _header(value, where)
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise NotSendable(f"{where}: {value!r} is not a valid e-mail address: {error}") from None
    return checked.ascii_email or checked.normalized


# --- what it says ---------------------------------------------------------------------------


def _attachment(view: OfferView, built: Built) -> Attachment:
    """`КП-2026-0005 Коммерческое предложение.pdf`: the number and the document's title."""
    context, _ = KINDS[built.document].context(view)
    title = " ".join(
        _UNSAFE_IN_FILE_NAMES.sub(" ", f"{view.offer.number} {context['title']}").split()
    )
    return Attachment(_header(f"{title}.{built.fmt}", "an attachment's name"), built.sha256, built)


def _letter_context(
    view: OfferView, contact: Person | None, subject: str, names: list[str]
) -> dict[str, Any]:
    text, locale, manager = view.text, view.locale, view.manager
    title = text("proposal_title")
    return {
        "subject": subject,
        "greeting": greeting(contact, text),
        "what": title[:1].lower() + title[1:],
        "number": view.offer.number,
        "date": format_date(view.offer.date, locale),
        "valid_until": format_date(view.settings.valid_until, locale),
        "attachments": names,
        "seller": local(view.seller.name, view.seller.name_en, locale),
        "manager": {
            "name": local(manager.name, manager.name_en, locale),
            "position": local(manager.position or "", manager.position_en, locale),
            "phone": manager.phone or "",
            "email": manager.email or "",
        },
    }


def _render(workspace: Workspace, locale: str, context: dict[str, Any]) -> tuple[str, str]:
    """The letter as text and as HTML: templates/mail/cover.<locale>.txt and .html, the
    workspace's own, else those offergen ships. Values are escaped in HTML and never
    rendered as templates themselves."""
    from jinja2 import StrictUndefined, TemplateError, TemplateNotFound, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    from ..render.templates import ConfinedLoader

    own = workspace.templates_dir
    root = own if (own / "mail").is_dir() else SHIPPED_TEMPLATES
    env = SandboxedEnvironment(
        loader=ConfinedLoader(root),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    rendered = []
    for suffix in ("txt", "html"):
        name = f"mail/cover.{locale}.{suffix}"
        try:
            rendered.append(env.get_template(name).render(context))
        except TemplateNotFound:
            raise NotSendable(f"{Path(root.name) / name}: the cover letter is missing") from None
        except TemplateError as error:
            raise RenderError(name, f"{type(error).__name__}: {error}") from None
    return rendered[0], rendered[1]
