"""The ``instruments`` and ``score`` commands, through ``call_command`` and through the
real ``iptcare`` console script. No database: both commands only read definitions."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from measures.instruments import REGISTRY


def _iptcare() -> str:
    beside_python = Path(sys.executable).parent / "iptcare"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("iptcare")
    if found is None:
        pytest.fail("The iptcare console script is not installed: run `make setup`.")
    return found


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "iptcare.settings_test"}
    return subprocess.run(
        [_iptcare(), *args], capture_output=True, text=True, env=env, check=False
    )


def _score(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("score", *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    data: dict[str, object] = json.loads(lines[0])
    return data


def test_instruments_lists_every_id_first_on_its_line() -> None:
    out = StringIO()
    call_command("instruments", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == list(REGISTRY)
    assert lines[0] == "phq9\tPatient Health Questionnaire-9 (PHQ-9)"


def test_score_prints_one_json_object_with_the_required_keys() -> None:
    # when
    data = _score("phq9", "1", "1", "1", "1", "1", "1", "1", "1", "2")
    # then
    assert data["instrument"] == "phq9"
    assert data["total"] == 10
    assert data["band"] == "moderate"
    assert data["caseness"] is True
    assert data["critical"] == [9]
    assert data["subscales"] == {}


def test_score_reports_subscales_and_special_item_scores() -> None:
    data = _score("audit", "1", "0", "0", "-", "-", "-", "-", "-", "2", "1")
    assert data["total"] == 7  # 1 + skipped 0s + 4 + 2
    assert data["subscales"] == {"consumption": 1, "dependence": 0, "harm": 6}


def test_dash_is_a_missing_answer_and_the_total_is_null_with_a_reason() -> None:
    data = _score("gad7", "0", "1", "-", "-", "-", "0", "0")
    assert data["total"] is None
    assert data["band"] is None
    assert data["caseness"] is None
    assert "item 3" in str(data["reason"])


def test_mean_scored_instrument_prints_a_float() -> None:
    assert _score("mspss", *["4"] * 12)["total"] == 5.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bdi2", "0"], "Unknown instrument 'bdi2'"),
        (["phq9", "0", "0"], "9 items; got 2"),
        (["phq9", *["0"] * 8, "x"], "Answer 9 is 'x'"),
        (["phq9", *["0"] * 8, "4"], "item 9 (Self-harm thoughts): 4 is not one"),
        (["phq9", *["0"] * 8, "-1"], "-1 is not one of the options"),
    ],
)
def test_bad_input_is_a_usage_error_with_nothing_on_stdout(
    args: list[str], message: str
) -> None:
    out = StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("score", *args, stdout=out)
    assert excinfo.value.returncode == 2
    assert message in str(excinfo.value)
    assert out.getvalue() == ""


def test_console_script_scores() -> None:
    result = _run("score", "core10", *["0"] * 10)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    data = json.loads(line)
    assert (data["instrument"], data["total"], data["critical"]) == ("core10", 8, [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "nope"], "Unknown instrument 'nope'"),
        (["score", "phq9", "0"], "9 items; got 1"),
        (["score", "phq9", *["0"] * 8, "three"], "Answer 9 is 'three'"),
        (["score", "asq", "0", "0", "0", "0", "2"], "item 5 (Thoughts right now)"),
        (["score"], "the following arguments are required"),
    ],
)
def test_console_script_exits_2_with_the_message_on_stderr_only(
    args: list[str], message: str
) -> None:
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr


def test_console_script_lists_instruments() -> None:
    result = _run("instruments")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("phq9\t")
