"""The bodies of the ``Case``'s events, by stage (``domain.case`` declares the events)."""
