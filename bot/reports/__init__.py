"""Reports: scope (who sees which branches), figures (defined once), and their texts."""
