#!/bin/sh
# Start the background worker and the web server together; stopping the server (Ctrl+C)
# stops both. A worker that dies (killed, out of memory) is started again: before each
# start, reap_imports marks the imports it left 导入中 as failed, to be run again.
set -eu
: "${BIN:=.venv/bin}" "${HOST:=127.0.0.1}" "${PORT:=8000}"

# The reminders run by themselves: each periodic job's next run is queued (once) for the worker.
"$BIN/python" manage.py schedule_jobs

supervise() {
  child=""
  trap 'test -n "$child" && kill "$child" 2>/dev/null; exit 0' INT TERM
  while :; do
    "$BIN/python" manage.py reap_imports || true
    "$BIN/python" manage.py db_worker --queue-name default &
    child=$!
    if wait "$child"; then code=0; else code=$?; fi
    child=""
    echo "后台任务进程已退出（代码 $code），2 秒后重新启动。" >&2
    sleep 2
  done
}
supervise &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

echo "安居已启动：http://$HOST:$PORT/   （按 Ctrl+C 停止）"
"$BIN/gunicorn" anju.wsgi:application --bind "$HOST:$PORT" --workers 2 --threads 4 \
  --access-logfile - --error-logfile - --log-level warning
