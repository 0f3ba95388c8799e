"""Plain PyMySQL connections, opened with the session osTicket uses (the builder and the floor share them)."""

import pymysql
from sqlalchemy.engine import make_url

SESSION = "SET NAMES utf8 COLLATE utf8_general_ci, SESSION sql_mode='', SESSION time_zone='SYSTEM'"


def connect(db_url, autocommit=True):
    """A PyMySQL connection to the database of an SQLAlchemy URL."""
    u = make_url(db_url)
    conn = pymysql.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 3306,
        user=u.username or "root",
        password=u.password or "",
        database=u.database,
        unix_socket=u.query.get("unix_socket"),
        charset="utf8",
        autocommit=autocommit,
    )
    with conn.cursor() as cur:
        cur.execute(SESSION)
    return conn


def scalar(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
    return row[0] if row else None


def fetchall(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()
