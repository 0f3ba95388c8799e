"""Hostile input: XSS payloads come back neutralised; SQL-injection strings in any parameter change nothing."""

import re

import pytest
from golden import snapshot, table_diff
from security_helpers import AGENT, OTHER_TICKET, OTHER_USER, REF_KEY, SECRET, USER, USER_TICKET, bearer, mint

KEY = {"X-API-Key": REF_KEY}
XSS = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '"><script>alert(document.cookie)</script>',
    '<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">hover</p>',
    "<object data=x></object><embed src=x>",
)
ACTIVE_MARKUP = (
    re.compile(r"<\s*/?\s*(script|iframe|svg|object|embed|style)\b", re.I),  # dangerous elements
    re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),  # event-handler attributes
    re.compile(r"<[^>]*javascript:", re.I),  # script URLs inside a tag
)
SQLI = (
    "' OR '1'='1",
    "1 OR 1=1",
    "1; DROP TABLE ost_ticket; --",
    "' UNION SELECT passwd, 1 FROM ost_user_account -- ",
    '" OR ""="',
    "\\' OR 1=1 #",
    "%' OR 1=1 -- ",
)


@pytest.fixture
def app(fresh_app, fresh_reference_db):
    return fresh_app(fresh_reference_db, OSTICKET_TOKEN_SECRET=SECRET)


def assert_neutralised(text, where):
    for pattern in ACTIVE_MARKUP:
        assert not pattern.search(text), (where, pattern.pattern, text)


def test_xss_in_a_message_comes_back_neutralised(app):
    client = app.test_client()
    token = bearer(mint(client, user_id=USER["id"]))
    for payload in XSS:
        response = client.put(f"/api/tickets.json/{USER_TICKET}", json={"message": f"Hi {payload} bye"}, headers=token)
        assert response.status_code == 200, (payload, response.get_json())
        last = response.get_json()["threads"][-1]
        assert "Hi" in last["body"] and "bye" in last["body"], payload
        assert_neutralised(response.get_data(as_text=True), payload)


def test_xss_in_an_agent_reply_comes_back_neutralised(app):
    client = app.test_client()
    for payload in XSS:
        reply = {"ticketNumber": USER_TICKET, "staffUserName": AGENT, "response": f"Reply {payload}"}
        response = client.post("/api/scp/tickets/reply.json", json=reply, headers=KEY)
        assert response.status_code == 200, (payload, response.get_json())
    staff = client.get("/api/scp/tickets/ticketInfo.json", query_string={"ticketNumber": USER_TICKET}, headers=KEY)
    public = client.get(f"/api/tickets.json/{USER_TICKET}", query_string={"user_id": USER["id"]}, headers=KEY)
    for response in (staff, public):
        assert response.status_code == 200
        assert_neutralised(response.get_data(as_text=True), response.request.path)


def _refused_without_change(client, db_url, requests):
    before = snapshot(db_url)
    for method, path, kwargs in requests:
        response = client.open(path, method=method, **kwargs)
        where = f"{method} {path} {kwargs}"
        assert 400 <= response.status_code < 500, (where, response.status_code)
        assert response.get_json()["code"] == response.status_code, where
    assert table_diff(before, snapshot(db_url)) == {}


def test_sql_injection_in_read_parameters_changes_and_reveals_nothing(app, fresh_reference_db):
    client = app.test_client()
    requests = []
    for s in SQLI:
        for params in ({"user_id": s}, {"email": s}):
            requests.append(("GET", "/api/tickets.json", {"headers": KEY, "query_string": params}))
        for params in ({"status": s}, {"updated_since": s}, {"limit": s}, {"offset": s}):
            query = {"user_id": USER["id"], **params}
            requests.append(("GET", "/api/tickets.json", {"headers": KEY, "query_string": query}))
            requests.append(("GET", "/api/scp/tickets.json", {"headers": KEY, "query_string": params}))
        for path in (f"/api/tickets.json/{s}", f"/api/tickets/{s}"):
            requests.append(("GET", path, {"headers": KEY}))
        for params in ({"user_id": s}, {"email": s}):
            requests.append(("GET", f"/api/tickets.json/{OTHER_TICKET}", {"headers": KEY, "query_string": params}))
        requests.append(
            ("GET", "/api/scp/tickets/ticketInfo.json", {"headers": KEY, "query_string": {"ticketNumber": s}})
        )
        requests.append(
            ("GET", "/api/scp/tickets/staffTickets.json", {"headers": KEY, "query_string": {"staffUserName": s}})
        )
        requests.append(
            ("GET", "/api/scp/tickets/clientTickets.json", {"headers": KEY, "query_string": {"clientUserMail": s}})
        )
        requests.append(("GET", "/api/topics.json", {"headers": {"X-API-Key": s}}))
    _refused_without_change(client, fresh_reference_db, requests)


