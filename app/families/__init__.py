"""Households, their caregivers and children, and program enrolment (HealthySteps, DULCE)."""
