"""The customer's side at its first public paths (`order_coordination.portal.*`): links already in use
and integrations keep working. The code lives in the `customers` package."""

from order_coordination.customers.links import live_tracking_links, make_tracking_link, revoke_tracking_link
from order_coordination.customers.page import order_status

__all__ = ["live_tracking_links", "make_tracking_link", "order_status", "revoke_tracking_link"]
