"""One module per command, and the one place errors become messages and exit codes (guard)."""
