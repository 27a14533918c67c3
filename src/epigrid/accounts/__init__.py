"""Users with a home area and a role; login, tokens and throttling."""
