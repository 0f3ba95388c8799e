"""Plain driver connections, opened with the session osTicket uses (the builder and the floor share them). The
driver is the one the bridge takes for the same URL (drivers.with_driver): the floor is no slower than the bridge's."""

import pymysql

from osticket_bridge.drivers import MySQLdb, with_driver

SESSION = "SET NAMES utf8 COLLATE utf8_general_ci, SESSION sql_mode='', SESSION time_zone='SYSTEM'"


def connect(db_url, autocommit=True):
    """A connection to the database of an SQLAlchemy URL, by the driver the bridge would use."""
    u = with_driver(db_url)
    where = {"host": u.host or "127.0.0.1", "port": u.port or 3306, "user": u.username or "root"}
    if u.query.get("unix_socket"):
        where["unix_socket"] = u.query["unix_socket"]
    if u.get_driver_name() == "mysqldb":
        conn = MySQLdb.connect(**where, password=u.password or "", database=u.database or "", charset="utf8")
        conn.autocommit(autocommit)
    else:
        conn = pymysql.connect(**where, password=u.password or "", database=u.database, charset="utf8",
                               autocommit=autocommit)  # fmt: skip
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
