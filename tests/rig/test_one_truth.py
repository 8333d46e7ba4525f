"""Several processes, one truth: a person's next request may land on the other web
process and nothing changes — the session, the rate limit, the lock-out count and a
half-answered questionnaire live in PostgreSQL and Redis, not in a process."""

from __future__ import annotations

import re

import pytest

from tests.rig.client import Browser, inside

pytestmark = [pytest.mark.rig, pytest.mark.usefixtures("rig")]


def test_a_sign_in_on_one_process_holds_on_the_other() -> None:
    browser = Browser.new()
    signed_in = browser.staff_sign_in(1, "clinician")
    assert signed_in.status_code == 302
    assert browser.get(2, "/").status_code == 200  # the caseload, on web2
    assert browser.get(1, "/").status_code == 200
    # Signing out on web2 ends the session on web1 too.
    assert browser.post(2, "/sign-out/").status_code == 302
    after = browser.get(1, "/")
    assert after.status_code == 302 and "/sign-in/" in after.headers["Location"]


def _callback_request(
    browser: Browser, process: int, phone: str, message: str = "Mornings are best."
) -> int:
    """Send the public form as a person would: read it, pick the first site, send."""
    page = browser.get(process, "/callback/").text
    select = re.search(r'<select[^>]*name="site".*?</select>', page, re.S)
    sites = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
    data = {
        "request_for": "self",
        "name": "Rig Tester",
        "phone": phone,
        "email": "",
        "call_times": ["morning"],
        "message": message,
        "consent": "on",
        "website": "",
        **({"site": sites[0]} if sites else {}),
    }
    return browser.post(process, "/callback/", data).status_code


def test_the_callback_rate_limit_counts_across_processes() -> None:
    # Accepted requests count, per sender (the contact details given): five from one
    # phone number are taken wherever they land, the sixth is refused (decision 0042).
    # Each says something new: the same request sent again is the one already kept.
    browser = Browser.new(address="198.51.100.7")
    statuses = [
        _callback_request(
            browser, 1 + attempt % 2, "07700 900 777", f"Request {attempt}"
        )
        for attempt in range(6)  # IPTCARE_CALLBACK_RATE_LIMIT is 5
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    # Another person at the same address (a shelter, a library) is not limited.
    assert _callback_request(browser, 2, "07700 900 778") == 302


def test_the_lock_out_count_is_shared_by_the_processes() -> None:
    # From an address of its own: lock-out counts per address too (decision 0013), and
    # the other rig tests sign in from 127.0.0.1.
    browser = Browser.new(address="198.51.100.20")
    for attempt in range(5):  # IPTCARE_SIGN_IN_FAILURE_LIMIT is 5
        wrong = browser.staff_sign_in(1 + attempt % 2, "supervisor", "not-the-password")
        assert wrong.status_code in {200, 429}
    # The user name is locked on both processes, from any address, even with the
    # right password.
    for process in (1, 2):
        locked = Browser.new(address="198.51.100.21").staff_sign_in(
            process, "supervisor"
        )
        assert locked.status_code == 429
        assert "Sign-in locked" in locked.text


def test_a_questionnaire_started_on_one_process_is_finished_on_the_other() -> None:
    link = inside("portal-links", "1")[0]
    patient = Browser.new()
    patient.portal_sign_in(1, link)
    started = patient.post(2, "/portal/questionnaires/phq9/start/")
    assert started.status_code == 302
    first = started.headers["Location"]
    assert first.endswith("/1/")
    base = first[: -len("1/")]
    # PHQ-9: nine items and the "how difficult" screen; item 9 answered 0 (no risk).
    for number, answer in enumerate((1, 2, 1, 0, 1, 2, 1, 0, 0, 1), start=1):
        process = 1 + number % 2
        assert patient.get(process, f"{base}{number}/").status_code == 200
        saved = patient.post(process, f"{base}{number}/", {"answer": answer})
        assert saved.status_code == 302, (number, saved.status_code)
    review = patient.get(2, f"{base}check/")
    assert review.status_code == 200
    sent = patient.post(1, f"{base}check/")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/sent/")
    # A retried send, on the other process, finds it sent: the same answer.
    again = patient.post(2, f"{base}check/")
    assert again.status_code == 302
    assert again.headers["Location"] == sent.headers["Location"]
    assert patient.get(2, f"{base}sent/").status_code == 200


def test_the_load_balancer_spreads_one_session_over_both_processes() -> None:
    browser = Browser.new()
    assert browser.staff_sign_in(0, "clinician2").status_code == 302
    assert all(browser.get(0, "/").status_code == 200 for _ in range(6))
