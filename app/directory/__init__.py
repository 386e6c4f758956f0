"""The clinic's resource directory in Open Referral HSDS shape: organizations, services, locations."""
