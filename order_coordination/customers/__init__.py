"""Customers: what a customer sees of their order, and how they reach it.

It owns the order page (`page`: ERPNext's portal page /track/<order>, the list /track, the page a link
opens, its refresh, who may see which order) and tracking links (`links`: made by the promise owner,
revoked, counted). Its doors: the web page `www/track`, `page.order_status` and the link actions in
`links`, also at their first public paths under `order_coordination.portal`. What a customer may see is
the core's rule (`core.customer`).
"""
