"""Several processes, one truth: a person's next request may land on the other web
process and nothing changes — the session, the rate limit, the lock-out count and a
half-answered questionnaire live in PostgreSQL and Redis, not in a process."""

from __future__ import annotations

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


def test_the_callback_rate_limit_counts_across_processes() -> None:
    browser = Browser.new(address="198.51.100.7")
    statuses = []
    for attempt in range(6):  # IPTCARE_CALLBACK_RATE_LIMIT is 5
        process = 1 + attempt % 2
        browser.get(process, "/callback/")
        statuses.append(browser.post(process, "/callback/", {}).status_code)
    assert statuses[:5] == [200] * 5  # the empty form, with its errors
    assert statuses[5] == 429
    # Another address is not limited.
    other = Browser.new(address="198.51.100.8")
    other.get(2, "/callback/")
    assert other.post(2, "/callback/", {}).status_code == 200


def test_the_lock_out_count_is_shared_by_the_processes() -> None:
    browser = Browser.new()
    for attempt in range(5):  # IPTCARE_SIGN_IN_FAILURE_LIMIT is 5
        wrong = browser.staff_sign_in(1 + attempt % 2, "supervisor", "not-the-password")
        assert wrong.status_code in {200, 429}
    # Locked on both processes, even with the right password.
    for process in (1, 2):
        locked = Browser.new().staff_sign_in(process, "supervisor")
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
