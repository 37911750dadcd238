"""Time limits for the network and render fault tests: a test's own bound and budget."""

from __future__ import annotations

import threading

from assessment.inputs.network_budget import NetworkBudget


HANG_BOUND = 60.0

#: Small budgets so faults end in seconds; the defaults are minutes (see NetworkBudget).
TEST_BUDGET = NetworkBudget(connect_timeout=2, read_timeout=1.5, request_deadline=8, fetch_deadline=60,
                            retries=2, backoff=0.05, retry_after_cap=2, min_bytes_per_second=200,
                            rate_window=2, max_body_bytes=4 * 1024 * 1024, max_decoded_bytes=8 * 1024 * 1024)


def within(seconds: float, work):
    """Run ``work()`` in a thread; fail if it is still running after ``seconds`` (a hang)."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
