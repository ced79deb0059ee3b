"""gunicorn settings for `make serve` (each can be overridden by gunicorn's own flags).

Several worker processes, each with a few threads, behind one address. Workers share
nothing in memory: sessions are signed cookies, the database is the state, and with
REDIS_URL set the login rate limits and the dashboard's figures cache are shared too.
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# WEB_CONCURRENCY is the usual name for the number of worker processes.
workers = int(os.environ.get("WEB_CONCURRENCY", min(multiprocessing.cpu_count() * 2 + 1, 8)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A PDF may take PDF_RENDER_TIMEOUT_SECONDS to render, and an approval through the API
# renders both variants in its request: give it room to finish (and answer its own clear
# error if one overruns). Approval in the browser leaves the layout to the PDF worker.
timeout = 2 * int(os.environ.get("PDF_RENDER_TIMEOUT_SECONDS", "120")) + 30
graceful_timeout = 30
keepalive = 5
# gunicorn's longest request line (its default is 4,094 bytes, answered with its own HTML
# page): the app refuses addresses over 4,096 bytes itself, with the API's JSON error body or
# the service's error page (web.MAX_ADDRESS_BYTES). Beyond this the HTTP server still refuses.
limit_request_line = 8190
# Each worker opens its own database connections after the fork.
preload_app = False
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# Behind a TLS-terminating proxy on the same host, trust its X-Forwarded-Proto header. The
# client's address (X-Forwarded-For) is read by the app itself, through ProxyFix, when
# PROXY_FIX_X_FOR says how many proxies there are.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
