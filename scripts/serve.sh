#!/bin/sh
# Start the background worker and the web server together; stopping one stops both.
set -eu
: "${BIN:=.venv/bin}" "${HOST:=127.0.0.1}" "${PORT:=8000}"

# The reminders run by themselves: each periodic job's next run is queued (once) for the worker.
"$BIN/python" manage.py schedule_jobs
"$BIN/python" manage.py db_worker --queue-name default &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo "安居已启动：http://$HOST:$PORT/   （按 Ctrl+C 停止）"
"$BIN/gunicorn" anju.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --error-logfile - --log-level warning
