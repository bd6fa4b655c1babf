"""Telling people what needs them: in-app notifications, each also mailed, per-kind opt-out."""
