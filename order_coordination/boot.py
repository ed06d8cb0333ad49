"""What the desk needs to know from the start: the app's lists (stages, exception types, delivery
outcomes, the timeline notes the app itself writes), so that the JavaScript never keeps copies of them."""

from order_coordination.core import constants
from order_coordination.departments import user_departments


def boot_session(bootinfo):
	bootinfo.order_coordination = {
		# The departments the user acts for (all of them for coordination managers): "My Department".
		"my_departments": user_departments(),
		"stages": list(constants.STAGES),
		"production_stages": list(constants.PRODUCTION_STAGES),
		"exception_types": list(constants.EXCEPTION_TYPES),
		"outcomes": list(constants.DELIVERY_OUTCOMES),
		"promise_reasons": list(constants.PROMISE_REASONS),
		"promise_reliability_views": list(constants.PROMISE_RELIABILITY_VIEWS),
		"max_text": constants.MAX_TEXT,
		# Timeline actions whose notes the app writes (event names, "Sales → Production"): shown translated.
		"app_note_actions": [
			constants.TIMELINE_DOCUMENT,
			constants.TIMELINE_STATUS,
			constants.TIMELINE_HANDOFF_SENT,
			constants.TIMELINE_HANDOFF_ESCALATED,
			constants.TIMELINE_PROMISE_ESCALATED,
		],
	}
