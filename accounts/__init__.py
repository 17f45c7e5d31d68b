"""User accounts: password hashing, sign-in and the administrator's user management."""
