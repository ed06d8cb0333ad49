import math

import pytest

from order_coordination.core import constants
from order_coordination.core.errors import CoordinationError
from order_coordination.core.policy import MAX_SLA_HOURS, Policy, check_sla_hours


@pytest.mark.parametrize("bad", [-1, -0.25, math.nan, math.inf, -math.inf, "eight", None])
def test_a_stored_policy_with_hours_the_clock_cannot_use_is_refused_clearly(bad):
	for field in ("acceptance_hours", "completion_hours"):
		with pytest.raises(CoordinationError) as refused:
			Policy(**{field: {constants.IN_PRODUCTION: bad}})
		# The message names the stage and the value, so an administrator knows which row to fix.
		assert constants.IN_PRODUCTION in str(refused.value)
		assert refused.value.args_ == (constants.IN_PRODUCTION, MAX_SLA_HOURS, bad)


def test_a_stored_policy_above_the_bound_still_loads():
	# Saved before the bound existed: the clock copes, so orders of that company keep coordinating.
	policy = Policy(acceptance_hours={constants.IN_PRODUCTION: MAX_SLA_HOURS * 5})
	assert policy.acceptance_for(constants.IN_PRODUCTION) == MAX_SLA_HOURS * 5
	assert Policy(completion_hours={constants.SHIPPED: 0}).completion_for(constants.SHIPPED) == 0


def test_the_bound_for_saving_a_policy():
	assert check_sla_hours(constants.SHIPPED, 0) == 0
	assert check_sla_hours(constants.SHIPPED, MAX_SLA_HOURS) == MAX_SLA_HOURS
	assert check_sla_hours(constants.SHIPPED, "12.5") == 12.5
	for bad in (MAX_SLA_HOURS + 0.5, 1e9, -1, math.nan, math.inf, "eight", None):
		with pytest.raises(CoordinationError):
			check_sla_hours(constants.SHIPPED, bad)


def test_the_default_hours_are_within_the_bound():
	for stage in constants.STAGES:
		check_sla_hours(stage, constants.DEFAULT_ACCEPTANCE_HOURS)
		check_sla_hours(stage, constants.DEFAULT_COMPLETION_HOURS[stage])
