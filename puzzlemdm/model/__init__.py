"""Models: one bidirectional/causal transformer backbone; no training code here."""
