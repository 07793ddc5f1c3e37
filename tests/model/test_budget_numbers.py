"""Budget shares written as huge percentages are refused at their key, never an arithmetic overflow."""

from __future__ import annotations

import pytest
from conftest import estimate_text, function, workload_yaml

from lambda_cost.errors import WorkloadError


@pytest.mark.parametrize("share", ["1e9999999%", "-1e9999999%", "1e-9999999%", "NaN%", "sNaN%", "Infinity%"])
def test_an_absurd_warn_at_percentage_is_a_located_problem(share: str) -> None:
    with pytest.raises(WorkloadError) as caught:
        estimate_text(workload_yaml(function(), budget={"warn_at": share}))
    (problem,) = caught.value.problems
    assert problem.dotted_path == "budget.warn_at" and problem.line is not None
