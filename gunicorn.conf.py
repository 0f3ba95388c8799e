"""gunicorn's production settings, read from the working directory by `make run` and `osticket-bridge demo`.

gthread workers keep HTTP connections alive and are not tied up by slow clients; `make bench` measured them
equal to sync workers in throughput (2 workers x 4 threads on 2 cores). Workers and bind come from the command.
"""

worker_class = "gthread"
threads = 4
