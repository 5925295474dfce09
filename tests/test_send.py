"""offergen send: a real SMTP server (aiosmtpd) on 127.0.0.1 receives the offer, over
STARTTLS with a certificate made here and AUTH; every refusal sends and records nothing."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import ipaddress
import re
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from offergen.history import Repo as GitRepo
from offergen.past import revisions
from offergen.validate import load_workspace

from .conftest import DATA, Repo, copy_workspace, run

LOOPBACK = "127.0.0.1"
PASSWORD = "s3cret"
CONTACT = "Смирнова Анна Сергеевна"
ADDRESS = "anna@acme.example.ru"
SUBJECT = "Коммерческое предложение № КП-1 от «28» ноября 2026\u00a0г."


# --- the server ---------------------------------------------------------------------------


class Inbox:
    """What the server received, and how it behaves: refuse a recipient, drop the line."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes, bool]] = []  # from, to, data, tls
        self.refuse: set[str] = set()
        self.hang_up = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hang_up:
            server.transport.close()
            return "421 closing"
        tls = server.transport.get_extra_info("ssl_object") is not None  # STARTTLS or SMTPS
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content, tls))
        return "250 OK"

    def clear(self) -> None:
        self.messages.clear()
        self.refuse.clear()
        self.hang_up = False


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    good = isinstance(data, LoginPassword) and (data.login, data.password) == (
        b"sales",
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # handled=False: the server says 535


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, fit to be its own trust anchor."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "offergen test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def server(certificate: tuple[Path, Path]) -> Iterator[tuple[Any, Inbox]]:
    """An SMTP server on 127.0.0.1 offering STARTTLS and AUTH (PLAIN, LOGIN)."""
    inbox = Inbox()
    controller = _smtp_server(inbox, certificate, "tls_context")
    controller.start()
    yield controller, inbox
    controller.stop()


def _smtp_server(inbox: Inbox, certificate: tuple[Path, Path], tls: str) -> Any:
    """A server with the certificate as `tls`: `tls_context` offers STARTTLS,
    `ssl_context` speaks TLS from the first byte (SMTPS)."""
    from aiosmtpd.controller import Controller

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return Controller(
        inbox,
        hostname=LOOPBACK,
        port=_free_port(),
        authenticator=_authenticate,
        auth_require_tls=False,
        **{tls: context},
    )


# --- the workspace ------------------------------------------------------------------------


def _mail_section(port: int, security: str = "starttls") -> str:
    return (
        "mail:\n"
        f"  host: {LOOPBACK}\n"
        f"  port: {port}\n"
        f"  security: {security}\n"
        "  username: sales\n"
        "  from: {address: sales@example.ru, name: ООО «Северный ветер»}\n"
        "  timeout: 10\n"
    )


def _prepare(root: Path, port: int) -> Repo:
    copy_workspace(DATA / "minimal", root)
    repo = Repo(root)
    (root / ".gitignore").write_text("out/\n", "utf-8")
    repo.edit("offergen.yaml", "defaults:", _mail_section(port) + "defaults:")
    repo.edit("offers/a-1.yaml", "date: 2026-11-28\n", "date: 2026-11-28\nstatus: approved\n")
    offer = root / "offers" / "a-1.yaml"
    offer.write_text(
        "# КП для Акме: отправляется через offergen send\n"
        + offer.read_text("utf-8")
        + f"contact: {CONTACT}  # she decides\n",
        "utf-8",
    )
    client = root / "clients" / "acme.yaml"
    client.write_text(
        client.read_text("utf-8")
        + f"contacts:\n  - {{name: {CONTACT}, position: закупки, email: {ADDRESS}}}\n",
        "utf-8",
    )
    repo.commit("Первая версия", "2026-11-28")
    built = run("-C", root, "build", "a-1")
    assert built.exit_code == 0, built.output
    return repo


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, server: tuple[Any, Inbox]) -> Path:
    """An approved offer, committed and built, whose mail: names the test server."""
    root = tmp_path_factory.mktemp("send") / "ws"
    _prepare(root, server[0].port)
    return root


