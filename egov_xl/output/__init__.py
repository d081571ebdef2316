"""The last step of the flow: findings → text, JSON, CSV, an annotated workbook."""
