"""Screening invitations: secure links, QR codes and kiosk sessions that let a family answer the screens due."""
