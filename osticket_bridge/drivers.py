"""The database drivers: mysqlclient (C) where it is installed, else PyMySQL, behaving alike for the bridge."""

import math

import pymysql
from sqlalchemy.engine import make_url

try:
    import MySQLdb
    from MySQLdb.constants import FIELD_TYPE
    from MySQLdb.converters import conversions
except ImportError:  # mysqlclient is optional: it builds only where the MySQL/MariaDB client headers are installed
    MySQLdb = None


def _keep_unparsed(parse):
    def convert(value):
        parsed = parse(value)
        return value if parsed is None else parsed

    return convert


if MySQLdb:
    # A date mysqlclient cannot parse (osTicket's zero dates) would come back as None, which reads as "no date";
    # PyMySQL gives its text. Every mysqlclient connection of the process (the bridge's, and the tests' and bench's
    # own) reads them as PyMySQL does, so that the bridge behaves the same on both drivers.
    for _kind in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP, FIELD_TYPE.DATE):
        conversions[_kind] = _keep_unparsed(conversions[_kind])


# The errors of either driver (mysqlclient's when it is installed).
DRIVER_ERRORS = (pymysql.MySQLError,) + ((MySQLdb.MySQLError,) if MySQLdb else ())
CLOSED_CONNECTION_ERRORS = (pymysql.err.InterfaceError,) + ((MySQLdb.InterfaceError,) if MySQLdb else ())


def with_driver(url):
    """The URL with its driver named: ``mysql://`` takes mysqlclient (C, about 30 % less CPU per read) when it is
    installed, else PyMySQL; a URL that names its driver (``mysql+pymysql://``) keeps it."""
    url = make_url(url)
    if url.drivername == "mysql":
        url = url.set(drivername="mysql+mysqldb" if MySQLdb else "mysql+pymysql")
    return url


def driver_args(driver, timeouts):
    """The driver's connect arguments for the bounded waits (db.Timeouts)."""
    args = {"connect_timeout": timeouts.connect, "read_timeout": timeouts.read, "write_timeout": timeouts.write}
    if driver == "mysqldb":
        args = {name: max(1, math.ceil(seconds)) for name, seconds in args.items()}  # whole seconds only
    return args


def ping(dbapi_connection):
    # PyMySQL's ping reconnects unless told not to; mysqlclient's never does (its argument is deprecated).
    if isinstance(dbapi_connection, pymysql.connections.Connection):
        dbapi_connection.ping(reconnect=False)
    else:
        dbapi_connection.ping()
