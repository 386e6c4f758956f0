"""The JSON API under /api/v1: the parent screener's endpoints, their schemas and OpenAPI document."""
