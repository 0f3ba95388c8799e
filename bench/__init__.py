"""`make bench`: a bulk-built osTicket database, the bridge under gunicorn, a load client and a raw-SQL floor."""
