"""The read routes send the domain's ticket objects as they are: they must be exactly what the schemas would dump.

The schemas document the answers (OpenAPI) and the write routes still dump through them; the read routes skip
marshmallow for speed (``as_dumped`` only adds the attachments' links). Every ticket of the real osTicket samples
(1.18.1's, one with an attachment, and 1.10.4's) and of the demo data, in the client's and the agent's view, alone
and in lists, must give the same bytes both ways.
"""

import pytest
from flask import jsonify
from sqlalchemy import select

from osticket_bridge.api.public.tickets import as_dumped
from osticket_bridge.api.schemas import StaffTicketSchema, TicketSchema
from osticket_bridge.osticket.people.users import find_user
from osticket_bridge.osticket.tickets.reads import Page, client_tickets, ticket_object, user_tickets


def _same_bytes(app, objects, schema):
    with app.test_request_context():  # attachment links name the request's host
        dumped = jsonify(schema.dump(objects)).get_data()
        direct = jsonify(as_dumped(objects) if schema.many else as_dumped([objects])[0]).get_data()
    assert direct == dumped


@pytest.fixture(params=["reference", "fixtures", "reference_110"])
def app(request):
    return request.getfixturevalue(f"{request.param}_app")


def test_every_ticket_alone_is_what_the_schema_dumps(app):
    db = app.extensions["osticket"]
    with db.engine.connect() as conn:
        numbers = conn.execute(select(db.tables.ticket.c.number)).scalars().all()
        assert numbers
        for number in numbers:
            public = ticket_object(db, conn, number, staff_view=False)
            staff = ticket_object(db, conn, number, staff_view=True)
            _same_bytes(app, public, TicketSchema())
            _same_bytes(app, staff, StaffTicketSchema())


def test_every_users_list_is_what_the_schema_dumps(app):
    db = app.extensions["osticket"]
    listed = 0
    with db.engine.connect() as conn:
        for user_id in conn.execute(select(db.tables.user.c.id)).scalars().all():
            user = find_user(db, conn, user_id=user_id)
            public, _ = user_tickets(db, conn, user, Page())
            staff, _ = client_tickets(db, conn, user, Page())
            _same_bytes(app, public, TicketSchema(many=True))
            _same_bytes(app, staff, StaffTicketSchema(many=True))
            listed += len(public)
    assert listed
