"""Cross-cutting code: roles and clinic scope, audit, errors, i18n, forms, CLI. Imports no feature."""
