"""Project-wide pytest policy: a skipped test is a failure.

Odoo skips a browser tour when Chromium or websocket-client is missing; such a run
must not look green.
"""


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"{len(skipped)} test(s) skipped: a skipped test counts as a failure here",
            red=True,
        )
        session.exitstatus = 1
