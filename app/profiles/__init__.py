"""A candidate's profile beyond name and email: contact details, links, tags and the résumé."""
