"""Strengths-based guidance prompts: a clinic-editable content library keyed by age, results and priorities."""
