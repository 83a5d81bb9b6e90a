"""Dossier templates (shipped as the package harasslog.templates; see harasslog/dossier)."""
