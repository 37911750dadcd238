"""Renders of one area or a whole geography: folders, locks, kernels, batches."""
