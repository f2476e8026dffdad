"""The form-configuration check: what the scenarios send, read from the feature files,
compared with the project's forms, storages, payment accounts and sign-in form."""
