"""Validation: structure against the JSON Schemas, then business rules on the model."""
