"""Browser tests: the real app (gunicorn, production settings, demo county) in a subprocess,
driven by Playwright through Debian's Chromium. Screenshots go to artifacts/screenshots/.

The server gets its own database: a temporary SQLite file, or — when DATABASE_URL points
at PostgreSQL — a scratch database on that server, dropped afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "tests" / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEMO_PASSWORD = "Anju@2022"
ACCESS_LOG: list[Path] = []  # the live server's gunicorn access log (see ``access_log``)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch_postgres(url: str):
    import psycopg

    name = f"anju_browser_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-data")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "anju.settings",
        "ANJU_DATA_DIR": str(data),
        "ANJU_DEMO_MODE": "1",
        "ANJU_TASKS_IMMEDIATE": "1",
        "ANJU_TOTP_REQUIRED": "false",  # demo logins; the TOTP step has its own tests
    }
    drop = None
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        env["DATABASE_URL"], drop = _scratch_postgres(url)
    else:
        env.pop("DATABASE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "demo", "--households", "300", "--villages-per-township", "6"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    access_log = data / "access.log"
    ACCESS_LOG[:] = [access_log]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "anju.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--access-logfile",
            str(access_log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.stderr.read().decode()) from None
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)
    if drop:
        drop()


@pytest.fixture
def access_log(live_app) -> Path:
    """The live server's access log file (gunicorn, with the project's gunicorn.conf.py)."""
    return ACCESS_LOG[0]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (see .ci/run)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_app):
    contexts = []

    def make(username: str | None = None, viewport=DESKTOP):
        context = browser.new_context(
            viewport=viewport, base_url=live_app, bypass_csp=True, locale="zh-CN"
        )
        contexts.append(context)
        page = context.new_page()
        if username:
            login(page, username)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/account/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