def test_sql_injection_in_write_and_auth_parameters_changes_nothing(app, fresh_reference_db):
    client = app.test_client()
    token = bearer(mint(client, user_id=USER["id"]))
    requests = []
    for i, s in enumerate(SQLI):
        # Sign-in and guest attempts from their own address each, so the limiter lets them all reach the code.
        peer = {"REMOTE_ADDR": f"192.0.2.{i + 1}"}
        for method in ("PUT", "DELETE", "POST"):
            body = {"message": "hello"} if method == "PUT" else {}
            location = "query_string" if method == "DELETE" else "json"
            requests.append((method, f"/api/tickets.json/{s}", {"headers": token, location: body}))
            for params in ({"user_id": s}, {"email": s}):
                requests.append(
                    (method, f"/api/tickets.json/{OTHER_TICKET}", {"headers": KEY, location: {**body, **params}})
                )
        requests.append(
            ("DELETE", f"/api/tickets.json/{USER_TICKET}", {"headers": token, "query_string": {"statusId": s}})
        )
        reply = {"ticketNumber": USER_TICKET, "staffUserName": AGENT, "response": "ok"}
        for name in ("ticketNumber", "staffUserName", "reply_status_id", "reply_to"):
            requests.append(("POST", "/api/scp/tickets/reply.json", {"headers": KEY, "json": {**reply, name: s}}))
        for params in ({"email": s}, {"user_id": s}):
            requests.append(("POST", "/api/auth/token", {"headers": KEY, "json": params}))
        for params in ({"username": s, "password": "x"}, {"username": USER["username"], "password": s}):
            requests.append(("POST", "/api/auth/login", {"json": params, "environ_base": peer}))
        for params in ({"ticket_number": s, "email": OTHER_USER["email"]}, {"ticket_number": OTHER_TICKET, "email": s}):
            requests.append(("POST", "/api/auth/guest", {"json": params, "environ_base": peer}))
    _refused_without_change(client, fresh_reference_db, requests)


def test_sql_injection_in_free_text_is_stored_as_text(app):
    client = app.test_client()
    token = bearer(mint(client, user_id=USER["id"]))
    count = client.get("/api/scp/tickets.json", headers=KEY).headers["X-Total-Count"]
    for payload in SQLI:
        response = client.put(f"/api/tickets.json/{USER_TICKET}", json={"message": payload}, headers=token)
        assert response.status_code == 200, payload
        stored = response.get_json()["threads"][-1]["body"]
        assert "OR" in stored or "DROP" in stored or "UNION" in stored, (payload, stored)
    assert client.get("/api/scp/tickets.json", headers=KEY).headers["X-Total-Count"] == count


def test_xss_in_subject_message_and_names_of_a_new_ticket_comes_back_neutralised(app):
    client = app.test_client()
    for i, payload in enumerate(XSS):
        for message, fmt in ((f"<p>Hello</p>{payload}", "html"), (f"data:text/html,<p>Hi</p>{payload}", "text")):
            new = {
                "email": f"visitor{i}.{fmt}@example.com",
                "name": f"Eve {payload} Visitor",
                "subject": f"Help {payload}",
                "message": message,
                "format": fmt,
            }
            response = client.post("/api/tickets.json", json=new, headers=KEY)
            assert response.status_code == 201, (payload, response.get_json())
            number = response.get_json()["ticket_number"]
            staff = client.get("/api/scp/tickets/ticketInfo.json", query_string={"ticketNumber": number}, headers=KEY)
            for answer in (response, staff):
                assert_neutralised(answer.get_data(as_text=True), (payload, fmt))
            ticket = response.get_json()
            assert ticket["subject"].startswith("Help") and "<" not in ticket["subject"], ticket["subject"]
            assert "<" not in ticket["user"]["fullname"], ticket["user"]["fullname"]


def test_sql_injection_in_create_parameters_changes_nothing(app, fresh_reference_db):
    client = app.test_client()
    token = bearer(mint(client, user_id=USER["id"]))
    ticket = {"user_id": USER["id"], "subject": "Subject", "message": "Message"}
    user = {"email": "new.user@example.com", "name": "New User", "password": "secret-123"}
    topic = {"topic": "A new topic"}
    requests = []
    for s in SQLI:
        for name in ("user_id", "topicId", "priorityId", "priority", "ip", "format"):
            requests.append(("POST", "/api/tickets.json", {"headers": KEY, "json": {**ticket, name: s}}))
        by_email = {"subject": "Subject", "message": "Message", "email": s}
        requests.append(("POST", "/api/tickets.json", {"headers": KEY, "json": by_email}))
        for name in ("user_id", "email"):
            requests.append(("POST", "/api/tickets.json", {"headers": token, "json": {**ticket, name: s}}))
        for name in ("email", "timezone"):
            requests.append(("POST", "/api/scp/users.json", {"headers": KEY, "json": {**user, name: s}}))
        for name in ("topic_pid", "dept_id", "priority_id", "sla_id", "status_id", "staff_id", "team_id", "active"):
            requests.append(("POST", "/api/topics.json", {"headers": KEY, "json": {**topic, name: s}}))
    _refused_without_change(client, fresh_reference_db, requests)


def test_sql_injection_in_free_text_of_a_new_ticket_is_stored_as_text(app):
    client = app.test_client()
    count = int(client.get("/api/scp/tickets.json", headers=KEY).headers["X-Total-Count"])
    for payload in SQLI:
        new = {"email": OTHER_USER["email"], "subject": payload, "message": payload, "phone": payload}
        response = client.post("/api/tickets.json", json=new, headers=KEY)
        assert response.status_code == 201, (payload, response.get_json())
        assert response.get_json()["subject"] == payload.strip()
    assert int(client.get("/api/scp/tickets.json", headers=KEY).headers["X-Total-Count"]) == count + len(SQLI)
