"""osTicket's staff keyword-search index, ost__search (DATA_MODEL §7.5), kept current as osTicket does."""

from sqlalchemy.dialects.mysql import insert


def index(db, conn, object_type, object_id, title, content):
    """REPLACE the row for one object: "T" ticket, "H" thread entry, "U" user. No-op without the table."""
    if not db.tables.has("_search"):
        return
    t = db.tables._search
    stmt = insert(t).values(object_type=object_type, object_id=object_id, title=title or "", content=content or "")
    conn.execute(stmt.on_duplicate_key_update(title=stmt.inserted.title, content=stmt.inserted.content))
