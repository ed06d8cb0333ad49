"""Learning and tuning at their first paths (`order_coordination.expectations.*`): the desk of a site
not yet migrated, and jobs queued before the code moved to `insight.tuning`, still reach them."""

from order_coordination.insight.tuning import apply_tuning, learn, learn_all, policy_tuning

__all__ = ["apply_tuning", "learn", "learn_all", "policy_tuning"]
