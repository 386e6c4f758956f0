"""Synthetic demo clinic for newcomers and screenshots."""
