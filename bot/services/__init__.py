"""Channel-agnostic use cases: the step, and the services built on it. No `telegram` import here."""
