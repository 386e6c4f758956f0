"""Each role's home page: what this person needs to see first when they sign in."""
