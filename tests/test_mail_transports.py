"""Each OSTICKET_MAIL_URL form against a real server: STARTTLS and implicit TLS with a login, and sendmail."""

import datetime
import email
import ipaddress
import ssl
import stat
from email.policy import default

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from delivery_helpers import MAIL, numbered, queue, rows, wait_until

from osticket_bridge.mail import transports
from osticket_bridge.mail.sink import Sink

LOGIN = ("bot@example.com", "pässword with: @ and /")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert file, server context)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return cert_file, context


def test_url_forms():
    assert transports.from_url("smtp://mail.example.com") == transports.Smtp("mail.example.com", 25)
    assert transports.from_url("smtps://u%40x:p%2Fw@h:4650") == transports.Smtp("h", 4650, "tls", "u@x", "p/w")
    assert transports.from_url("smtp+starttls://h") == transports.Smtp("h", 587, "starttls")
    assert transports.from_url("sendmail:///usr/sbin/sendmail") == transports.Sendmail("/usr/sbin/sendmail")
    for bad in ("http://h", "smtp://", "sendmail://"):
        with pytest.raises(ValueError):
            transports.from_url(bad)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd's view of implicit TLS
@pytest.mark.parametrize("implicit_tls", [False, True], ids=["smtp+starttls", "smtps"])
def test_tls_with_a_login(fresh_app, fresh_fixtures_db, certificate, monkeypatch, implicit_tls):
    cert_file, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))  # the client trusts this certificate, and only it
    with Sink(login=LOGIN, tls_context=context, implicit_tls=implicit_tls) as sink:
        app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
        queue(app, [MAIL])
        [caught] = sink.wait_for(1)
    assert caught.login == LOGIN[0] and caught.message["Subject"] == MAIL.subject


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_one_drain_of_the_outbox_sends_its_mails_on_one_connection(
    fresh_app, fresh_fixtures_db, certificate, monkeypatch
):
    """One TLS handshake and login for the mails due together; the drain ends with QUIT, the next one reconnects."""
    cert_file, context = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    with Sink(login=LOGIN, tls_context=context) as sink:
        app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
        queue(app, numbered(3))
        first = sink.wait_for(3)
        queue(app, [MAIL])
        later = sink.wait_for(4)[3]
    assert sorted(c.message["Subject"] for c in first) == ["mail 0", "mail 1", "mail 2"]
    assert [c.connection for c in first] == [1, 1, 1] and all(c.login == LOGIN[0] for c in first)
    assert later.connection == 2
    wait_until(lambda: {r["status"] for r in rows(app)} == {"sent"}, "every row is marked sent")


def test_a_kept_connection_the_server_dropped_is_replaced_unseen():
    with Sink() as sink:
        smtp = transports.from_url(sink.url)
        with transports.connections_kept():
            smtp.send("a@example.com", ["b@example.com"], b"Subject: one\r\n\r\nFirst.\r\n")
            sink.stop()  # the kept connection dies with the server
            sink.start()
            smtp.send("a@example.com", ["b@example.com"], b"Subject: two\r\n\r\nSecond.\r\n")
        caught = sink.wait_for(2)
    assert [(c.message["Subject"], c.connection) for c in caught] == [("one", 1), ("two", 2)]


def test_tls_checks_the_servers_certificate(fresh_app, fresh_fixtures_db, certificate):
    _, context = certificate  # not trusted by the client
    with Sink(tls_context=context) as sink:
        app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=sink.url)
        queue(app, [MAIL])
        wait_until(lambda: rows(app)[0]["attempts"] >= 1, "an attempt was made")
    assert "CERTIFICATE_VERIFY_FAILED" in rows(app)[0]["last_error"] and sink.caught == []


def fake_sendmail(tmp_path, exit_code=0):
    script = tmp_path / "sendmail"
    script.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\ncat > "{tmp_path}/mail.eml"\nexit {exit_code}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_sendmail_gets_the_envelope_and_the_message(fresh_app, fresh_fixtures_db, tmp_path):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=f"sendmail://{fake_sendmail(tmp_path)}")
    queue(app, [MAIL])
    wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")
    assert (tmp_path / "args").read_text() == "-i -f support@example.com -- carol@example.com\n"
    message = (tmp_path / "mail.eml").read_bytes()
    assert b"\r\n" not in message  # sendmail takes the system's line ends
    parsed = email.message_from_bytes(message, policy=default)
    assert (parsed["Message-ID"], parsed["Subject"]) == (rows(app)[0]["message_id"], MAIL.subject)
    assert parsed.get_body(("plain",)).get_content().rstrip() == MAIL.text


def test_a_failing_sendmail_is_retried(fresh_app, fresh_fixtures_db, tmp_path):
    app = fresh_app(fresh_fixtures_db, OSTICKET_MAIL_URL=f"sendmail://{fake_sendmail(tmp_path, exit_code=75)}")
    queue(app, [MAIL])
    wait_until(lambda: rows(app)[0]["attempts"] >= 1, "an attempt was made")
    [row] = rows(app)
    assert row["status"] == "queued" and "exited 75" in row["last_error"]
