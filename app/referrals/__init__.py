"""Referrals and warm handoffs to internal teams and partner organizations, with the closed-loop status machine."""
