"""Practice-manager metrics: named, versioned measures with breakdowns, trends, drill-down and reports."""
