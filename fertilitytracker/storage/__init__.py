"""The only code that speaks SQL: the journal file, its migrations and its repositories."""
