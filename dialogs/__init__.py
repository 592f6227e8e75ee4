"""The conversation: one state machine, the session model and input parsing; free of I/O."""
