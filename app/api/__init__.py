"""The versioned JSON API (/api/v1) for integrations, authenticated by personal API tokens."""
