"""Without OSTICKET_MAIL_URL the bridge sends through osTicket's own SMTP account, whose password osTicket stores
encrypted with SECRET_SALT. The vectors were produced by osTicket 1.18.1's own Crypto::encrypt (peer kit)."""

import hashlib
import json
import pathlib

import pytest
from click.testing import CliRunner
from delivery_helpers import MAIL, queue, rows, wait_until
from sqlalchemy import create_engine, text

from osticket_bridge.cli import main
from osticket_bridge.mail import crypto
from osticket_bridge.mail.osticket_smtp import connection
from osticket_bridge.mail.sink import Sink

VECTORS = json.loads((pathlib.Path(__file__).parent / "data" / "osticket_crypto_vectors.json").read_text())


def subkey(vector):
    # EmailAccount passes md5(username . namespace) as Crypto's subkey.
    return hashlib.md5((vector["username"] + vector["namespace"]).encode(), usedforsecurity=False).hexdigest()


@pytest.mark.parametrize("vector", VECTORS, ids=[v["library"] for v in VECTORS])
def test_decrypts_what_osticket_encrypted(vector):
    assert crypto.decrypt(vector["stored"], vector["secret_salt"], subkey(vector)) == vector["password"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["library"] for v in VECTORS])
def test_a_wrong_salt_or_subkey_does_not_decrypt(vector):
    with pytest.raises(crypto.CannotDecrypt):
        crypto.decrypt(vector["stored"], vector["secret_salt"][::-1], subkey(vector))
    with pytest.raises(crypto.CannotDecrypt):
        crypto.decrypt(vector["stored"], vector["secret_salt"], subkey({**vector, "username": "someone@else"}))


