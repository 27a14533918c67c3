"""epigrid's own format overrides (settings.FORMAT_MODULE_PATH); Django's fill in the rest."""
