"""osTicket's staff keyword-search index, ost__search (DATA_MODEL §7.5), kept current as osTicket does."""

from sqlalchemy.dialects.mysql import insert


def index(db, conn, object_type, object_id, title, content):
    """REPLACE the row for one object: "T" ticket, "H" thread entry, "U" user. No-op without the table."""
    index_many(db, conn, [(object_type, object_id, title, content)])


def index_many(db, conn, rows):
    """REPLACE several (object_type, object_id, title, content) rows in one statement."""
    if not rows or not db.tables.has("_search"):
        return
    t = db.tables._search
    values = [
        {"object_type": kind, "object_id": object_id, "title": title or "", "content": content or ""}
        for kind, object_id, title, content in rows
    ]
    stmt = insert(t)
    conn.execute(stmt.on_duplicate_key_update(title=stmt.inserted.title, content=stmt.inserted.content), values)