def add_smtp_account(db_url, port, vector, make_default=True):
    """osTicket's rows for an active SMTP account (id 3) of alerts@example.com (email 2) with basic auth."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ost_email_account (id, email_id, type, auth_bk, active, host, port, protocol, "
                "encryption, allow_spoofing, created, updated) "
                "VALUES (3, 2, 'smtp', 'basic', 1, '127.0.0.1', :port, 'SMTP', 'NONE', 0, NOW(), NOW())"
            ),
            {"port": port},
        )
        conn.execute(
            text(
                "INSERT INTO ost_config (namespace, `key`, value, updated) "
                "VALUES (:ns, 'username', :u, NOW()), (:ns, 'passwd', :p, NOW())"
            ),
            {"ns": vector["namespace"], "u": vector["username"], "p": vector["stored"]},
        )
        if make_default:
            conn.execute(
                text("UPDATE ost_config SET value = '3' WHERE namespace = 'core' AND `key` = 'default_smtp_id'")
            )
    engine.dispose()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the sink on 127.0.0.1
def test_sends_through_osticket_default_mta_with_the_decrypted_password(fresh_app, fresh_real_baseline_db):
    # ost_email_account is not in schema_fixtures/: the real install only.
    fresh_baseline_db = fresh_real_baseline_db
    vector = VECTORS[0]
    with Sink(login=(vector["username"], vector["password"])) as sink:
        add_smtp_account(fresh_baseline_db, sink.port, vector)
        app = fresh_app(fresh_baseline_db, OSTICKET_MAIL_URL="", OSTICKET_SECRET_SALT=vector["secret_salt"])
        queue(app, [MAIL])  # from support@example.com, which has no SMTP account of its own
        [caught] = sink.wait_for(1)
        wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")
    assert caught.login == vector["username"]
    # The account may not spoof: osTicket then sends as the account's address and says so in Sender.
    assert caught.sender == "alerts@example.com"
    assert caught.message["Sender"] == "alerts@example.com"
    assert caught.message["From"].addresses[0].addr_spec == "support@example.com"


@pytest.mark.parametrize(
    ("salt", "expected"),
    [
        (None, "mail: delivering through osTicket's own SMTP accounts"),
        ("", "set OSTICKET_SECRET_SALT"),
        ("not-the-salt", "cannot decrypt its password"),
    ],
)
def test_check_says_whether_osticket_account_can_be_used(fresh_real_baseline_db, salt, expected):
    # ost_email_account is not in schema_fixtures/: the real install only.
    fresh_baseline_db = fresh_real_baseline_db
    vector = VECTORS[0]
    add_smtp_account(fresh_baseline_db, 25, vector)
    env = {"OSTICKET_MAIL_URL": "", "OSTICKET_SECRET_SALT": vector["secret_salt"] if salt is None else salt}
    result = CliRunner().invoke(main, ["check", "--url", fresh_baseline_db], env=env)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("mail:")]
    assert expected in line
    assert (salt is None) == line.startswith("mail: delivering")


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        ("smtp.example.com", 465, ("smtp.example.com", "tls")),
        ("smtp.example.com", 587, ("smtp.example.com", "starttls")),
        ("smtp.example.com", 25, ("smtp.example.com", "none")),
        ("ssl://smtp.example.com", 2465, ("smtp.example.com", "tls")),
        ("tls://smtp.example.com", 2587, ("smtp.example.com", "starttls")),
        ("plain://smtp.example.com", 465, ("smtp.example.com", "none")),
    ],
)
def test_connection_security_is_read_as_osticket_reads_it(host, port, expected):
    assert connection(host, port) == expected


# osTicket 1.10.4's own Crypto::encrypt(passwd, SECRET_SALT, userid), as Email::save stores ost_email.userpass (the
# same scheme as 1.18's, with the email's login as subkey). Produced with the peer-1.10.4 kit.
VECTORS_110 = json.loads((pathlib.Path(__file__).parent / "data" / "osticket_110_crypto_vectors.json").read_text())


@pytest.mark.parametrize("vector", VECTORS_110, ids=[v["library"] for v in VECTORS_110])
def test_decrypts_what_osticket_110_encrypted(vector):
    assert crypto.decrypt(vector["stored"], vector["secret_salt"], vector["userid"]) == vector["password"]
    with pytest.raises(crypto.CannotDecrypt):
        crypto.decrypt(vector["stored"], vector["secret_salt"], "someone@else")


def set_email_smtp(db_url, port, vector, spoofing=0):
    """osTicket 1.10's rows for SMTP on email 1 (support@example.com): ost_email's smtp_* columns, made default."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE ost_email SET smtp_active = 1, smtp_host = '127.0.0.1', smtp_port = :port, smtp_auth = 1, "
                "smtp_spoofing = :spoofing, userid = :u, userpass = :p WHERE email_id = 1"
            ),
            {"port": port, "spoofing": spoofing, "u": vector["userid"], "p": vector["stored"]},
        )
        conn.execute(text("UPDATE ost_config SET value = '1' WHERE namespace = 'core' AND `key` = 'default_smtp_id'"))
    engine.dispose()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the sink on 127.0.0.1
def test_osticket_110_sends_through_the_smtp_settings_of_its_email(fresh_app, fresh_baseline_110_db):
    vector = VECTORS_110[0]
    with Sink(login=(vector["userid"], vector["password"])) as sink:
        set_email_smtp(fresh_baseline_110_db, sink.port, vector)
        app = fresh_app(fresh_baseline_110_db, OSTICKET_MAIL_URL="", OSTICKET_SECRET_SALT=vector["secret_salt"])
        queue(app, [MAIL])  # from support@example.com: its own SMTP settings
        [caught] = sink.wait_for(1)
        wait_until(lambda: rows(app)[0]["status"] == "sent", "the row is marked sent")
    assert caught.login == vector["userid"]
    assert caught.sender == "support@example.com"
    assert caught.message["From"].addresses[0].addr_spec == "support@example.com"


@pytest.mark.parametrize(
    ("salt", "expected"),
    [
        (None, "mail: delivering through osTicket's own SMTP accounts"),
        ("", "set OSTICKET_SECRET_SALT"),
        ("not-the-salt", "cannot decrypt its password"),
    ],
)
def test_check_says_whether_osticket_110_smtp_can_be_used(fresh_baseline_110_db, salt, expected):
    vector = VECTORS_110[0]
    set_email_smtp(fresh_baseline_110_db, 25, vector)
    env = {"OSTICKET_MAIL_URL": "", "OSTICKET_SECRET_SALT": vector["secret_salt"] if salt is None else salt}
    result = CliRunner().invoke(main, ["check", "--url", fresh_baseline_110_db], env=env)
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("mail:")]
    assert expected in line
