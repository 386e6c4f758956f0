"""Staff and partner accounts: sign-in, memberships with roles, user administration."""
