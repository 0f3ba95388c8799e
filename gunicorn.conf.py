"""gunicorn's production settings, read from the working directory by `make run` and `osticket-bridge demo`.

gthread workers keep HTTP connections alive and are not tied up by slow clients; `make bench` measured them
equal to sync workers in throughput (2 workers x 4 threads on 2 cores). Workers and bind come from the command.
"""

from osticket_bridge import gunicorn_errors

worker_class = "gthread"
threads = 4
# SIGTERM: workers stop accepting, finish the requests in flight (answered with "Connection: close") for up to
# this many seconds, then exit; a request bounded by the database timeouts (README) finishes well within it.
graceful_timeout = 30
# The app refuses URLs over 4094 characters with its JSON 414 (security.MAX_URL_CHARS); gunicorn refuses only
# request lines over its maximum, 8190, with the same JSON shape (gunicorn_errors).
limit_request_line = 8190

gunicorn_errors.install()
