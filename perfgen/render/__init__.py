"""Rendering: the view model, the docxtpl engine, document assembly (volume) and output files."""
