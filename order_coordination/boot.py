"""What the desk needs to know from the start: the app's lists (stages, exception types, delivery
outcomes, the timeline notes the app itself writes), so that the JavaScript never keeps copies of them."""

from order_coordination.core import constants as C


def boot_session(bootinfo):
	bootinfo.order_coordination = {
		"stages": list(C.STAGES),
		"exception_types": list(C.EXCEPTION_TYPES),
		"outcomes": list(C.DELIVERY_OUTCOMES),
		# Timeline actions whose notes the app writes (event names, "Sales → Production"): shown translated.
		"app_note_actions": [
			C.TIMELINE_DOCUMENT,
			C.TIMELINE_STATUS,
			C.TIMELINE_HANDOFF_SENT,
			C.TIMELINE_HANDOFF_ESCALATED,
		],
	}
