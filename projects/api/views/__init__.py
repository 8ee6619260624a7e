"""API views by resource: reads over the actor's scoped querysets, one service call per write."""
