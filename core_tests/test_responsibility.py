import pytest

from order_coordination.core.constants import (
	ACCOUNTABLE,
	COMPLETED,
	IN_PRODUCTION,
	INFORMED,
	LOGISTICS,
	LOGISTICS_LED,
	ORDER_RECEIVED,
	OWNERSHIP_MODELS,
	PRODUCTION,
	PRODUCTION_LED,
	READY_TO_SHIP,
	RESPONSIBLE,
	SALES,
	SALES_LED,
	SHARED,
	SHIPPED,
	STAGES,
)
from order_coordination.core.errors import CoordinationError
from order_coordination.core.responsibility import (
	accountable_for,
	informed_for,
	preset_matrix,
	responsible_for,
	validate_matrix,
)


@pytest.mark.parametrize("model", OWNERSHIP_MODELS)
def test_every_preset_is_valid_and_covers_every_stage(model):
	matrix = preset_matrix(model)
	validate_matrix(matrix)
	assert set(matrix) == set(STAGES)


@pytest.mark.parametrize(
	"model,owner", [(SALES_LED, SALES), (PRODUCTION_LED, PRODUCTION), (LOGISTICS_LED, LOGISTICS)]
)
def test_led_models_make_one_department_accountable_for_every_stage(model, owner):
	matrix = preset_matrix(model)
	assert {accountable_for(matrix, stage) for stage in STAGES} == {owner}


def test_shared_model_makes_each_stage_answer_for_itself():
	matrix = preset_matrix(SHARED)
	assert accountable_for(matrix, IN_PRODUCTION) == PRODUCTION
	assert accountable_for(matrix, SHIPPED) == LOGISTICS
	assert accountable_for(matrix, ORDER_RECEIVED) == SALES


def test_work_follows_the_stage_whatever_the_model():
	for model in OWNERSHIP_MODELS:
		matrix = preset_matrix(model)
		assert responsible_for(matrix, ORDER_RECEIVED) == SALES
		assert responsible_for(matrix, IN_PRODUCTION) == PRODUCTION
		assert responsible_for(matrix, READY_TO_SHIP) == LOGISTICS
		assert responsible_for(matrix, COMPLETED) == SALES


def test_extra_departments_are_informed():
	matrix = preset_matrix(SALES_LED, ["Sales", "Production", "Logistics", "Quality"])
	assert all("Quality" in informed_for(matrix, stage) for stage in STAGES)


def test_a_stage_without_exactly_one_responsible_department_is_refused():
	matrix = preset_matrix(SALES_LED)
	matrix[SHIPPED] = {SALES: ACCOUNTABLE, PRODUCTION: INFORMED, LOGISTICS: INFORMED}
	with pytest.raises(CoordinationError, match="exactly one responsible"):
		validate_matrix(matrix)
	matrix[SHIPPED] = {SALES: RESPONSIBLE, LOGISTICS: RESPONSIBLE}
	with pytest.raises(CoordinationError):
		validate_matrix(matrix)


def test_unknown_role_and_model_are_refused():
	matrix = preset_matrix(SALES_LED)
	matrix[SHIPPED][SALES] = "Consulted"
	with pytest.raises(CoordinationError):
		validate_matrix(matrix)
	with pytest.raises(CoordinationError):
		preset_matrix("Finance-led")


def test_an_edited_matrix_moves_the_work():
	matrix = preset_matrix(SALES_LED)
	matrix[READY_TO_SHIP] = {SALES: RESPONSIBLE, PRODUCTION: INFORMED, LOGISTICS: INFORMED}
	validate_matrix(matrix)
	assert responsible_for(matrix, READY_TO_SHIP) == SALES
	assert accountable_for(matrix, READY_TO_SHIP) == SALES
