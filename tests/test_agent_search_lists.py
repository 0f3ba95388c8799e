"""The staff search and the reference lists on osTicket 1.18.1's and 1.10.4's desks (update_helpers.on_desk: the real
installs with ../shared; without it 1.18.1's is our own recording of the golden run on the demo data), on data whose
answers are known: the owner's ticket A (open, claimed by agent 2, a note "walrus") and Dave's ticket B (closed, a
note "zeppelin"), B created after A."""

import pytest
import update_helpers
from update_helpers import execute, replay

on_desk = update_helpers.on_desk  # fixture

# Agent 2 of each desk, as the staff list names her.
AGENT_2 = {
    "alice": {"name": "Alice Agent", "email": "alice.agent@example.com"},
    "dana": {"name": "Dana Whitfield", "email": "dana.whitfield@example.com"},
}


@pytest.fixture
def desk_client(fresh_app, on_desk):
    desk, db_url = on_desk
    replay(db_url, *desk.history_a[:2], *desk.history_b[:2], desk=desk)
    # Tickets A and B only: a fresh install holds no other; the demo data's own five tickets go.
    execute(db_url, "DELETE FROM ost_ticket WHERE number NOT IN (:a, :b)", a=desk.ticket_a, b=desk.ticket_b)
    client = fresh_app(db_url).test_client()
    for number, word in ((desk.ticket_a, "walrus"), (desk.ticket_b, "zeppelin")):
        body = {"ticketNumber": number, "staffUserName": desk.agent, "title": "Call", "note": f"The {word} called."}
        assert client.post("/api/scp/tickets/note.json", headers=desk.key, json=body).status_code == 200
    body = {"ticketNumber": desk.ticket_a, "staffUserName": desk.agent, "assignee": "s2"}
    assert client.post("/api/scp/tickets/assign.json", headers=desk.key, json=body).status_code == 200
    return desk, client


def found(desk, client, **query):
    response = client.get("/api/scp/tickets/search.json", headers=desk.key, query_string=query)
    assert response.status_code == 200, response.get_json()
    numbers = [dict(pairs)["number"] for pairs in response.get_json()]
    names = {desk.ticket_a: "A", desk.ticket_b: "B"}
    return [names[n] for n in numbers]


# (query, the tickets it finds, newest first): every filter, words of notes, boolean mode
SEARCHES = [
    ({}, ["B", "A"]),  # newest first
    ({"q": "walrus"}, ["A"]),  # an internal note's words: agents search notes too
    ({"q": "zeppelin"}, ["B"]),
    ({"q": "walrus zeppelin"}, ["B", "A"]),  # natural language: any word
    ({"q": "+walrus +zeppelin"}, []),  # boolean mode when the query uses its operators
    ({"q": "+walrus -zeppelin"}, ["A"]),
    ({"q": "invoice"}, ["A"]),  # the subject and the first message
    ({"q": "nothing-like-this"}, []),
    ({"status": "open"}, ["A"]),
    ({"status": "closed"}, ["B"]),
    ({"deptId": 4}, ["B", "A"]),
    ({"deptId": 1}, []),
    ({"topicId": 12}, ["A"]),
    ({"topicId": 13}, ["B"]),
    ({"teamId": 1}, []),
    ({"email": "dave.newuser@example.com", "status": "open"}, []),
    ({"updatedSince": "2999-01-01"}, []),
    ({"q": "zeppelin", "deptId": 4, "status": "closed"}, ["B"]),
]


def test_search_finds_what_the_staff_search_finds(desk_client):
    desk, client = desk_client
    searches = [
        *SEARCHES,
        ({"q": desk.ticket_a[:4]}, ["A"]),  # a number prefix
        ({"q": desk.ticket_b[:2]}, ["B"]),  # too short for words: a number prefix only
        ({"status": 1}, ["A"]),  # Open, by id
        ({"status": 3}, ["B"]),  # Closed
        ({"staffUserName": desk.agent}, ["A"]),
        ({"email": desk.owner["email"]}, ["A"]),
    ]
    got = {repr(query): found(desk, client, **query) for query, _ in searches}
    assert got == {repr(query): expected for query, expected in searches}
    # Paging: newest first, the total and the links of the same search
    first = client.get("/api/scp/tickets/search.json", headers=desk.key, query_string={"limit": 1})
    assert [dict(p)["number"] for p in first.get_json()] == [desk.ticket_b]
    assert first.headers["X-Total-Count"] == "2"
    assert "page=2" in first.headers["Link"] and 'rel="next"' in first.headers["Link"]
    second = client.get("/api/scp/tickets/search.json", headers=desk.key, query_string={"limit": 1, "page": 2})
    assert [dict(p)["number"] for p in second.get_json()] == [desk.ticket_a]
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]
    # Refusals: unknown names 404, bad parameters 422, no key 401
    for query, status in [({"staffUserName": "nobody"}, 404), ({"email": "nobody@example.com"}, 404),
                          ({"status": "lost"}, 422), ({"page": 0}, 422), ({"limit": 501}, 422)]:  # fmt: skip
        response = client.get("/api/scp/tickets/search.json", headers=desk.key, query_string=query)
        assert response.status_code == status, query
        assert set(response.get_json()) >= {"code", "status", "message"}
    assert client.get("/api/scp/tickets/search.json", query_string={"q": "walrus"}).status_code == 401


def test_reference_lists_name_the_ids_the_agent_routes_take(fresh_app, on_desk):
    desk, db_url = on_desk
    # Agent 2 in Level I Support (the demo data has her there; the real installs have the team empty).
    execute(db_url, "REPLACE INTO ost_team_member (team_id, staff_id, flags) VALUES (1, 2, 1)")
    client = fresh_app(db_url).test_client()

    def listed(name):
        response = client.get(f"/api/scp/{name}.json", headers=desk.key)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    assert {d["id"]: d["name"] for d in listed("departments")} == {1: "Support", 2: "Sales", 3: "Maintenance",
                                                                   4: "Billing"}  # fmt: skip
    agent = next(s for s in listed("staff") if s["username"] == desk.agent)
    assert agent == {"id": 2, "assignee": "s2", "username": desk.agent, **AGENT_2[desk.agent], "deptId": 1,
                     "active": True, "onVacation": False}  # fmt: skip
    assert listed("teams") == [{"id": 1, "assignee": "t1", "name": "Level I Support", "active": True, "members": [2]}]
    assert [(p["id"], p["name"]) for p in listed("priorities")] == [(4, "Emergency"), (3, "High"), (2, "Normal"),
                                                                   (1, "Low")]  # fmt: skip
    statuses = {s["name"]: s["state"] for s in listed("statuses")}
    assert statuses["Open"] == "open" and statuses["Resolved"] == "closed" and statuses["Closed"] == "closed"
    assert [s["name"] for s in listed("slas")][:1] == ["Default SLA"]
    assert client.get("/api/scp/staff.json").status_code == 401
