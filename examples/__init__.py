"""Example case files (fictional). This folder ships inside the wheel as harasslog.examples."""
