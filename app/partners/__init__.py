"""The partner portal: a partner organization's own referrals, as far as each family consented."""
