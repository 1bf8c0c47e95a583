"""The assessment settings are read from the environment and checked when the server starts."""

import os
import subprocess
import sys

import pytest


def _start(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the production settings in a fresh interpreter, as a starting server would."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("QIFU_ASSESS")}
    environ.update({"QIFU_DEBUG": "1", **env})
    code = "import qifu.settings as s; print(s.ASSESS_WEIGHTS, s.ASSESS_BASIC_WEIGHT, s.ASSESS_MIN_CASES)"
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=False)


def test_defaults_and_overrides() -> None:
    assert _start().stdout.strip() == "(0.1, 0.5, 0.4) 0.9 5"
    done = _start(QIFU_ASSESS_WEIGHTS="0.2, 0.3, 0.5", QIFU_ASSESS_BASIC_WEIGHT="0.8", QIFU_ASSESS_MIN_CASES="3")
    assert done.stdout.strip() == "(0.2, 0.3, 0.5) 0.8 3"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        pytest.param({"QIFU_ASSESS_WEIGHTS": "0.2,0.5,0.4"}, "QIFU_ASSESS_WEIGHTS", id="sum_not_one_case"),
        pytest.param({"QIFU_ASSESS_WEIGHTS": "0.5,0.5"}, "QIFU_ASSESS_WEIGHTS", id="two_weights_case"),
        pytest.param({"QIFU_ASSESS_WEIGHTS": "1.5,-0.5,0"}, "QIFU_ASSESS_WEIGHTS", id="out_of_range_case"),
        pytest.param({"QIFU_ASSESS_WEIGHTS": "a,b,c"}, "QIFU_ASSESS_WEIGHTS", id="not_numbers_case"),
        pytest.param({"QIFU_ASSESS_BASIC_WEIGHT": "1.1"}, "QIFU_ASSESS_BASIC_WEIGHT", id="basic_above_one_case"),
        pytest.param({"QIFU_ASSESS_BASIC_WEIGHT": "nan"}, "QIFU_ASSESS_BASIC_WEIGHT", id="basic_nan_case"),
        pytest.param({"QIFU_ASSESS_MIN_CASES": "0"}, "QIFU_ASSESS_MIN_CASES", id="min_zero_case"),
    ],
)
def test_bad_values_stop_the_start(env: dict[str, str], message: str) -> None:
    done = _start(**env)
    assert done.returncode != 0
    assert message in done.stderr
