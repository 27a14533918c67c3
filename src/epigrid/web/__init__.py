"""Base templates, navigation, the home page and vendored static files."""
