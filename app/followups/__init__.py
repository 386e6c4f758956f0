"""Follow-up tasks and contact attempts: the navigator's worklist between visits."""
