"""The one error the core raises: a refused move, with a message the Frappe layer translates."""


class CoordinationError(Exception):
	"""An illegal move. `message` is an English template with {0}-style slots, `args` fill them, so the
	Frappe layer can pass the template through `_()` and show it in the user's language."""

	def __init__(self, message: str, *args: object):
		super().__init__(message.format(*args) if args else message)
		self.template = message
		self.args_ = args
