"""Per-job message templates for the mails to candidates and panels, with a preview."""