@pytest.fixture
def workspace(
    prepared: Path,
    tmp_path: Path,
    server: tuple[Any, Inbox],
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """A copy of the prepared repository (its out/ too), trusting the test certificate;
    the inbox is emptied and the password set."""
    root = tmp_path / "ws"
    shutil.copytree(prepared, root, symlinks=True)
    assert f"host: {LOOPBACK}" in (root / "offergen.yaml").read_text("utf-8")  # loopback only
    server[1].clear()
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("OFFERGEN_SMTP_PASSWORD", PASSWORD)
    monkeypatch.chdir(root)
    return root


def _inbox(server: tuple[Any, Inbox]) -> Inbox:
    return server[1]


def _parsed(data: bytes) -> EmailMessage:
    message = email.message_from_bytes(data, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- sending --------------------------------------------------------------------------------


def test_the_client_gets_the_letter_and_the_built_pdf(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    offer_file = workspace / "offers" / "a-1.yaml"
    sent = run("send", "a-1")
    assert sent.exit_code == 0, sent.output
    [(sender, recipients, data, tls)] = _inbox(server).messages
    assert (sender, recipients, tls) == ("sales@example.ru", [ADDRESS], True)
    message = _parsed(data)
    # The structure: mixed > (alternative > text, html), then the PDF.
    assert message.get_content_type() == "multipart/mixed"
    alternative, *attached = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert [p.get_content_type() for p in attached] == ["application/pdf"]
    # Cyrillic headers travel RFC 2047-encoded and decode back.
    raw = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "Subject: =?utf-8?" in raw
    assert message["Subject"] == SUBJECT
    assert message["To"].addresses[0].display_name == CONTACT
    assert message["To"].addresses[0].addr_spec == ADDRESS
    assert message["From"].addresses[0].display_name == "ООО «Северный ветер»"
    text = alternative.get_payload()[0].get_content()
    html = alternative.get_payload()[1].get_content()
    for body in (text, html):
        assert "Уважаемая Анна Сергеевна!" in body
        assert "КП-1 Коммерческое предложение.pdf" in body
        assert "Пётр Петров" in body and "p.petrov@example.ru" in body
    # The attachment: its name RFC 2231-encoded, its bytes those of out/.
    built = workspace / "out" / "a-1" / "proposal.pdf"
    data.decode("ascii")  # every header and part encoded: 7-bit on the wire
    assert re.search(rb"filename\*(?:0\*)?=utf-8''%D0%9A%D0%9F-1", data)
    assert attached[0].get_filename() == "КП-1 Коммерческое предложение.pdf"
    assert attached[0].get_content() == built.read_bytes()
    # The record: status sent and the send, with the version's commit and the hashes.
    written = offer_file.read_text("utf-8")
    assert written.startswith("# КП для Акме: отправляется через offergen send\n")
    assert f"contact: {CONTACT}  # she decides" in written
    assert "status: sent\n" in written
    offer = load_workspace(workspace).offer("a-1")
    [record] = offer.sent
    assert record.to == [ADDRESS]
    assert record.message_id == message["Message-ID"]
    assert record.version == 1
    assert record.stamp == _git(workspace, "rev-parse", "HEAD")
    assert record.date.utcoffset() == dt.timedelta(0)
    assert [(a.name, a.sha256) for a in record.attachments] == [
        ("КП-1 Коммерческое предложение.pdf", _sha(built))
    ]
    assert "git commit -m 'КП-1 sent to anna@acme.example.ru' offers/a-1.yaml" in sent.output


def test_a_send_record_is_no_new_version(workspace: Path, server: tuple[Any, Inbox]) -> None:
    assert run("send", "a-1").exit_code == 0
    _repo(workspace).commit("КП-1 sent", "2026-11-29")
    loaded = load_workspace(workspace)
    [revision] = revisions(loaded, _found(workspace)).values()
    assert (revision.version, revision.dirty) == (1, False)
    assert run("check").exit_code == 0


def test_docx_goes_along_when_asked(workspace: Path, server: tuple[Any, Inbox]) -> None:
    sent = run("send", "a-1", "--docx")
    assert sent.exit_code == 0, sent.output
    message = _parsed(_inbox(server).messages[0][2])
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["КП-1 Коммерческое предложение.pdf", "КП-1 Коммерческое предложение.docx"]
    docx = next(p for p in message.iter_attachments() if p.get_filename().endswith(".docx"))
    assert docx.get_content() == (workspace / "out" / "a-1" / "proposal.docx").read_bytes()
    [record] = load_workspace(workspace).offer("a-1").sent
    assert record.attachments[1].sha256 == _sha(workspace / "out" / "a-1" / "proposal.docx")


def test_to_overrides_the_contact(workspace: Path, server: tuple[Any, Inbox]) -> None:
    sent = run("send", "a-1", "--to", "boss@acme.example.ru", "--to", "copy@acme.example.ru")
    assert sent.exit_code == 0, sent.output
    assert _inbox(server).messages[0][1] == ["boss@acme.example.ru", "copy@acme.example.ru"]
    [record] = load_workspace(workspace).offer("a-1").sent
    assert record.to == ["boss@acme.example.ru", "copy@acme.example.ru"]


def test_dry_run_writes_the_message_and_records_nothing(
    workspace: Path, server: tuple[Any, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OFFERGEN_SMTP_PASSWORD")  # a dry run needs no password
    before = (workspace / "offers" / "a-1.yaml").read_bytes()
    dry = run("send", "a-1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    eml = workspace / "out" / "a-1" / "message.eml"
    data = eml.read_bytes()
    assert b"\r\n" in data and re.search(rb"(?<!\r)\n", data) is None  # CRLF, as on the wire
    message = _parsed(data)
    assert message["Subject"] == SUBJECT and message["Message-ID"]
    [attachment] = message.iter_attachments()
    assert attachment.get_content() == (workspace / "out" / "a-1" / "proposal.pdf").read_bytes()
    assert _inbox(server).messages == []
    assert (workspace / "offers" / "a-1.yaml").read_bytes() == before
    assert "nothing sent" in dry.output


# --- refusals: nothing is sent, nothing recorded -----------------------------------------


def _refused(server: tuple[Any, Inbox], root: Path, *args: str) -> str:
    before = (root / "offers" / "a-1.yaml").read_bytes()
    result = run("send", "a-1", *args)
    assert result.exit_code == 1, result.output
    assert _inbox(server).messages == []
    assert (root / "offers" / "a-1.yaml").read_bytes() == before
    assert "Traceback" not in result.output
    return result.output


def _repo(root: Path) -> Repo:
    return Repo(root)  # `git init` again leaves the repository as it is


def _found(root: Path) -> GitRepo:
    found = GitRepo.find(root)
    assert found is not None
    return found


def test_a_draft_is_not_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    repo = _repo(workspace)
    repo.edit("offers/a-1.yaml", "status: approved", "status: review")
    repo.commit("на согласование", "2026-11-29")
    assert run("build", "a-1").exit_code == 0
    assert "a-1: status is review: only an approved offer is sent" in _refused(server, workspace)


def test_an_expired_offer_is_not_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    output = _refused(server, workspace, "--today", "2026-12-29")
    assert "a-1: expired on 2026-12-28: set a new valid_until" in output
    assert run("send", "a-1", "--today", "2026-12-28").exit_code == 0  # its last day


def test_a_second_send_needs_again(workspace: Path, server: tuple[Any, Inbox]) -> None:
    assert run("send", "a-1").exit_code == 0
    server[1].clear()
    output = _refused(server, workspace)
    assert "a-1: already sent (version 1 on " in output and "--again" in output
    # The record changed the offer file: its documents are built again, then it goes again.
    assert "a-1: proposal.pdf is stale" in _refused(server, workspace, "--again")
    assert run("build", "a-1").exit_code == 0
    again = run("send", "a-1", "--again")
    assert again.exit_code == 0, again.output
    assert len(load_workspace(workspace).offer("a-1").sent) == 2


def test_the_same_version_is_not_sent_twice_even_when_approved(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    assert run("send", "a-1").exit_code == 0
    server[1].clear()
    _repo(workspace).edit("offers/a-1.yaml", "status: sent", "status: approved")
    assert run("build", "a-1").exit_code == 0
    assert "a-1: this version was already sent (version 1 on " in _refused(server, workspace)


def test_stale_documents_are_not_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    repo = _repo(workspace)
    repo.edit("offers/a-1.yaml", "qty: 2", "qty: 3")
    repo.commit("три насоса", "2026-11-29")
    output = _refused(server, workspace)
    assert "a-1: proposal.pdf is stale" in output and "offergen build a-1" in output


def test_missing_documents_are_not_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    (workspace / "out" / "a-1" / "proposal.pdf").unlink()
    assert "a-1: proposal.pdf is not built" in _refused(server, workspace)
    shutil.rmtree(workspace / "out")
    assert "a-1: nothing built in" in _refused(server, workspace)


def test_altered_documents_are_not_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    pdf = workspace / "out" / "a-1" / "proposal.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%")
    assert "a-1: proposal.pdf was altered after the build" in _refused(server, workspace)


def test_documents_built_from_uncommitted_inputs_are_not_sent(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    _repo(workspace).edit("offers/a-1.yaml", "qty: 2", "qty: 3")
    assert run("build", "a-1").exit_code == 0
    output = _refused(server, workspace)
    assert "a-1: uncommitted changes to offers/a-1.yaml change what its documents say" in output
    assert "commit them, run `offergen build a-1`, then send" in output


def test_outside_git_nothing_is_sent(workspace: Path, server: tuple[Any, Inbox]) -> None:
    shutil.rmtree(workspace / ".git")
    output = _refused(server, workspace, "--dry-run")
    assert "a-1: the workspace is not in a git repository: a send records the version" in output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--to", "not-an-address"), "--to: 'not-an-address' is not a valid e-mail address"),
        (("--to", "a@b@acme.ru"), "--to: 'a@b@acme.ru' is not a valid e-mail address"),
        (
            ("--to", "anna@acme.ru\r\nBcc: all@rivals.example"),
            "--to: 'anna@acme.ru\\r\\nBcc: all@rivals.example' has a line break",
        ),
    ],
)
def test_bad_addresses_are_refused(
    workspace: Path, server: tuple[Any, Inbox], args: tuple[str, ...], expected: str
) -> None:
    assert expected in _refused(server, workspace, *args)


def test_a_contact_address_that_is_not_valid_is_refused(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    repo = _repo(workspace)
    repo.edit("clients/acme.yaml", f"email: {ADDRESS}", "email: anna at acme")
    repo.commit("адрес", "2026-11-29")
    assert run("build", "a-1").exit_code == 0
    output = _refused(server, workspace)
    assert f"clients/acme.yaml: {CONTACT}: email: 'anna at acme' is not a valid" in output


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "clients/acme.yaml",
            f"{{name: {CONTACT},",
            '{name: "Анна\\nBcc: all@rivals.example",',
            "contacts: name: 'Анна\\nBcc: all@rivals.example' has a line break",
        ),
        (
            "offers/a-1.yaml",
            "number: КП-1",
            'number: "КП-1\\nBcc: all@rivals.example"',
            "the subject (proposal_title, the offer's number and date): ",
        ),
    ],
)
def test_a_line_break_in_a_header_value_is_refused(
    workspace: Path, server: tuple[Any, Inbox], file: str, old: str, new: str, expected: str
) -> None:
    repo = _repo(workspace)
    repo.edit(file, old, new)
    if file.startswith("clients"):
        repo.edit(
            "offers/a-1.yaml", f"contact: {CONTACT}", 'contact: "Анна\\nBcc: all@rivals.example"'
        )
    repo.commit("перенос строки", "2026-11-29")
    built = run("build", "a-1")
    assert built.exit_code == 0, built.output
    output = _refused(server, workspace)
    assert expected in output and "has a line break" in output


def test_a_line_break_in_the_sender_name_is_refused(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    _repo(workspace).edit(
        "offergen.yaml", "name: ООО «Северный ветер»}", 'name: "ООО\\nBcc: x@rivals.example"}'
    )
    assert run("build", "a-1").exit_code == 0  # offergen.yaml is what documents are built from
    output = _refused(server, workspace, "--dry-run")
    assert "mail.from.name: 'ООО\\nBcc: x@rivals.example' has a line break" in output


# --- the server fails: nothing is recorded, and a retry is safe ---------------------------


def test_a_refused_recipient_sends_nothing_and_a_retry_succeeds(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    server[1].refuse.add(ADDRESS)
    output = _refused(server, workspace)
    assert f"refused the recipient {ADDRESS}: 550 5.1.1 no such mailbox" in output
    assert "nothing was recorded; sending again is safe" in output
    server[1].refuse.clear()
    assert run("send", "a-1").exit_code == 0
    assert len(server[1].messages) == 1


def test_a_refused_login_sends_nothing(
    workspace: Path, server: tuple[Any, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OFFERGEN_SMTP_PASSWORD", "wrong")
    output = _refused(server, workspace)
    assert "refused the login of sales: 535" in output


def test_no_password_sends_nothing(
    workspace: Path, server: tuple[Any, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OFFERGEN_SMTP_PASSWORD")
    output = _refused(server, workspace)
    assert "OFFERGEN_SMTP_PASSWORD is not set: the SMTP password of sales" in output


def test_a_server_that_hangs_up_during_data_records_nothing(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    server[1].hang_up = True
    output = _refused(server, workspace)
    assert "nothing was recorded; sending again is safe" in output


def test_a_server_that_is_down_records_nothing(workspace: Path, server: tuple[Any, Inbox]) -> None:
    port = _free_port()  # nothing listens there
    _repo(workspace).edit("offergen.yaml", f"port: {server[0].port}", f"port: {port}")
    assert run("build", "a-1").exit_code == 0  # offergen.yaml is what documents are built from
    output = _refused(server, workspace)
    assert f"cannot reach the SMTP server {LOOPBACK}:{port}: Connection refused" in output
    assert "nothing was recorded; sending again is safe" in output


def test_an_untrusted_certificate_is_refused(
    workspace: Path, server: tuple[Any, Inbox], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other, _ = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    output = _refused(server, workspace)
    assert "the TLS handshake failed" in output


# --- mail: settings ------------------------------------------------------------------------


def test_a_bad_mail_section_blocks_no_build_and_check_warns(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    _repo(workspace).edit("offergen.yaml", "security: starttls", "security: tls\n  password: x")
    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert re.search(
        r"offergen.yaml:\d+:3: warning: mail.password: the password never", checked.output
    )
    assert "warning: mail.security: must be one of 'starttls', 'ssl' or 'none'" in checked.output
    assert run("build", "a-1", "--force").exit_code == 0
    output = _refused(server, workspace)
    assert re.search(r"offergen.yaml:\d+:3: mail.password: the password never goes in", output)


def test_no_mail_section_is_refused(workspace: Path, server: tuple[Any, Inbox]) -> None:
    config = workspace / "offergen.yaml"
    text = config.read_text("utf-8")
    config.write_text(text[: text.index("mail:")] + text[text.index("defaults:") :], "utf-8")
    assert run("build", "a-1").exit_code == 0
    assert "mail: no mail: settings" in _refused(server, workspace, "--dry-run")


def test_ssl_from_the_first_byte(
    workspace: Path, server: tuple[Any, Inbox], certificate: tuple[Path, Path]
) -> None:
    """security: ssl speaks TLS from the start (SMTPS), on a server that does."""
    inbox = Inbox()
    smtps = _smtp_server(inbox, certificate, "ssl_context")
    smtps.start()
    try:
        repo = _repo(workspace)
        repo.edit("offergen.yaml", f"port: {server[0].port}", f"port: {smtps.port}")
        repo.edit("offergen.yaml", "security: starttls", "security: ssl")
        assert run("build", "a-1").exit_code == 0
        sent = run("send", "a-1")
    finally:
        smtps.stop()
    assert sent.exit_code == 0, sent.output
    [(_, recipients, data, tls)] = inbox.messages
    assert (recipients, tls) == ([ADDRESS], True)
    assert _parsed(data)["Subject"] == SUBJECT


def test_an_english_letter_escapes_what_it_is_given(
    workspace: Path, server: tuple[Any, Inbox]
) -> None:
    """The offer's language picks the letter; a name is text in HTML, never markup nor a
    template."""
    repo = _repo(workspace)
    name = "Anna <b>{{ 7 * 7 }}</b> Smith"
    repo.edit("offers/a-1.yaml", f"contact: {CONTACT}", f'contact: "{name}"\nlocale: en')
    repo.edit("clients/acme.yaml", f"{{name: {CONTACT},", f'{{name: "{name}",')
    repo.commit("in English", "2026-11-29")
    assert run("build", "a-1").exit_code == 0
    dry = run("send", "a-1", "--dry-run")
    assert dry.exit_code == 0, dry.output
    message = _parsed((workspace / "out" / "a-1" / "message.eml").read_bytes())
    assert message["Subject"] == "Commercial proposal No. КП-1 dated November 28, 2026"
    assert message["To"].addresses[0].display_name == name
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"Dear {name}," in text and "Kind regards," in text
    assert "Dear Anna &lt;b&gt;{{ 7 * 7 }}&lt;/b&gt; Smith," in html
    assert "<b>" not in html and "49" not in text + html
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "КП-1 Commercial proposal.pdf"


def test_a_send_record_that_is_not_one_is_located(workspace: Path) -> None:
    offer = workspace / "offers" / "a-1.yaml"
    offer.write_text(
        offer.read_text("utf-8")
        + "sent:\n  - {date: 2026-12-01, to: [], message_id: <x@y>, version: 1, stamp: abc}\n",
        "utf-8",
    )
    checked = run("check")
    assert checked.exit_code == 1
    assert "sent[0].date: must be a date and time like 2026-12-01T09:30:00+00:00" in (
        checked.output
    )
    assert "sent[0].to: must not be empty" in checked.output


# --- the record's edit of the offer file ------------------------------------------------------

ENTRY = {
    "date": "2026-12-01T09:30:00+00:00",
    "to": ["anna@acme.example.ru"],
    "message_id": "<1.2@example.ru>",
    "version": 2,
    "stamp": "a" * 40,
    "attachments": [{"name": "КП-1 Коммерческое предложение.pdf", "sha256": "b" * 64}],
}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # no status yet: it goes after the date; the comment at the end stays last
            "number: КП-1  # ours\ndate: 2026-11-28\nitems: []\n# the end\n",
            "number: КП-1  # ours\ndate: 2026-11-28\nstatus: sent\nitems: []\n# the end\n",
        ),
        (  # a quoted status with a comment: only the word changes
            'date: 2026-11-28\nstatus: "approved"  # by legal\n',
            "date: 2026-11-28\nstatus: sent  # by legal\n",
        ),
    ],
)
def test_the_status_is_set_in_place(before: str, after: str) -> None:
    from offergen.negotiate.yaml_edit import set_top_level

    assert set_top_level(before, "status", "sent", after="date", name="a-1.yaml") == after


def test_send_entries_are_appended_in_block_style() -> None:
    from offergen.negotiate.yaml_edit import append_top_level

    text = "number: КП-1  # ours\nstatus: sent\n"
    once = append_top_level(text, "sent", ENTRY, name="a-1.yaml")
    twice = append_top_level(once, "sent", ENTRY, name="a-1.yaml")
    entry = (
        "  - date: '2026-12-01T09:30:00+00:00'\n"
        "    to: [anna@acme.example.ru]\n"
        "    message_id: <1.2@example.ru>\n"
        "    version: 2\n"
        f"    stamp: {'a' * 40}\n"
        "    attachments:\n"
        "      - name: КП-1 Коммерческое предложение.pdf\n"
        f"        sha256: {'b' * 64}\n"
    )
    assert once == text + "sent:\n" + entry
    assert twice == text + "sent:\n" + entry + entry


def test_a_flow_list_of_sends_is_rewritten_with_its_comments() -> None:
    from offergen.negotiate.yaml_edit import append_top_level

    text = "number: КП-1  # ours\nsent: []\n"
    written = append_top_level(text, "sent", ENTRY, name="a-1.yaml")
    assert written.startswith("number: КП-1  # ours\nsent:")
    assert "message_id: <1.2@example.ru>" in written
