"""Browser fixtures: the real app served on 127.0.0.1 and Debian's Chromium driven by Playwright.

Every page a test opens is watched: console errors, uncaught exceptions and CSP violations fail
the test at teardown (ask for `browser_problems` and clear it to assert on them yourself).
Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.extensions import db
from tests.conftest import make_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# Chrome reports violations in the console; the listener below also records the DOM event.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_app(tmp_path) -> Iterator[Flask]:
    """A separate app (no app context held open) on a fresh SQLite file, CSRF enabled."""
    app = make_app(f"sqlite:///{tmp_path / 'live.db'}", WTF_CSRF_ENABLED=True, TESTING=False)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


def kill_processes_with(marker: str, parent: int | None = None) -> None:
    """SIGKILL every process whose command line holds `marker` (and, if given, whose parent is
    `parent`)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() not in cmdline.read_bytes():
                continue
            stat = (cmdline.parent / "stat").read_text()
            if parent is not None and int(stat.rsplit(")", 1)[1].split()[1]) != parent:
                continue
            os.kill(int(cmdline.parent.name), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            continue


def force_quit(marker: str) -> None:
    """Kill our Chromium, then our own Playwright driver (a child of this process)."""
    kill_processes_with(marker)
    kill_processes_with("run-driver", parent=os.getpid())


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `bash scripts/install-chromium.sh` (make test does).")
    # Chromium ignores unknown switches; this one names our browser's processes for the watchdog.
    marker = f"--hirelab-test-browser={uuid.uuid4().hex}"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, marker])
    yield browser
    # After a long loaded session a graceful shutdown has been seen to hang forever (in close() and
    # in the driver's exit). Never let teardown hang the suite: after 20 s kill our browser and
    # Playwright's driver; the pending calls then fail fast and are ignored.
    watchdog = threading.Timer(20, force_quit, args=(marker,))
    watchdog.start()
    try:
        browser.close()
        playwright.stop()
    except Exception as error:  # only after the watchdog killed them
        print(f"\nChromium/Playwright had to be killed at teardown: {error}", file=sys.stderr)
    finally:
        watchdog.cancel()


@pytest.fixture
def browser_problems() -> list[str]:
    return []


@pytest.fixture
def new_page(chromium, browser_problems, request):
    """A factory of pages, each in its own browser context (its own cookies)."""
    contexts = []

    def open_page():
        context = chromium.new_context()
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(CSP_LISTENER)
        page.on(
            "console", lambda m: m.type == "error" and browser_problems.append(f"console: {m.text}")
        )
        page.on("pageerror", lambda e: browser_problems.append(f"page error: {e}"))
        page.set_default_timeout(15_000)
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(contexts):
        for page in context.pages:
            if page.is_closed():
                continue
            name = f"{request.node.name}-{number}.png".replace("/", "_")
            page.screenshot(path=str(ARTIFACTS / name), full_page=True)
            violations = page.evaluate("window.__cspViolations || []")
            browser_problems.extend(f"CSP violation: {v}" for v in violations)
        context.close()
    assert browser_problems == [], "console errors or CSP violations:\n" + "\n".join(
        browser_problems
    )


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real login form."""
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/**")
