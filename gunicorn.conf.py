"""Gunicorn settings read by every `gunicorn` started in this folder (gunicorn loads
./gunicorn.conf.py by default; `scripts/serve.sh` and the browser tests start it here). A
deployment that starts gunicorn elsewhere passes `--config /path/to/gunicorn.conf.py`.

The access log masks ID numbers and phones in the request line, path, query, Referer and
headers (anju/core/logmask.py; issue #13, SECURITY.md row 16).
"""

logger_class = "anju.core.logmask.GunicornLogger"
